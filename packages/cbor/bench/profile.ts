/**
 * Runs one benchmark operation in a loop for a CPU profile:
 *
 *   pnpm --filter @envelope/cbor profile <encode|decode|encode-det> <medium|large> [seconds]
 *
 * writes a .cpuprofile into packages/cbor/bench/results/ (git-ignored; open it in Chrome DevTools).
 */
import { cborCodec, createCborCodec } from "@envelope/cbor";
import { DEFAULT_LIMITS, DecodeBudget } from "@envelope/core";
import { standardFixtures } from "./fixtures.js";

const [op = "decode", name = "medium", seconds = "5"] = process.argv.slice(2);
const fixture = standardFixtures().find((f) => f.name === name);
if (fixture === undefined) throw new Error(`no fixture ${name}`);
const codec = op === "encode-det" ? createCborCodec({ deterministic: true }) : cborCodec;
const bytes = codec.encodeEnvelope(fixture.envelope);
const run =
  op === "decode"
    ? () => codec.decodeEnvelope(bytes, new DecodeBudget(DEFAULT_LIMITS), 0).body.attributes.size
    : () => codec.encodeEnvelope(fixture.envelope).length;
const end = performance.now() + Number(seconds) * 1000;
let n = 0;
let sink = 0;
while (performance.now() < end) {
  for (let i = 0; i < 100; i++) sink += run();
  n += 100;
}
console.log(
  `${op}/${name}: ${n} runs, ${((Number(seconds) * 1e9) / n).toFixed(0)} ns/op (${sink > 0 ? "ok" : ""})`,
);
