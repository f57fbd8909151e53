// Hostile inputs against valid ones: `node bench/hostile.mjs [--quick] [--check]`.
// For every case in test/hostile/cases/*.mjs that has a `peer()` (a valid input
// of about the same size), decodes the hostile input and the valid one in
// alternating rounds, each in this process, and reports the median ratio of
// time per input byte (hostile / valid) with its range. The security promise
// (docs/security.md) is linear time: --check fails when a median ratio is over
// MAX_RATIO. Timings live here, never in tests.
import { readdirSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    filter: { type: "string" },
  },
});

/** The promise: a hostile input costs at most this many times a valid input, per byte. */
export const MAX_RATIO = 2;
const ROUNDS = args.quick ? 5 : 11;
const filter = args.filter ? new RegExp(args.filter) : undefined;

const dir = new URL("../test/hostile/cases/", import.meta.url);
const cases = [];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith(".mjs"))
  .sort()) {
  const mod = await import(new URL(file, dir).href);
  for (const c of mod.cases) if (c.peer && (!filter || filter.test(c.name))) cases.push(c);
}

/** Milliseconds for one run, errors included (a hostile run is expected to throw). */
async function timeOne(c, input) {
  const started = performance.now();
  try {
    await c.run(input);
  } catch {}
  return performance.now() - started;
}

const sizeOf = (input) => (typeof input === "string" ? Buffer.byteLength(input) : input.length);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const rows = [];
for (const c of cases) {
  const hostile = await c.build();
  const valid = await c.peer();
  // Warm both paths once.
  await timeOne(c, hostile);
  await timeOne(c, valid);
  const ratios = [];
  for (let i = 0; i < ROUNDS; i++) {
    const h = (await timeOne(c, hostile)) / sizeOf(hostile);
    const v = (await timeOne(c, valid)) / sizeOf(valid);
    ratios.push(h / v);
  }
  const m = median(ratios);
  rows.push({
    case: c.name,
    "hostile bytes": sizeOf(hostile),
    "valid bytes": sizeOf(valid),
    "ratio per byte (median)": Number(m.toFixed(2)),
    range: `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}`,
    ok: m <= MAX_RATIO,
  });
}
console.table(rows);
const over = rows.filter((r) => !r.ok);
console.log(
  `hostile bench: ${rows.length} cases, ${over.length} over ${MAX_RATIO}x a valid input per byte`,
);
if (args.check && over.length > 0) process.exit(1);
