// Local single-node Kafka (KRaft combined broker+controller) without Docker or
// KAFKA_HOME: jars come from Maven Central via stack/kafka/pom.xml into
// stack/.cache/kafka/lib; config, data and logs live in stack/run/kafka/.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Kafka, logLevel } from "kafkajs";
import {
  type Service,
  RUN_DIR,
  envInt,
  findJava,
  isAlive,
  isPortOpen,
  killAndWait,
  fileSize,
  logExcerpt,
  readPid,
  removePid,
  runLogged,
  say,
  spawnDetached,
  waitUntil,
  writePid,
  stopFromPidFile,
} from "./service.ts";
import { installJars, jarDir, rel, secs } from "./maven.ts";
import { defaultPort } from "./ports.ts";

/** 4.x works with kafkajs 2.2.4 for produce / consumer groups / admin (see README.md). */
export const KAFKA_VERSION = "4.4.0";

export const kafkaPort = (): number => envInt("KAFKA_PORT", defaultPort("kafka"));
export const kafkaControllerPort = (): number => envInt("KAFKA_CONTROLLER_PORT", 9093);
/** Bootstrap list for clients of the local stack (tests, listener). */
export const kafkaBrokers = (): string[] => [`127.0.0.1:${kafkaPort()}`];

const NAME = "kafka";
const LIB = jarDir("kafka");
const HOME = join(RUN_DIR, "kafka");
const DATA = join(HOME, "data");
const LOGS = join(HOME, "logs");
const CONFIG = join(HOME, "server.properties"); // its absolute path also identifies our java process
const LOG4J = join(HOME, "log4j2.xml");
const PID_FILE = join(RUN_DIR, "kafka.pid");

export class KafkaService implements Service {
  readonly name = NAME;

  async install(): Promise<void> {
    await installJars({ service: NAME, product: "Kafka", version: KAFKA_VERSION, versionProperty: "kafka.version", log: join(LOGS, "install.log") });
  }

  async up(): Promise<void> {
    const running = readPid(PID_FILE, CONFIG);
    if (running) {
      say(NAME, `already running (pid ${running}, 127.0.0.1:${kafkaPort()})`);
      return;
    }
    removePid(PID_FILE); // stale, if any
    await this.install();
    const port = kafkaPort();
    const controllerPort = kafkaControllerPort();
    for (const [p, env] of [[port, "KAFKA_PORT"], [controllerPort, "KAFKA_CONTROLLER_PORT"]] as const) {
      if (await isPortOpen(p)) throw new Error(`port ${p} is already in use by a process this stack did not start; stop it or set ${env}`);
    }
    const java = findJava(17);
    mkdirSync(LOGS, { recursive: true });
    writeFileSync(CONFIG, serverProperties(port, controllerPort));
    writeFileSync(LOG4J, log4jXml());
    const jvm = [`-Dlog4j2.configurationFile=${LOG4J}`, "-cp", join(LIB, "*")];

    if (!existsSync(join(DATA, "meta.properties"))) {
      // Static quorum (controller.quorum.voters), so no --standalone: the voter
      // endpoint then lives only in server.properties and ports can change later.
      const uuid = spawnSync(java.bin, [...jvm, "kafka.tools.StorageTool", "random-uuid"], { encoding: "utf8" });
      const clusterId = uuid.stdout.trim();
      if (uuid.status !== 0 || !clusterId) throw new Error(`kafka-storage random-uuid failed:\n${uuid.stderr}${uuid.stdout}`);
      await runLogged(java.bin, [...jvm, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", CONFIG], join(LOGS, "format.log"));
      say(NAME, `formatted ${rel(DATA)} (cluster id ${clusterId})`);
    }

    const serverLog = join(LOGS, "server.log");
    const stdoutLog = join(LOGS, "stdout.log");
    const [serverFrom, stdoutFrom] = [fileSize(serverLog), fileSize(stdoutLog)]; // logs are appended across runs
    const t0 = Date.now();
    const pid = spawnDetached(
      java.bin,
      ["-Xms512m", "-Xmx512m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
        ...jvm, "kafka.Kafka", CONFIG],
      stdoutLog, // JVM-level output only; Kafka itself logs to server.log
      { cwd: HOME },
    );
    writePid(PID_FILE, pid);
    try {
      const deadline = t0 + envInt("KAFKA_START_TIMEOUT_MS", 90_000);
      const wait = () => ({ timeoutMs: deadline - Date.now(), abort: () => (isAlive(pid) ? undefined : "the java process exited") });
      await waitUntil(`Kafka (pid ${pid}) did not come up on 127.0.0.1:${port}`, () => answers(port), wait());
      // A fresh broker creates __consumer_offsets lazily on the first group lookup;
      // do it here so the first real consumer doesn't crash-loop on "coordinator not available".
      await waitUntil(`Kafka (pid ${pid}) group coordinator never became available`, () => answers(port, true), wait());
    } catch (err) {
      if (isAlive(pid)) await killAndWait(pid, 10_000); // never leave a half-started broker behind
      removePid(PID_FILE);
      throw new Error(
        `${(err as Error).message}\n--- ${rel(serverLog)} ---\n${logExcerpt(serverLog, serverFrom)}` +
          `\n--- ${rel(stdoutLog)} ---\n${logExcerpt(stdoutLog, stdoutFrom, 15)}`,
      );
    }
    say(NAME, `up: Kafka ${KAFKA_VERSION} (java ${java.major}) on 127.0.0.1:${port}, controller :${controllerPort}, pid ${pid}, ready in ${secs(t0)}; logs in ${rel(LOGS)}`);
  }

  async down(): Promise<void> {
    await stopFromPidFile(NAME, PID_FILE, CONFIG);
  }

  async status(): Promise<string> {
    const pid = readPid(PID_FILE, CONFIG);
    if (!pid) return existsSync(PID_FILE) ? "stopped (stale pid file)" : "stopped";
    const port = kafkaPort();
    const state = (await answers(port)) ? "running" : "running but not answering";
    return `${state} (pid ${pid}, 127.0.0.1:${port}, Kafka ${KAFKA_VERSION})`;
  }
}


/** Ready = a real Kafka metadata round-trip (and optionally a group-coordinator lookup), not just an open socket. */
async function answers(port: number, groups = false): Promise<boolean> {
  if (!(await isPortOpen(port))) return false;
  const admin = new Kafka({
    clientId: "stack-probe",
    brokers: [`127.0.0.1:${port}`],
    connectionTimeout: 1000,
    requestTimeout: 2000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING, // failed probes are expected while the broker boots
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    if (groups) await admin.describeGroups(["stack-probe"]); // FindCoordinator + DescribeGroups
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function serverProperties(port: number, controllerPort: number): string {
  return `# Generated by stack/kafka.ts on every \`up\`; edit there, not here.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${DATA}
num.partitions=1
# One broker: internal topics must not ask for 3 replicas, or group/transaction
# coordinators never become available ("coordinator not available").
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Dev/test: a handful of internal partitions instead of 50 each -> faster first
# group/transaction coordinator and restarts; don't hold the first rebalance for 3 s.
offsets.topic.num.partitions=4
transaction.state.log.num.partitions=4
share.coordinator.state.topic.num.partitions=4
group.initial.rebalance.delay.ms=0
`;
}

function log4jXml(): string {
  // shutdownHook=disable: Kafka logs its own shutdown; log4j must not close first.
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn" shutdownHook="disable">
  <Appenders>
    <RollingFile name="file" fileName="${LOGS}/server.log" filePattern="${LOGS}/server.log.%i">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
      <SizeBasedTriggeringPolicy size="50MB"/>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="file"/></Root>
    <Logger name="kafka.request.logger" level="WARN"/>
  </Loggers>
</Configuration>
`;
}
