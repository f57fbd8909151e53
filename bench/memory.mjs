// Peak RSS cases, each in a child process so its memory is its own.
import { spawnSync } from "node:child_process";

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
  return out;
}
