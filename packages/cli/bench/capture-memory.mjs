// `pnpm --filter @envelope/cli bench:memory [MB]` (after `pnpm build`): decodes a
// generated capture of medium envelopes (default 100 MB) to NDJSON with the built
// binary and prints the throughput and the peak RSS of the envelope process.
// The bound: peak RSS under 300 MB for 100 MB. Not part of `pnpm test`
// (too slow for CI); test/memory.test.ts runs a 10 MB version.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, runMeasured, writeCapture } from "./capture.mjs";

const megabytes = Number(process.argv[2] ?? 100);
const LIMIT = 300 * 1024 * 1024;
if (!existsSync(BIN)) {
  console.error(`${BIN} is missing: run pnpm build first`);
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "envelope-cli-bench-"));
try {
  const capture = join(dir, "capture.bin");
  const { frames, bytes } = writeCapture(capture, megabytes * 1e6);
  console.log(`capture: ${frames} medium frames, ${(bytes / 1e6).toFixed(1)} MB`);
  for (const [name, args] of [
    ["decode --format ndjson", ["decode", "--format", "ndjson", capture]],
    ["inspect --format ndjson", ["inspect", "--format", "ndjson", capture]],
  ]) {
    const run = runMeasured(args, join(dir, "rss"));
    if (run.status !== 0) {
      console.error(`${name}: exit ${run.status}\n${run.stderr}`);
      process.exitCode = 1;
      continue;
    }
    const mbs = bytes / 1e6 / run.seconds;
    const rssMb = run.rss / 1024 / 1024;
    console.log(
      `${name}: ${run.seconds.toFixed(2)} s, ${mbs.toFixed(1)} MB/s, ${Math.round(frames / run.seconds)} envelopes/s, peak RSS ${rssMb.toFixed(0)} MiB${run.rss < LIMIT ? "" : " (over the 300 MB bound)"}`,
    );
    if (run.rss >= LIMIT) process.exitCode = 1;
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
