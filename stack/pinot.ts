// Local Apache Pinot without Docker or a Pinot distribution: the runtime classpath
// comes from Maven Central via stack/pinot/pom.xml into stack/.cache/pinot/lib;
// config, data and logs live in stack/run/pinot/.
//
// Two JVMs: ZooKeeper (ZooKeeperServerMain, so it can bind 127.0.0.1 only, which
// Pinot's StartZookeeper cannot) and one Pinot "service manager" running
// controller + broker + server together (StartServiceManager with one config
// file per role, so every port is ours to choose). Not QuickStart: its ports are
// fixed (broker on 8000) and it starts everything, ZooKeeper included, in one
// process we could not restart piecemeal.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import {
  type Service,
  RUN_DIR,
  envInt,
  fileSize,
  findJava,
  isAlive,
  isPortOpen,
  killAndWait,
  logExcerpt,
  readPid,
  removePid,
  say,
  spawnDetached,
  waitUntil,
  writePid,
} from "./service.ts";
import { installJars, jarDir, rel, secs } from "./maven.ts";
import { defaultPort } from "./ports.ts";

/**
 * The newest Pinot whose server, tools and Kafka/Avro plugins Maven Central serves
 * here (see stack/pinot/pom.xml). Runs on Java 17.
 */
export const PINOT_VERSION = "0.11.0";
export const PINOT_CLUSTER = "PinotCluster";

// Defaults match the docker-compose layout (broker 8099, not QuickStart's 8000).
export const pinotControllerPort = (): number => envInt("PINOT_CONTROLLER_PORT", defaultPort("pinot-controller"));
export const pinotBrokerPort = (): number => envInt("PINOT_BROKER_PORT", defaultPort("pinot-broker"));
export const pinotServerPort = (): number => envInt("PINOT_SERVER_PORT", 8098); // netty, broker -> server queries
export const pinotServerAdminPort = (): number => envInt("PINOT_SERVER_ADMIN_PORT", 8097); // REST /health
export const pinotZkPort = (): number => envInt("PINOT_ZK_PORT", defaultPort("zookeeper"));
export const pinotControllerUrl = (): string => `http://127.0.0.1:${pinotControllerPort()}`;
export const pinotBrokerUrl = (): string => `http://127.0.0.1:${pinotBrokerPort()}`;

const NAME = "pinot";
const LIB = jarDir("pinot");
const HOME = join(RUN_DIR, "pinot");
const LOGS = join(HOME, "logs");
const TMP = join(HOME, "tmp"); // Pinot/Helix scratch files stay out of /tmp
const ZOO_CFG = join(HOME, "zoo.cfg"); // its absolute path also identifies our ZooKeeper process
const CONTROLLER_CONF = join(HOME, "controller.conf"); // ... and this one our Pinot process
const BROKER_CONF = join(HOME, "broker.conf");
const SERVER_CONF = join(HOME, "server.conf");
const LOG4J = join(HOME, "log4j2.xml");
const ZK_PID = join(RUN_DIR, "pinot-zookeeper.pid");
const PINOT_PID = join(RUN_DIR, "pinot.pid");

export class PinotService implements Service {
  readonly name = NAME;

  async install(): Promise<void> {
    await installJars({ service: NAME, product: "Pinot", version: PINOT_VERSION, versionProperty: "pinot.version", log: join(LOGS, "install.log") });
  }

  async up(): Promise<void> {
    const running = readPid(PINOT_PID, CONTROLLER_CONF);
    if (running) {
      say(NAME, `already running (pid ${running}, controller ${pinotControllerUrl()}, broker ${pinotBrokerUrl()})`);
      return;
    }
    removePid(PINOT_PID); // stale, if any
    await this.install();
    const ports = {
      zk: pinotZkPort(),
      controller: pinotControllerPort(),
      broker: pinotBrokerPort(),
      server: pinotServerPort(),
      serverAdmin: pinotServerAdminPort(),
    };
    const zkRunning = readPid(ZK_PID, ZOO_CFG);
    const mustBeFree: [number, string][] = [
      [ports.controller, "PINOT_CONTROLLER_PORT"],
      [ports.broker, "PINOT_BROKER_PORT"],
      [ports.server, "PINOT_SERVER_PORT"],
      [ports.serverAdmin, "PINOT_SERVER_ADMIN_PORT"],
    ];
    if (!zkRunning) mustBeFree.push([ports.zk, "PINOT_ZK_PORT"]);
    for (const [p, env] of mustBeFree) {
      if (await isPortOpen(p)) throw new Error(`port ${p} is already in use by a process this stack did not start; stop it or set ${env}`);
    }

    const java = findJava(11);
    mkdirSync(LOGS, { recursive: true });
    mkdirSync(TMP, { recursive: true });
    writeFileSync(LOG4J, log4jXml());
    writeFileSync(ZOO_CFG, zooCfg(ports.zk));
    writeFileSync(CONTROLLER_CONF, controllerConf(ports));
    writeFileSync(BROKER_CONF, brokerConf(ports));
    writeFileSync(SERVER_CONF, serverConf(ports));
    const cp = ["-cp", join(LIB, "*")];
    const t0 = Date.now();
    const deadline = t0 + envInt("PINOT_START_TIMEOUT_MS", 180_000); // 2 cores, cold JIT: ~30 s seen here

    let zkPid = zkRunning;
    if (!zkPid) {
      const zkLog = join(LOGS, "zookeeper.log");
      const zkOut = join(LOGS, "zookeeper.stdout.log");
      const [logFrom, outFrom] = [fileSize(zkLog), fileSize(zkOut)]; // logs are appended across runs
      const pid = spawnDetached(
        java.bin,
        ["-Xmx128m", "-XX:+ExitOnOutOfMemoryError", ...jvmProps("zookeeper.log"), ...cp,
          "org.apache.zookeeper.server.ZooKeeperServerMain", ZOO_CFG],
        zkOut,
        { cwd: HOME },
      );
      writePid(ZK_PID, pid);
      try {
        await waitUntil(`ZooKeeper (pid ${pid}) did not come up on 127.0.0.1:${ports.zk}`, () => zkAnswers(ports.zk), waitOpts(pid, deadline));
      } catch (err) {
        await stop(pid, ZK_PID, 10_000);
        throw new Error(`${(err as Error).message}\n${excerpts([[zkLog, logFrom], [zkOut, outFrom]])}`);
      }
      zkPid = pid;
    }

    const pinotLog = join(LOGS, "pinot.log");
    const pinotOut = join(LOGS, "pinot.stdout.log");
    const [logFrom, outFrom] = [fileSize(pinotLog), fileSize(pinotOut)];
    const heap = process.env.PINOT_HEAP || "1g";
    const pid = spawnDetached(
      java.bin,
      [`-Xms${heap}`, `-Xmx${heap}`, "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError", "-Djava.awt.headless=true",
        ...jvmProps("pinot.log"), ...cp,
        "org.apache.pinot.tools.admin.PinotAdministrator", "StartServiceManager",
        "-zkAddress", `127.0.0.1:${ports.zk}`, "-clusterName", PINOT_CLUSTER,
        "-port", "-1", // no service-manager REST port: the roles have their own
        "-bootstrapConfigPaths", CONTROLLER_CONF, BROKER_CONF, SERVER_CONF],
      pinotOut, // JVM-level output only; Pinot itself logs to pinot.log
      { cwd: HOME },
    );
    writePid(PINOT_PID, pid);
    try {
      const opts = () => waitOpts(pid, deadline);
      await waitUntil(`Pinot controller (pid ${pid}) did not answer ${pinotControllerUrl()}/health`,
        () => httpOk(`${pinotControllerUrl()}/health`), opts());
      await waitUntil(`Pinot server (pid ${pid}) did not answer http://127.0.0.1:${ports.serverAdmin}/health`,
        () => httpOk(`http://127.0.0.1:${ports.serverAdmin}/health`), opts());
      await waitUntil(`Pinot broker (pid ${pid}) did not answer a query on ${pinotBrokerUrl()}`,
        () => brokerAnswers(pinotBrokerUrl()), opts());
      // After a restart the server reloads its segments for a few seconds, during which
      // queries report them "unavailable": ready means every existing table answers.
      for (const table of await tableNames(pinotControllerUrl())) {
        await waitUntil(`Pinot table ${table} did not become queryable on ${pinotBrokerUrl()}`,
          () => brokerAnswers(pinotBrokerUrl(), `SELECT COUNT(*) FROM ${table}`), opts());
      }
    } catch (err) {
      // Never leave a half-started cluster behind; ZooKeeper too if we started it now.
      await stop(pid, PINOT_PID, 15_000);
      if (!zkRunning) await stop(zkPid, ZK_PID, 10_000);
      throw new Error(`${(err as Error).message}\n${excerpts([[pinotLog, logFrom], [pinotOut, outFrom]])}`);
    }
    say(NAME, `up: Pinot ${PINOT_VERSION} (java ${java.major}, heap ${heap}) controller ${pinotControllerUrl()}, ` +
      `broker ${pinotBrokerUrl()}, server :${ports.server}/:${ports.serverAdmin}, ZooKeeper :${ports.zk}; ` +
      `pids ${pid} + zk ${zkPid}, ready in ${secs(t0)}; logs in ${rel(LOGS)}`);
  }

  async down(): Promise<void> {
    const pid = readPid(PINOT_PID, CONTROLLER_CONF);
    const zkPid = readPid(ZK_PID, ZOO_CFG);
    if (!pid && !zkPid) {
      removePid(PINOT_PID);
      removePid(ZK_PID);
      say(NAME, "not running");
      return;
    }
    const t0 = Date.now();
    // Pinot first: its roles deregister from ZooKeeper on the way out.
    const how = pid ? await stop(pid, PINOT_PID, 30_000) : undefined;
    removePid(PINOT_PID);
    const zkHow = zkPid ? await stop(zkPid, ZK_PID, 10_000) : undefined;
    removePid(ZK_PID);
    const parts = [pid && `pinot pid ${pid} (${how})`, zkPid && `zookeeper pid ${zkPid} (${zkHow})`].filter(Boolean);
    say(NAME, `stopped ${parts.join(", ")} in ${secs(t0)}`);
  }

  async status(): Promise<string> {
    const pid = readPid(PINOT_PID, CONTROLLER_CONF);
    const zkPid = readPid(ZK_PID, ZOO_CFG);
    if (!pid && !zkPid) return existsSync(PINOT_PID) || existsSync(ZK_PID) ? "stopped (stale pid file)" : "stopped";
    if (!pid) return `ZooKeeper only (pid ${zkPid}, :${pinotZkPort()}); Pinot itself stopped`;
    const healthy = (await httpOk(`${pinotControllerUrl()}/health`)) && (await brokerAnswers(pinotBrokerUrl()));
    return `${healthy ? "running" : "running but not answering"} (pid ${pid}, zk pid ${zkPid ?? "none"}; ` +
      `controller ${pinotControllerUrl()}, broker ${pinotBrokerUrl()}, Pinot ${PINOT_VERSION})`;
  }
}


function waitOpts(pid: number, deadline: number) {
  return { timeoutMs: Math.max(0, deadline - Date.now()), abort: () => (isAlive(pid) ? undefined : "the java process exited") };
}

async function stop(pid: number, pidFile: string, graceMs: number): Promise<string> {
  const how = isAlive(pid) ? await killAndWait(pid, graceMs) : "already gone";
  removePid(pidFile);
  return how === "killed" ? `SIGKILL after ${graceMs / 1000} s grace` : how === "terminated" ? "clean shutdown" : how;
}

function excerpts(files: [string, number][]): string {
  return files.map(([f, from]) => `--- ${rel(f)} ---\n${logExcerpt(f, from, 20)}`).join("\n");
}

function jvmProps(logFile: string): string[] {
  return [`-Dlog4j2.configurationFile=${LOG4J}`, `-Dpinot.stack.logfile=${join(LOGS, logFile)}`, `-Djava.io.tmpdir=${TMP}`];
}

async function httpOk(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return res.ok;
}

/** Ready = the broker runs a query end to end. Pinot reports query errors with HTTP 200 and `exceptions`. */
export async function brokerAnswers(brokerUrl: string, sql = "SELECT 1"): Promise<boolean> {
  const res = await fetch(`${brokerUrl}/query/sql`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ sql }),
    signal: AbortSignal.timeout(5000),
  });
  if (!res.ok) return false;
  const body = (await res.json()) as { exceptions?: unknown[]; resultTable?: unknown };
  return body.resultTable !== undefined && (body.exceptions ?? []).length === 0;
}

async function tableNames(controllerUrl: string): Promise<string[]> {
  const res = await fetch(`${controllerUrl}/tables`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET ${controllerUrl}/tables: HTTP ${res.status}`);
  return ((await res.json()) as { tables?: string[] }).tables ?? [];
}

/** ZooKeeper's four-letter "ruok" (whitelisted in zoo.cfg) answers "imok" once it serves. */
async function zkAnswers(port: number): Promise<boolean> {
  if (!(await isPortOpen(port))) return false;
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" }, () => socket.write("ruok"));
    let reply = "";
    socket.setTimeout(2000, () => socket.destroy());
    socket.on("data", (d) => (reply += d.toString()));
    socket.on("close", () => resolve(reply === "imok"));
    socket.on("error", () => resolve(false));
  });
}

type Ports = { zk: number; controller: number; broker: number; server: number; serverAdmin: number };

const header = "# Generated by stack/pinot.ts on every `up`; edit there, not here.\n";

function zooCfg(port: number): string {
  return `${header}dataDir=${join(HOME, "zookeeper")}
clientPort=${port}
clientPortAddress=127.0.0.1
tickTime=2000
maxClientCnxns=0
# 3.5's AdminServer would open Jetty on :8080; nothing here needs it.
admin.enableServer=false
4lw.commands.whitelist=ruok,srvr,stat
`;
}

// Hosts: instance ids are Role_localhost_<port>; "access.protocols" listeners are
// the only way to make Pinot's HTTP endpoints bind 127.0.0.1 instead of 0.0.0.0.
// The server's netty query port has no such knob in 0.11 and binds all interfaces.
function controllerConf(p: Ports): string {
  return `${header}pinot.service.role=CONTROLLER
controller.helix.cluster.name=${PINOT_CLUSTER}
controller.zk.str=127.0.0.1:${p.zk}
controller.host=localhost
controller.port=${p.controller}
controller.access.protocols=http
controller.access.protocols.http.host=127.0.0.1
controller.access.protocols.http.port=${p.controller}
controller.data.dir=${join(HOME, "controller")}
`;
}

function brokerConf(p: Ports): string {
  return `${header}pinot.service.role=BROKER
pinot.cluster.name=${PINOT_CLUSTER}
pinot.zk.server=127.0.0.1:${p.zk}
pinot.broker.hostname=localhost
pinot.broker.client.queryPort=${p.broker}
pinot.broker.client.access.protocols=http
pinot.broker.client.access.protocols.http.host=127.0.0.1
pinot.broker.client.access.protocols.http.port=${p.broker}
# Dev stack: don't hold SIGTERM 10 s for in-flight queries.
pinot.broker.delayShutdownTimeMs=1000
`;
}

function serverConf(p: Ports): string {
  return `${header}pinot.service.role=SERVER
pinot.cluster.name=${PINOT_CLUSTER}
pinot.zk.server=127.0.0.1:${p.zk}
pinot.server.netty.host=localhost
pinot.server.netty.port=${p.server}
pinot.server.adminapi.port=${p.serverAdmin}
pinot.server.adminapi.access.protocols=http
pinot.server.adminapi.access.protocols.http.host=127.0.0.1
pinot.server.adminapi.access.protocols.http.port=${p.serverAdmin}
# gRPC is only for external connectors (Spark, Trino); it would be one more open port.
pinot.server.grpc.enable=false
# Dev stack: on SIGTERM don't wait ~15 s for a query-free window before leaving.
pinot.server.shutdown.enableQueryCheck=false
pinot.server.shutdown.timeoutMs=10000
# DataTable v4 carries null bitmaps: without it the query option enableNullHandling=true
# fails ("data table version smaller than 4"). IS NULL filters work either way.
pinot.server.instance.currentDataTableVersion=4
pinot.server.instance.dataDir=${join(HOME, "server", "data")}
pinot.server.instance.segmentTarDir=${join(HOME, "server", "segments")}
`;
}

function log4jXml(): string {
  // One file per JVM, named by -Dpinot.stack.logfile. Pinot's own jar ships a
  // log4j2.xml that logs to ./logs and the console; this replaces it.
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="warn">
  <Appenders>
    <RollingFile name="file" fileName="\${sys:pinot.stack.logfile}" filePattern="\${sys:pinot.stack.logfile}.%i">
      <PatternLayout pattern="%d{yyyy/MM/dd HH:mm:ss.SSS} %p [%c{1}] [%t] %m%n"/>
      <SizeBasedTriggeringPolicy size="50MB"/>
      <DefaultRolloverStrategy max="3"/>
    </RollingFile>
  </Appenders>
  <Loggers>
    <Root level="INFO"><AppenderRef ref="file"/></Root>
    <!-- Helix logs every pipeline run at INFO: tens of MB an hour on an idle cluster. -->
    <Logger name="org.apache.helix" level="WARN"/>
    <Logger name="org.apache.zookeeper" level="WARN"/>
    <Logger name="org.reflections" level="ERROR"/>
    <!-- Logs ERROR "No instances ... available" while the roles are still joining: noise
         that "up" would otherwise quote as the cause when something else fails. -->
    <Logger name="org.apache.helix.controller.rebalancer.DelayedAutoRebalancer" level="FATAL"/>
  </Loggers>
</Configuration>
`;
}
