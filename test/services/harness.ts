// Starts the three services as real processes on loopback ports they choose
// (each prints `listening on 127.0.0.1:PORT`), a sink that collects their
// envelopes, and stops everything by PID.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Envelope } from "@envelope/sdk";
import { decodeStream } from "@envelope/sdk";

const here = dirname(fileURLToPath(import.meta.url));
export const isCI = process.env.CI === "true" || process.env.CI === "1";

export type Language = "ts" | "go" | "rust";
export const LANGUAGES: readonly Language[] = ["ts", "go", "rust"];

export interface ServiceOptions {
  readonly name: string;
  readonly sink: string;
  readonly redact?: readonly string[];
  readonly prioritySampling?: boolean;
  readonly ignoreIncoming?: boolean;
  /** TypeScript only: the Kafka broker (`host:port`) for `via: "kafka"` steps, and a topic to consume. */
  readonly kafka?: string;
  readonly consumeTopic?: string;
}

export interface Service {
  readonly name: string;
  readonly language: Language;
  readonly url: string;
  readonly child: ChildProcess;
}

function hasTool(tool: string): boolean {
  return (
    spawnSync(tool, ["version"], { stdio: "ignore" }).status === 0 ||
    spawnSync(tool, ["--version"], { stdio: "ignore" }).status === 0
  );
}

/**
 * Builds the Go and Rust services; returns the languages that can run. A
 * missing toolchain skips its language locally and fails in CI.
 */
export function buildServices(): {
  binaries: Partial<Record<Language, string>>;
  missing: string[];
} {
  const binaries: Partial<Record<Language, string>> = { ts: join(here, "ts", "service.mjs") };
  const missing: string[] = [];
  const builds = [
    ["go", "go", ["build", "-o", "bin/trace-service", "."], "bin/trace-service"],
    // A debug build: it compiles faster on a clean CI machine, and speed does not matter here.
    ["rust", "cargo", ["build", "--locked", "--quiet"], "target/debug/trace-service"],
  ] as const;
  for (const [language, tool, args, binary] of builds) {
    const cwd = join(here, language);
    if (!hasTool(tool)) {
      if (isCI) throw new Error(`${tool} is not installed; CI requires it`);
      missing.push(tool);
      continue;
    }
    const result = spawnSync(tool, args, { cwd, stdio: ["ignore", "inherit", "inherit"] });
    if (result.status !== 0) throw new Error(`${tool} ${args.join(" ")} failed in ${cwd}`);
    binaries[language] = join(cwd, binary);
  }
  return { binaries, missing };
}

/** Starts one service and resolves once it prints the port it listens on. */
export function startService(
  language: Language,
  binary: string,
  options: ServiceOptions,
): Promise<Service> {
  const args = ["--name", options.name, "--sink", options.sink];
  for (const key of options.redact ?? []) args.push("--redact", key);
  if (options.prioritySampling) args.push("--priority-sampling");
  if (options.ignoreIncoming) args.push("--ignore-incoming");
  if (options.kafka !== undefined) args.push("--kafka", options.kafka);
  if (options.consumeTopic !== undefined) args.push("--consume-topic", options.consumeTopic);
  const child =
    language === "ts"
      ? spawn(process.execPath, [binary, ...args], { stdio: ["ignore", "inherit", "pipe"] })
      : spawn(binary, args, { stdio: ["ignore", "inherit", "pipe"] });
  return new Promise((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen += chunk.toString("utf8");
      const match = /listening on (127\.0\.0\.1:\d+)/.exec(seen);
      if (match !== null) {
        child.stderr?.off("data", onData);
        child.stderr?.on("data", (c: Buffer) => process.stderr.write(c));
        resolve({ name: options.name, language, url: `http://${match[1]}`, child });
      }
    };
    child.stderr?.on("data", onData);
    child.on("exit", (code) =>
      reject(new Error(`${options.name} exited (${code}) before listening: ${seen}`)),
    );
    child.on("error", reject);
  });
}

/** Stops a service by its PID and waits for it to exit. */
export function stopService(service: Service): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    if (child.pid !== undefined) process.kill(child.pid, "SIGTERM");
  });
}

/** The collecting endpoint: every POST body is a frame stream, read with decodeStream. */
export interface Sink {
  readonly url: string;
  readonly envelopes: Envelope[];
  readonly errors: string[];
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const envelopes: Envelope[] = [];
  const errors: string[] = [];
  const server = http.createServer(async (req, res) => {
    for await (const item of decodeStream(req)) {
      if (item.error === undefined) envelopes.push(item.envelope);
      else errors.push(`${item.error.code} at ${item.offset}: ${item.error.message}`);
    }
    res.writeHead(204).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    envelopes,
    errors,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A POST with raw header lines (a name may repeat); resolves to status and body text. */
export function postRaw(
  url: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: string,
): Promise<{ status: number; body: string }> {
  // A flat array keeps repeated names as separate lines; it also replaces Node's default Host.
  const lines: string[] = ["host", new URL(url).host, "content-type", "application/json"];
  for (const [name, value] of headers) lines.push(name, value);
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      { method: "POST", headers: lines, timeout: 20_000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`${url} timed out`)));
    request.on("error", reject);
    request.end(body);
  });
}

export async function getJson(url: string): Promise<Record<string, number>> {
  const res = await fetch(url);
  return (await res.json()) as Record<string, number>;
}
