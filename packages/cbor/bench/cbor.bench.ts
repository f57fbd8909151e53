/**
 * @envelope/cbor against raw cbor-x, side by side (tinybench).
 *
 *   pnpm --filter @envelope/cbor bench [regex]
 *   BENCH_ROUNDS=9 BENCH_TIME=400 pnpm --filter @envelope/cbor bench 'decode/large'
 *
 * Cases are named `<impl>/<op>/<fixture>`:
 * - `cbor`: this package's default codec, model in / model out, strict decode
 *   (a fresh `DecodeBudget` per decode, as the SDK does);
 * - `cbor-x`: cbor-x 1.6 with the standard RFC 8949 options over the
 *   equivalent plain object (named keys, plain objects, numbers);
 * - `cbor-det`: the deterministic profile (encode only; for information).
 *
 * The regex selects cases. Each `cbor` case runs against its `cbor-x` twin in
 * interleaved rounds (order alternating), so load on the machine hits both
 * alike; the table gives per-case medians over the rounds (ns/op, ops/s, MB/s,
 * the last round's rme, encoded size) and the median of the per-round ratios
 * cbor / cbor-x.
 */
import { cborCodec, createCborCodec } from "@envelope/cbor";
import { DEFAULT_LIMITS, DecodeBudget } from "@envelope/core";
import { Encoder } from "cbor-x";
import { Bench } from "tinybench";
import { standardFixtures } from "./fixtures.js";

const filter = new RegExp(process.argv[2] ?? ".");
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const time = Number(process.env.BENCH_TIME ?? 300);

const cborx = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  variableMapSize: true,
  // Missing from cbor-x's TypeScript types (see SPEC-NOTES), so passed through a cast.
  ...({ useTag259ForMaps: false } as object),
});
const deterministic = createCborCodec({ deterministic: true });

interface Case {
  readonly name: string;
  readonly size: number;
  readonly fn: () => void;
}

let sink = 0;
const groups: Case[][] = [];
for (const f of standardFixtures()) {
  const ours = cborCodec.encodeEnvelope(f.envelope);
  const theirs = Uint8Array.from(cborx.encode(f.plain) as Uint8Array);
  const det = deterministic.encodeEnvelope(f.envelope);
  console.log(
    `${f.name}: ${f.attributes} attribute entries; cbor ${ours.length} B, cbor-x ${theirs.length} B, cbor-det ${det.length} B`,
  );
  const encodeOurs = () => {
    sink += cborCodec.encodeEnvelope(f.envelope).length;
  };
  const encodeTheirs = () => {
    sink += (cborx.encode(f.plain) as Uint8Array).length;
  };
  const decodeOurs = () => {
    sink += cborCodec.decodeEnvelope(ours, new DecodeBudget(DEFAULT_LIMITS), 0).body.attributes
      .size;
  };
  const decodeTheirs = () => {
    sink += cborx.decode(theirs) === undefined ? 0 : 1;
  };
  const encodeDeterministic = () => {
    sink += deterministic.encodeEnvelope(f.envelope).length;
  };
  const all: Case[][] = [
    [
      { name: `cbor/encode/${f.name}`, size: ours.length, fn: encodeOurs },
      { name: `cbor-x/encode/${f.name}`, size: theirs.length, fn: encodeTheirs },
    ],
    [
      { name: `cbor/decode/${f.name}`, size: ours.length, fn: decodeOurs },
      { name: `cbor-x/decode/${f.name}`, size: theirs.length, fn: decodeTheirs },
    ],
    [{ name: `cbor-det/encode/${f.name}`, size: det.length, fn: encodeDeterministic }],
  ];
  for (const group of all) {
    const selected = group.filter((c) => filter.test(c.name));
    if (selected.length > 0) groups.push(selected);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const p50s = new Map<string, number[]>();
const rme = new Map<string, number>();
const ratios = new Map<string, number[]>();

for (let round = 0; round < rounds; round++) {
  for (const group of groups) {
    const bench = new Bench({ time, warmupTime: 100 });
    const ordered = round % 2 === 0 ? group : [...group].reverse();
    for (const c of ordered) bench.add(c.name, c.fn);
    await bench.run();
    const ns = new Map<string, number>();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== "completed") throw new Error(`${task.name}: ${r.state}`);
      ns.set(task.name, r.latency.p50 * 1e6);
      rme.set(task.name, r.latency.rme);
      p50s.set(task.name, [...(p50s.get(task.name) ?? []), r.latency.p50 * 1e6]);
    }
    const [ours, theirs] = group;
    if (ours !== undefined && theirs !== undefined && ours.name.startsWith("cbor/")) {
      ratios.set(ours.name, [
        ...(ratios.get(ours.name) ?? []),
        ns.get(ours.name)! / ns.get(theirs.name)!,
      ]);
    }
  }
}

console.table(
  groups.flat().map((c) => {
    const ns = median(p50s.get(c.name)!);
    return {
      name: c.name,
      "median ns/op": Math.round(ns),
      "ops/s": Math.round(1e9 / ns),
      "MB/s": Number(((c.size / ns) * 1e3).toFixed(1)),
      rme: `±${rme.get(c.name)!.toFixed(2)}%`,
      bytes: c.size,
    };
  }),
);
if (ratios.size > 0) {
  console.table(
    [...ratios].map(([name, rs]) => ({
      case: name,
      "cbor / cbor-x (median of rounds)": Number(median(rs).toFixed(3)),
      "min..max": `${Math.min(...rs).toFixed(2)}..${Math.max(...rs).toFixed(2)}`,
      rounds: rs.length,
    })),
  );
}
if (sink === 42) console.log("");
