/**
 * The HTTP receiver and sender in Deno and Bun (the npm packages of both, in
 * node_modules/.bin): runtime-receiver.mjs serves `createFetchReceiver` with
 * the runtime's own server (Deno.serve, Bun.serve) on loopback and sends to it
 * with the exporter and `httpTransport` in the same runtime; then Node POSTs a
 * batch with a damaged frame to it, and the runtime must answer exactly what
 * Node's own `createFetchReceiver` answers for the same bytes.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createFetchReceiver, FRAMES_MEDIA_TYPE } from "@envelope/export";
import { encode } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ids, testEnvelope } from "./support.js";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const BIN = fileURLToPath(new URL("../../../node_modules/.bin/", import.meta.url));
/** Hang detection only. */
const DEADLINE_MS = 120_000;

interface Taken {
  eventId: string;
  user: string;
  attempts: string;
  compression: string;
}

/** The environment for the runtimes: no NODE_PATH (pnpm sets one), Deno's cache in a temp folder. */
function env(denoDir: string): NodeJS.ProcessEnv {
  const { NODE_PATH: _nodePath, ...rest } = process.env;
  return { ...rest, DENO_DIR: denoDir, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" };
}

const RUNTIMES = {
  // No permission but the network on loopback.
  deno: ["deno", ["run", "--no-prompt", "--allow-net=127.0.0.1", "runtime-receiver.mjs"]],
  bun: ["bun", ["runtime-receiver.mjs"]],
} as const;

describe.each(Object.keys(RUNTIMES) as (keyof typeof RUNTIMES)[])("%s", (runtime) => {
  let child: ChildProcess;
  let denoDir: string;
  let stderr = "";
  const lines: unknown[] = [];
  let wake: (() => void) | undefined;

  /** The runtime's n-th JSON line (0-based), once printed. */
  async function line(n: number): Promise<unknown> {
    const until = Date.now() + DEADLINE_MS;
    while (lines.length <= n) {
      if (child.exitCode !== null)
        throw new Error(`${runtime} exited ${child.exitCode}: ${stderr}`);
      if (Date.now() > until)
        throw new Error(`${runtime} printed ${lines.length} lines: ${stderr}`);
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return lines[n];
  }

  beforeAll(() => {
    denoDir = mkdtempSync(join(tmpdir(), "envelope-export-deno-"));
    const [bin, args] = RUNTIMES[runtime];
    child = spawn(join(BIN, bin), [...args], { cwd: HERE, env: env(denoDir) });
    let buffered = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      for (let i = buffered.indexOf("\n"); i !== -1; i = buffered.indexOf("\n")) {
        lines.push(JSON.parse(buffered.slice(0, i)));
        buffered = buffered.slice(i + 1);
      }
      wake?.();
    });
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
  });

  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      process.kill(child.pid as number, "SIGTERM");
      await exited;
    }
    rmSync(denoDir, { recursive: true, force: true });
  });

  test(
    "the exporter and httpTransport deliver three LZ4 frames to createFetchReceiver, each once",
    async () => {
      expect(await line(0)).toMatchObject({ runtime });
      const { sent, stats, received } = (await line(1)) as {
        sent: string[];
        stats: Record<string, unknown>;
        received: Taken[];
      };
      expect(stats).toEqual({
        accepted: 3,
        sent: 3,
        dropped: {
          queue_full: 0,
          rejected: 0,
          retries_exhausted: 0,
          non_retryable: 0,
          shutdown_deadline: 0,
        },
        queued: 0,
        queuedBytes: 0,
        inFlight: 0,
        retried: 0,
        refused: 0,
        bytesSent: stats.bytesSent,
        batchesSent: 1,
      });
      expect(received).toEqual(
        ["alice", "bob", "carol"].map((user, i) => ({
          eventId: sent[i],
          user,
          attempts: "2",
          compression: "lz4",
        })),
      );
      expect(stderr).toBe("");
    },
    DEADLINE_MS,
  );

  test(
    "a batch from Node with a damaged frame: the same answer as Node's receiver, the others taken",
    async () => {
      const { port } = (await line(0)) as { port: number };
      await line(1); // the runtime's own sending is over
      const frames = [1, 2, 3].map((n) => encode(testEnvelope(n), { checksum: true }));
      frames[1]![frames[1]!.byteLength - 10]! ^= 0xff;
      const body = new Uint8Array(frames.reduce((n, f) => n + f.byteLength, 0));
      let at = 0;
      for (const f of frames) {
        body.set(f, at);
        at += f.byteLength;
      }
      const request = (url: string) =>
        new Request(url, {
          method: "POST",
          headers: { "content-type": FRAMES_MEDIA_TYPE },
          body,
        });
      const inNode = await createFetchReceiver({ onEnvelopes: () => {} })(
        request("http://127.0.0.1/"),
      );
      const there = await fetch(request(`http://127.0.0.1:${port}/v1/envelopes`));
      expect(there.status).toBe(inNode.status);
      expect(there.headers.get("content-type")).toBe(inNode.headers.get("content-type"));
      const report = await there.json();
      expect(report).toEqual(await inNode.json());
      expect(report.accepted).toBe(2);
      expect(report.rejected.map((r: { code: string }) => r.code)).toEqual(["checksum_mismatch"]);
      const all = (await (await fetch(`http://127.0.0.1:${port}/received`)).json()) as Taken[];
      expect(all.slice(3)).toEqual(
        [1, 3].map((n) => ({
          eventId: ids(n, n)[0],
          user: "alice",
          attempts: "2",
          compression: "none",
        })),
      );
    },
    DEADLINE_MS,
  );
});
