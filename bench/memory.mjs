// Peak RSS cases, each in a child process so its memory is its own.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, runMeasured, writeCapture } from "../packages/cli/bench/capture.mjs";

const CHILD = new URL("./memory-child.mjs", import.meta.url).pathname;

/** Runs the memory cases; returns their peak RSS against their limits. */
export async function runMemoryCases({ quick }) {
  const out = [];
  const cases = [
    // 1,000,000 synchronous LZ4 encodes in a tight loop must stay under 256 MB RSS.
    {
      name: "sdk/protobuf/encode/medium/lz4 (memory)",
      op: "encode-lz4",
      iterations: quick ? 200_000 : 1_000_000,
      limitMb: 256,
    },
    {
      name: "sdk/protobuf/decode/medium/lz4 (memory)",
      op: "decode-lz4",
      iterations: quick ? 200_000 : 1_000_000,
      limitMb: 256,
    },
  ];
  for (const c of cases) {
    const child = spawnSync(process.execPath, [CHILD, c.op, String(c.iterations)], {
      encoding: "utf8",
    });
    if (child.status !== 0) throw new Error(`${c.name}: ${child.stderr}`);
    const { peakRssMb } = JSON.parse(child.stdout);
    out.push({ ...c, peakRssMb, ok: peakRssMb < c.limitMb });
  }
  out.push(cliCapture(quick ? 20 : 100));
  return out;
}

/** `envelope decode --format ndjson` of a capture of medium envelopes: throughput and peak RSS (bound 300 MB). */
function cliCapture(megabytes) {
  const dir = mkdtempSync(join(tmpdir(), "envelope-bench-"));
  try {
    const capture = join(dir, "capture.bin");
    const { frames, bytes } = writeCapture(capture, megabytes * 1e6);
    const run = runMeasured(["decode", "--format", "ndjson", capture], join(dir, "rss"));
    if (run.status !== 0)
      throw new Error(`envelope decode (${BIN}): exit ${run.status}\n${run.stderr}`);
    const peakRssMb = run.rss / 2 ** 20;
    return {
      name: `cli/decode/ndjson/${megabytes}MB (memory)`,
      iterations: frames,
      limitMb: 300,
      peakRssMb,
      mbPerSec: bytes / 1e6 / run.seconds,
      envelopesPerSec: frames / run.seconds,
      ok: peakRssMb < 300,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
