// Builds and measures captures for the CLI's memory checks (bench/capture-memory.mjs
// and test/memory.test.ts): a capture of medium envelopes from the committed Go
// fixtures, and a run of the built binary with its peak RSS measured in the child.
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const BIN = join(ROOT, "packages/cli/dist/bin.js");
const PROBE = new URL("./rss-probe.mjs", import.meta.url).href;

/** The medium envelope in every codec and compression the Go producer wrote. */
export function mediumFrames() {
  const dir = join(ROOT, "test/fixtures/go");
  const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
  return manifest.fixtures
    .filter((f) => f.case === "bench/medium")
    .map((f) => readFileSync(join(dir, f.file)));
}

/**
 * Writes a capture of at least `bytes` bytes to `path` (the medium frames in
 * turn, written in 1 MiB batches) and returns the frame count and size.
 */
export function writeCapture(path, bytes) {
  const frames = mediumFrames();
  const fd = openSync(path, "w");
  let written = 0;
  let count = 0;
  try {
    while (written < bytes) {
      const batch = [];
      let size = 0;
      while (size < 1 << 20) {
        const frame = frames[count % frames.length];
        batch.push(frame);
        size += frame.length;
        count++;
      }
      writeSync(fd, Buffer.concat(batch));
      written += size;
    }
  } finally {
    closeSync(fd);
  }
  return { frames: count, bytes: written };
}

/**
 * Runs `envelope ...args` with stdout to /dev/null and returns the exit code,
 * wall time, stderr and peak RSS (measured in the child, by rss-probe.mjs).
 */
export function runMeasured(args, rssFile) {
  rmSync(rssFile, { force: true });
  const devNull = openSync("/dev/null", "w");
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ["--import", PROBE, BIN, ...args], {
    stdio: ["ignore", devNull, "pipe"],
    env: { ...process.env, ENVELOPE_RSS_FILE: rssFile, NO_COLOR: "1" },
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  closeSync(devNull);
  const rss = Number(readFileSync(rssFile, "utf8"));
  return { status: run.status, stderr: run.stderr, seconds, rss };
}
