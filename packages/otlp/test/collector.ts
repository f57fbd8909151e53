// Starts and stops the real OpenTelemetry Collector the OTLP tests run against:
// the distribution scripts/collector/build.mjs builds (bootstrap runs it), with
// an OTLP/HTTP receiver on a free loopback port and the file exporter writing
// what it received as OTLP/JSON lines to a temp folder.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { OtlpLogRecord, OtlpLogsData } from "@envelope/otlp";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
export const collectorBinary = join(root, "scripts/collector/build/envelope-otelcol");
export const isCI = process.env.CI === "true" || process.env.CI === "1";

/** True when the Collector is built; in CI its absence is a failure, not a skip. */
export function collectorAvailable(): boolean {
  if (existsSync(collectorBinary)) return true;
  if (isCI) throw new Error(`${collectorBinary} is missing: bootstrap builds it`);
  console.warn(`OTLP Collector tests skipped: ${collectorBinary} is missing (run pnpm bootstrap)`);
  return false;
}

/** A loopback port nothing listens on (the OS picks it; free when this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  await new Promise<void>((ok) => server.close(() => ok()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

export interface Collector {
  readonly pid: number;
  /** `http://127.0.0.1:PORT/v1/logs`. */
  readonly url: string;
  /** Waits until the file exporter has written `count` requests, and returns them parsed. */
  requests(count: number): Promise<OtlpLogsData[]>;
  /** Waits until the requests written hold at least `count` log records in all, and returns them all. */
  logRecords(count: number): Promise<OtlpLogRecord[]>;
  /** Stops the process by PID and removes its folder. */
  stop(): Promise<void>;
}

const DEADLINE_MS = 60_000;

/** Hooks and tests that start a Collector: generous, only to catch a hang on a loaded machine. */
export const HANG_DEADLINE_MS = 120_000;

/**
 * Starts the Collector on a free loopback port. Another process may take the
 * port between `freePort` and the Collector's bind: then it tries another one.
 */
export async function startCollectorOnFreePort(): Promise<Collector> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCollector(await freePort());
    } catch (error) {
      if (attempt === 5 || !String(error).includes("address already in use")) throw error;
    }
  }
}

/** Starts the Collector with an OTLP/HTTP receiver on `port` and waits until it is ready. */
export async function startCollector(port: number): Promise<Collector> {
  const dir = mkdtempSync(join(tmpdir(), "envelope-otelcol-"));
  const output = join(dir, "logs.jsonl");
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      "receivers:",
      "  otlp:",
      "    protocols:",
      "      http:",
      `        endpoint: 127.0.0.1:${port}`,
      "exporters:",
      "  file:",
      `    path: ${output}`,
      "    flush_interval: 50ms",
      "service:",
      "  telemetry:",
      "    metrics:",
      "      level: none", // no :8888 listener, so Collectors in parallel do not collide
      "  pipelines:",
      "    logs:",
      "      receivers: [otlp]",
      "      exporters: [file]",
      "",
    ].join("\n"),
  );
  const child: ChildProcess = spawn(collectorBinary, ["--config", config], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  let log = "";
  const exited = new Promise<number | null>((ok) => child.once("exit", (code) => ok(code)));
  await new Promise<void>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`Collector not ready:\n${log}`)), DEADLINE_MS);
    child.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes("Everything is ready")) {
        clearTimeout(timer);
        ok();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`Collector exited with ${code}:\n${log}`));
    });
  });
  const pid = child.pid as number;
  return {
    pid,
    url: `http://127.0.0.1:${port}/v1/logs`,
    requests: (count) =>
      poll(
        () => readRequests(output),
        (requests) => requests.length >= count,
        (requests) => `Collector wrote ${requests.length} of ${count} requests`,
      ),
    logRecords: (count) =>
      poll(
        () => readRequests(output).flatMap(recordsOf),
        (records) => records.length >= count,
        (records) => `Collector wrote ${records.length} of ${count} log records`,
      ),
    async stop() {
      if (child.exitCode === null) {
        process.kill(pid, "SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The complete lines the file exporter has written so far, parsed. */
function readRequests(output: string): OtlpLogsData[] {
  const text = existsSync(output) ? readFileSync(output, "utf8") : "";
  const complete = text.slice(0, text.lastIndexOf("\n") + 1);
  return complete
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as OtlpLogsData);
}

/** Every log record of a request, in order. */
export function recordsOf(request: OtlpLogsData): OtlpLogRecord[] {
  return (request.resourceLogs ?? []).flatMap((rl) =>
    (rl.scopeLogs ?? []).flatMap((sl) => sl.logRecords ?? []),
  );
}

async function poll<T>(
  read: () => T,
  done: (value: T) => boolean,
  say: (value: T) => string,
): Promise<T> {
  const until = Date.now() + DEADLINE_MS;
  for (;;) {
    const value = read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(say(value));
    await new Promise((ok) => setTimeout(ok, 25));
  }
}
