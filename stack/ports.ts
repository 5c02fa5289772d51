// The one table of service names and ports shared by the no-Docker stack (stack/*.ts) and
// docker-compose.yml, so one .env works with either. Docs point here; test/kafka/compose.test.ts
// checks docker-compose.yml (and the stack's defaults) against it.

export interface PortEntry {
  /** docker-compose.yml service name. */
  readonly service: string;
  /** Port on 127.0.0.1 / localhost, the same with and without Docker. */
  readonly port: number;
  /** Environment variable that moves it in the no-Docker stack. */
  readonly env: string;
  readonly what: string;
}

export const PORTS = [
  { service: "kafka", port: 9092, env: "KAFKA_PORT", what: "Kafka bootstrap for clients on the host (listener, consumer, tests)" },
  { service: "schema-registry", port: 8081, env: "SCHEMA_REGISTRY_PORT", what: "Confluent-compatible schema registry (SCHEMA_REGISTRY_URL=http://localhost:8081)" },
  { service: "zookeeper", port: 2181, env: "PINOT_ZK_PORT", what: "ZooKeeper, for Pinot's cluster state" },
  { service: "pinot-controller", port: 9000, env: "PINOT_CONTROLLER_PORT", what: "Pinot controller: REST API and UI (PINOT_CONTROLLER_URL)" },
  { service: "pinot-broker", port: 8099, env: "PINOT_BROKER_PORT", what: "Pinot broker: SQL queries (PINOT_BROKER_URL=http://localhost:8099)" },
] as const satisfies readonly PortEntry[];

export type ServiceName = (typeof PORTS)[number]["service"];

/** The table's port for a service (before any environment override). */
export function defaultPort(service: ServiceName): number {
  const entry = PORTS.find((p) => p.service === service);
  if (!entry) throw new Error(`unknown service: ${service}`);
  return entry.port;
}
