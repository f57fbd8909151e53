/**
 * The cost of registry validation on the hot path: encode of the medium
 * payment envelope (protobuf, framed, ~45 attributes) with and without a
 * report-mode registry check. The issue's budget: validation in report mode
 * costs at most 25% of encode time.
 *
 *   pnpm --filter @envelope/registry bench            # all cases
 *   pnpm --filter @envelope/registry bench redact     # cases whose name matches a regex
 *
 * Each task call runs BATCH operations, so timer overhead does not swamp
 * microsecond work; figures are per operation (medians).
 */
import { fileURLToPath } from "node:url";
import { loadRegistry } from "@envelope/registry";
import { createDecoder, createEncoder } from "@envelope/sdk";
import { Bench } from "tinybench";
import { mediumPaymentEnvelope } from "./fixtures.js";

const BATCH = 200;
const registry = loadRegistry(fileURLToPath(new URL("../../../../schemas", import.meta.url)));
const envelope = mediumPaymentEnvelope();
let issuesSeen = 0;
let sink = 0;

const plain = createEncoder();
const reported = createEncoder({
  check: {
    check: registry.checker(),
    mode: "report",
    onIssues: (issues) => {
      issuesSeen += issues.length;
    },
  },
});
const redacting = createEncoder({
  check: {
    check: registry.checker({
      redaction: { action: "hash", hmacKey: "bench-key-0123456789abcdef" },
    }),
    mode: "report",
  },
});
const bytes = plain.encode(envelope);
const decodePlain = createDecoder();
const decodeChecked = createDecoder({ check: { check: registry.checker(), mode: "report" } });

interface Case {
  readonly name: string;
  readonly run: () => void;
}

const cases: Case[] = [
  {
    name: "registry/encode/medium",
    run: () => {
      sink += plain.encode(envelope).length;
    },
  },
  {
    name: "registry/encode+report/medium",
    run: () => {
      sink += reported.encode(envelope).length;
    },
  },
  {
    name: "registry/validate/medium",
    run: () => {
      sink += registry.validate(envelope).length;
    },
  },
  {
    name: "registry/encode+report+redact/medium",
    run: () => {
      sink += redacting.encode(envelope).length;
    },
  },
  {
    name: "registry/decode/medium",
    run: () => {
      sink += decodePlain.decode(bytes).body.attributes.size;
    },
  },
  {
    name: "registry/decode+report+defaults/medium",
    run: () => {
      sink += decodeChecked.decode(bytes).body.attributes.size;
    },
  },
];

const ROUNDS = 101;

function pct(ratio: number): string {
  return `${((ratio - 1) * 100).toFixed(1)}%`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1]!;
}

/** Alternates batches of `a` and `b` (order flipped each round); medians per op and of the per-round ratio. */
function paired(a: () => void, b: () => void): { a: number; b: number; ratio: number } {
  const ta: number[] = [];
  const tb: number[] = [];
  const ratios: number[] = [];
  const time = (f: () => void): number => {
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) f();
    return ((performance.now() - start) * 1e6) / BATCH;
  };
  for (let round = 0; round < ROUNDS; round++) {
    const first = round % 2 === 0;
    const x = first ? time(a) : 0;
    const y = time(b);
    const xx = first ? x : time(a);
    ta.push(xx);
    tb.push(y);
    ratios.push(y / xx);
  }
  return { a: median(ta), b: median(tb), ratio: median(ratios) };
}

async function main(): Promise<void> {
  if (registry.validate(envelope).length !== 0)
    throw new Error("the medium envelope must be valid");
  const filter = new RegExp(process.argv[2] ?? ".");
  const medians = new Map<string, number>();
  const rows: Record<string, string | number>[] = [];
  for (const c of cases.filter((x) => filter.test(x.name))) {
    const bench = new Bench({ name: c.name, time: 1000, warmupTime: 200 });
    bench.add(c.name, () => {
      for (let i = 0; i < BATCH; i++) c.run();
    });
    await bench.run();
    const result = bench.tasks[0]!.result;
    if (result.state !== "completed") throw new Error(`${c.name}: ${result.state}`);
    const ns = (result.latency.p50 * 1e6) / BATCH;
    medians.set(c.name, ns);
    rows.push({
      case: c.name,
      "median ns/op": Number(ns.toFixed(0)),
      "ops/s": Math.round(1e9 / ns),
      "rme %": Number(result.latency.rme.toFixed(2)),
    });
  }
  console.table(rows);
  const base = medians.get("registry/encode/medium");
  const checked = medians.get("registry/encode+report/medium");
  if (base !== undefined && checked !== undefined) {
    console.log(
      `tinybench medians: report-mode validation adds ${pct(checked / base)} to encode (budget 25%)`,
    );
    // Separate runs drift with machine load; alternating batches of both in one
    // loop and taking the median per-round ratio is the robust figure.
    const ratio = paired(cases[0]!.run, cases[1]!.run);
    console.log(
      `paired (${ROUNDS} alternating rounds): encode ${ratio.a.toFixed(0)} ns, encode+report ${ratio.b.toFixed(0)} ns, median ratio ${ratio.ratio.toFixed(3)}: adds ${pct(ratio.ratio)} (budget 25%)`,
    );
  }
  console.log(
    `attributes: ${envelope.body.attributes.size} body + ${envelope.body.extensions.reduce((n, e) => n + e.attributes.size, 0)} in extensions; encoded ${bytes.length} bytes; issues ${issuesSeen}; sink ${sink > 0}`,
  );
}

await main();
