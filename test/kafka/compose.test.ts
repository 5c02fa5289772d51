// docker-compose.yml cannot run here (no Docker), so it is checked as data: it parses, uses official
// images, wires the services together, and publishes exactly the ports of stack/ports.ts — the
// same ports the no-Docker stack uses, so one .env works with both.
import {readFileSync} from "node:fs";
import {join} from "node:path";
import {describe, expect, test} from "vitest";
import {parse} from "yaml";
import {PROJECT_ROOT} from "../../loaders/config.ts";
import {KAFKA_VERSION, kafkaPort} from "../../stack/kafka.ts";
import {pinotBrokerPort, pinotControllerPort, pinotZkPort} from "../../stack/pinot.ts";
import {PORTS} from "../../stack/ports.ts";
import {schemaRegistryPort} from "../../stack/schema-registry.ts";

interface ComposeService {
  image: string;
  command?: string;
  ports?: string[];
  environment?: Record<string, string | number>;
  depends_on?: string[] | Record<string, {condition: string}>;
  profiles?: string[];
  env_file?: unknown;
  volumes?: string[];
}
const compose = parse(readFileSync(join(PROJECT_ROOT, "docker-compose.yml"), "utf8")) as {services: Record<string, ComposeService>; volumes?: Record<string, unknown>};
const services = compose.services;
const dependencies = (s: ComposeService) => (Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {}));

describe("docker-compose.yml", () => {
  test("has the services, from official images", () => {
    expect(Object.keys(services).sort()).toEqual(["kafka", "listener", "pinot-broker", "pinot-controller", "pinot-server", "schema-registry", "zookeeper"]);
    expect(services.kafka!.image).toBe(`apache/kafka:${KAFKA_VERSION}`); // the version the local stack runs
    expect(services["schema-registry"]!.image).toMatch(/^confluentinc\/cp-schema-registry:\d+\.\d+\.\d+$/);
    expect(services.zookeeper!.image).toMatch(/^zookeeper:3\.\d+/);
    for (const name of ["pinot-controller", "pinot-broker", "pinot-server"]) expect(services[name]!.image).toMatch(/^apachepinot\/pinot:1\.\d+\.\d+$/);
    expect(services.listener!.image).toMatch(/^node:20(\.|$|-)/);
  });

  test("publishes exactly the ports of stack/ports.ts, which are also the no-Docker stack's defaults", () => {
    const published = Object.entries(services).flatMap(([name, s]) => (s.ports ?? []).map((p) => `${name} ${p}`)).sort();
    expect(published).toEqual(PORTS.map((p) => `${p.service} ${p.port}:${p.port}`).sort());
    // The stack reads the same ports (environment overrides aside).
    const saved = {...process.env};
    try {
      for (const p of PORTS) delete process.env[p.env];
      const stack: Record<string, number> = {
        kafka: kafkaPort(), "schema-registry": schemaRegistryPort(), zookeeper: pinotZkPort(),
        "pinot-controller": pinotControllerPort(), "pinot-broker": pinotBrokerPort()
      };
      for (const p of PORTS) expect([p.service, stack[p.service]]).toEqual([p.service, p.port]);
    } finally {
      process.env = saved;
    }
  });

  test("Kafka runs KRaft with a listener for the host and one for containers", () => {
    const env = services.kafka!.environment!;
    expect(String(env.KAFKA_PROCESS_ROLES)).toBe("broker,controller");
    expect(String(env.KAFKA_ADVERTISED_LISTENERS)).toContain("localhost:9092");
    expect(String(env.KAFKA_ADVERTISED_LISTENERS)).toContain("kafka:19092");
    expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(1);
    expect(env).toHaveProperty("CLUSTER_ID");
  });

  test("services point at each other by compose name", () => {
    expect(services["schema-registry"]!.environment!.SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS).toBe("PLAINTEXT://kafka:19092");
    for (const name of ["pinot-controller", "pinot-broker", "pinot-server"]) expect(services[name]!.command).toContain("-zkAddress zookeeper:2181");
    expect(services["pinot-controller"]!.command).toContain("StartController");
    expect(services["pinot-broker"]!.command).toContain("StartBroker");
    expect(services["pinot-server"]!.command).toContain("StartServer");
    for (const [name, s] of Object.entries(services)) {
      for (const dep of dependencies(s)) expect(services, `${name} depends on ${dep}`).toHaveProperty([dep]);
    }
    for (const s of Object.values(services)) {
      for (const v of s.volumes ?? []) {
        const source = v.split(":")[0]!;
        if (!source.startsWith(".")) expect(compose.volumes ?? {}, `named volume ${source}`).toHaveProperty([source]);
      }
    }
  });

  test("the listener is optional (profile listener) and writes to Kafka inside the Docker network", () => {
    const listener = services.listener!;
    expect(listener.profiles).toEqual(["listener"]);
    expect(listener.command).toContain("npm ci");
    expect(listener.command).toContain("npm run listen -- --sink kafka");
    expect(listener.environment).toMatchObject({KAFKA_BROKERS: "kafka:19092", SCHEMA_REGISTRY_URL: "http://schema-registry:8081"});
    expect(dependencies(listener)).toEqual(expect.arrayContaining(["kafka", "schema-registry"]));
    for (const [name, s] of Object.entries(services)) if (name !== "listener") expect(s.profiles, name).toBeUndefined();
  });
});
