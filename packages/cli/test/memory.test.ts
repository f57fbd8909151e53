/**
 * Bounded memory: decoding a 10 MB capture of medium envelopes to NDJSON
 * keeps the binary's peak RSS (measured in the child process) well under
 * what holding the input and its envelopes would take. The 100 MB version
 * with throughput is `pnpm --filter @envelope/cli bench:memory` (not run in CI).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runMeasured, writeCapture } from "../bench/capture.mjs";
import { requireBuild } from "./support.js";

const MiB = 1024 * 1024;
/** Node itself takes about 45 MiB; holding a 10 MB capture and its decoded envelopes takes well over 100 MiB more. */
const BOUND = 140 * MiB;

const dir = mkdtempSync(join(tmpdir(), "envelope-cli-memory-"));
beforeAll(requireBuild);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.each([
  ["decode --format ndjson", ["decode", "--format", "ndjson"]],
  ["inspect --format ndjson", ["inspect", "--format", "ndjson"]],
])(
  "%s of a 10 MB capture stays under 140 MiB peak RSS",
  (_, args) => {
    const capture = join(dir, "capture.bin");
    const { frames } = writeCapture(capture, 10e6);
    const run = runMeasured([...args, capture], join(dir, "rss"));
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(frames).toBeGreaterThan(4000);
    expect(run.rss).toBeLessThan(BOUND);
  },
  60_000,
);
