// A real single-node Apache Kafka broker (KRaft, loopback only) for the Kafka
// tests. The jars come from Maven Central (scripts/kafka/pom.xml), copied into
// scripts/kafka/lib by `scripts/bootstrap.mjs`. Each start() gets its own temp
// directory and free loopback ports; stop() ends the process by its PID.
//
//   const broker = await start();        // { bootstrap: "127.0.0.1:PORT", pid, ... }
//   await broker.stop();                 // broker down, storage kept (fault tests)
//   await broker.stop({ signal: "SIGKILL" }); // a crash
//   await broker.restart();              // same ports, same storage, same topics
//   await broker.destroy();              // stop and remove the temp directory
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
/** Where bootstrap copies the broker's jars. */
export const LIB_DIR = join(here, "lib");

/** True when the broker can run here: java on PATH and the jars installed. */
export function available() {
  if (!existsSync(LIB_DIR) || !readdirSync(LIB_DIR).some((f) => f.startsWith("kafka_2.13-"))) {
    return false;
  }
  return spawnSync("java", ["-version"], { stdio: "ignore" }).status === 0;
}

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const classpath = () => `${LIB_DIR}/*`;

function properties(dir, port, controllerPort) {
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    "controller.listener.names=CONTROLLER",
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
    "inter.broker.listener.name=PLAINTEXT",
    `log.dirs=${join(dir, "data")}`,
    "num.partitions=1",
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=1",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "share.coordinator.state.topic.replication.factor=1",
    "share.coordinator.state.topic.min.isr=1",
    "default.replication.factor=1",
    "min.insync.replicas=1",
    // A lone consumer joins its group at once instead of after 3 s.
    "group.initial.rebalance.delay.ms=0",
    // After a crash, the broker's old session must expire before it may register
    // again: 2 s instead of 9 s (a restart after SIGKILL took 17 s, now 7.5 s here).
    "broker.session.timeout.ms=2000",
    "broker.heartbeat.interval.ms=500",
    "auto.create.topics.enable=false",
    "",
  ].join("\n");
}

// INFO on the console is where "Kafka Server started" is printed; the rest of
// the broker's chatter stays at WARN.
const LOG4J2 = `Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
      - name: kafka.server.BrokerServer
        level: INFO
`;

/**
 * Starts a broker and resolves once it logs "Kafka Server started".
 * @param {{ readyTimeoutMs?: number, heap?: string }} [options]
 */
export async function start(options = {}) {
  const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
  const heap = options.heap ?? "512m";
  const dir = mkdtempSync(join(tmpdir(), "envelope-kafka-"));
  const port = await freePort();
  const controllerPort = await freePort();
  const config = join(dir, "server.properties");
  writeFileSync(config, properties(dir, port, controllerPort));
  writeFileSync(join(dir, "log4j2.yaml"), LOG4J2);
  // The YAML config needs jackson-dataformat-yaml, which the broker already depends on.
  // C1 only and the serial collector: a short-lived test broker on a small
  // machine starts in about half the time (6-8 s against 11-14 s here, two runs each).
  const jvm = [
    `-Xmx${heap}`,
    "-XX:+UseSerialGC",
    "-XX:TieredStopAtLevel=1",
    `-Dlog4j2.configurationFile=${join(dir, "log4j2.yaml")}`,
  ];

  // A cluster id is a UUID in unpadded base64url, what `StorageTool random-uuid`
  // prints; made here to save a JVM start. One starting with "-" would read as a flag.
  let clusterId;
  do clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-"));
  const format = spawnSync(
    "java",
    [
      ...jvm,
      "-cp",
      classpath(),
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      config,
    ],
    { encoding: "utf8" },
  );
  if (format.status !== 0) throw new Error(`StorageTool format failed: ${format.stderr}`);

  /** @type {import("node:child_process").ChildProcess | undefined} */
  let child;
  let log = "";

  const launch = () =>
    new Promise((resolve, reject) => {
      log = "";
      const proc = spawn("java", [...jvm, "-cp", classpath(), "kafka.Kafka", config], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      child = proc;
      const timer = setTimeout(() => {
        proc.kill("SIGKILL");
        reject(new Error(`Kafka did not start within ${readyTimeoutMs} ms:\n${log.slice(-4000)}`));
      }, readyTimeoutMs);
      const onData = (chunk) => {
        log += chunk;
        if (log.length > 1 << 20) log = log.slice(-(1 << 19));
        if (log.includes("Kafka Server started")) {
          clearTimeout(timer);
          proc.stdout.off("data", onData);
          // Keep draining so a full pipe never blocks the broker.
          proc.stdout.on("data", (c) => {
            log = (log + c).slice(-(1 << 19));
          });
          resolve();
        }
      };
      proc.stdout.setEncoding("utf8").on("data", onData);
      proc.stderr.setEncoding("utf8").on("data", (c) => {
        log = (log + c).slice(-(1 << 19));
      });
      proc.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`Kafka exited (${code ?? signal}) before it started:\n${log.slice(-4000)}`),
        );
      });
    });

  /**
   * Stops the broker by its PID: SIGTERM (a clean shutdown), SIGKILL after
   * `graceMs`; `{ signal: "SIGKILL" }` crashes it at once (fault tests).
   */
  const stop = ({ signal = "SIGTERM", graceMs = 20_000 } = {}) =>
    new Promise((resolve) => {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) {
        resolve();
        return;
      }
      const timer = setTimeout(() => process.kill(proc.pid, "SIGKILL"), graceMs);
      proc.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      process.kill(proc.pid, signal);
    });

  const started = Date.now();
  await launch();
  const broker = {
    /** `host:port` for clients. */
    bootstrap: `127.0.0.1:${port}`,
    port,
    controllerPort,
    dir,
    /** Milliseconds the first start took (JVM start to "Kafka Server started"). */
    startMs: Date.now() - started,
    /** The running broker's PID, or undefined when stopped. */
    get pid() {
      return child?.pid;
    },
    /** What the broker printed most recently (for failure messages). */
    get log() {
      return log;
    },
    stop,
    /** Starts the broker again on the same ports and storage. */
    async restart() {
      await stop();
      await launch();
    },
    /** Stops the broker and removes its directory. */
    async destroy() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return broker;
}
