// Refreshes bench/baseline.json from several result files of quick runs:
//
//   for i in 1 2 3 4 5; do pnpm bench --quick && cp bench/results/latest.json /tmp/q$i.json; done
//   node bench/floors.mjs /tmp/q*.json
//
// Each floor is 0.85x the median over the runs of a ratio CI gates (GATED);
// the spread of the runs is printed beside it.
import { readFileSync, writeFileSync } from "node:fs";
import { median } from "./native.mjs";
import { ratiosOf } from "./report.mjs";

const MARGIN = 0.85;
const files = process.argv.slice(2);
if (files.length < 3) {
  console.error(
    "usage: node bench/floors.mjs RESULT.json RESULT.json RESULT.json ... (three or more runs)",
  );
  process.exit(2);
}
const runs = files.map((f) => ratiosOf(JSON.parse(readFileSync(f, "utf8"))));
/**
 * The ratios CI gates: the SDK's protobuf and CBOR codecs against the
 * libraries and the walk floor, LZ4 on the large body (the small bodies' LZ4
 * ratios swing too much on a shared machine), and traceparent.
 */
const GATED = [
  /^sdk\/protobuf\/(de|en)code\/\w+ vs (protobuf-es|protobufjs|walk)\//,
  /^sdk\/protobuf\/prepared-encode\/\w+ vs sdk\/protobuf\/build-encode\//,
  /^sdk\/cbor\/(de|en)code\/\w+ vs cbor-x\//,
  /^sdk\/lz4\/\w+\/large vs lz4-napi\//,
  /^sdk\/traceparent\//,
];
const gated = (name) => GATED.some((re) => re.test(name));
const ratios = {};
for (const name of [...runs[0].keys()].filter(gated).sort()) {
  const values = runs.map((r) => r.get(name)?.ratio).filter((x) => x !== undefined);
  if (values.length < runs.length) continue;
  const mid = median(values);
  ratios[name] = Number((mid * MARGIN).toFixed(3));
  console.log(
    `${name.padEnd(86)} median ${mid.toFixed(2)}x, runs ${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)}x, floor ${ratios[name]}x`,
  );
}
const note = `Floors for SDK/baseline throughput ratios: ${MARGIN}x the median of ${runs.length} quick runs (bench/floors.mjs). Each ratio is measured in alternating short slices of the two cases (bench/run.mjs, measurePair). \`pnpm bench --quick --check\` (in CI) re-measures a pair that falls more than 25% below its floor, for longer, and fails only if it stays below. JSON ratios are reported but not gated. Refresh after a deliberate change with bench/floors.mjs over five quick runs.`;
writeFileSync(
  new URL("baseline.json", import.meta.url),
  `${JSON.stringify({ note, ratios }, null, 2)}\n`,
);
console.log(`wrote bench/baseline.json (${Object.keys(ratios).length} floors)`);
