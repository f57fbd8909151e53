// The benchmark harness: `pnpm bench [--quick] [--filter REGEX] [--native] [--check]
// [--compare BASE.json] [--update-baseline]`.
// Measures every case with tinybench, prints a table with ratios against the
// baselines measured in the same run (median of alternating slices, with their
// range), writes bench/results/latest.json and a Markdown summary beside it
// (latest.md), with --native adds the Go and Rust peers (native.mjs), with
// --check fails when an SDK-to-baseline ratio is more than 25% below the
// committed bench/baseline.json (ratios, not times: machine noise cancels out),
// and with --compare flags ratios that moved outside both runs' noise (report.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { Bench } from "tinybench";
import { buildCases } from "./cases.mjs";
import { runMemoryCases } from "./memory.mjs";
import { buildPeers, measureAgainstPeer, startPeers } from "./native.mjs";
import { compareMarkdown, compareResults, resultMarkdown } from "./report.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    filter: { type: "string" },
    native: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    compare: { type: "string" },
    "update-baseline": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (args.help) {
  console.log(`pnpm bench [--quick] [--filter REGEX] [--native] [--check] [--compare BASE.json] [--update-baseline]

  --quick            shorter runs (CI)
  --filter REGEX     only cases whose name matches
  --native           also the Go (protobuf-go, vtprotobuf) and Rust (prost) peers, on the same fixture files
  --check            fail when an SDK/baseline ratio is > 25% below bench/baseline.json
  --compare FILE     compare with an earlier result file; fail when a ratio dropped outside both runs' noise
  --update-baseline  write the ratios of this run to bench/baseline.json

Writes bench/results/latest.json and bench/results/latest.md (the Markdown summary).`);
  process.exit(0);
}

const root = new URL("../", import.meta.url);
const filter = args.filter ? new RegExp(args.filter) : undefined;
// Per-case time: absolute rates only (ratios are measured pair by pair below).
const time = args.quick ? 120 : 1500;
const warmupTime = args.quick ? 50 : 300;

const cases = buildCases().filter(
  (c) => !filter || filter.test(c.name) || (c.baselines ?? []).some((b) => filter.test(b)),
);
const wanted = new Set(cases.map((c) => c.name));
// Baselines of selected cases run too, so every ratio is measured in this run.
const all = buildCases().filter(
  (c) => wanted.has(c.name) || cases.some((s) => s.baselines?.includes(c.name)),
);

let iterations = 0;
const turnEventLoop = () =>
  ++iterations % 16 === 0 ? new Promise((resolve) => setImmediate(resolve)) : undefined;

/** Adds a case to a tinybench run; LZ4 cases let the event loop turn (see cases.mjs). */
const addCase = (bench, c) => bench.add(c.name, c.fn, c.yields ? { afterEach: turnEventLoop } : {});

/**
 * Measures every case in ROUNDS rounds; each round runs all cases once in
 * turn, and a case's throughput is the median over rounds (runs on this
 * shared VM swing by 2x over minutes). Ratios are measured separately, pair
 * by pair (see measurePair).
 */
const ROUNDS = args.quick ? 4 : 10;
const started = performance.now();
const perRound = []; // per round: Map name -> { opsPerSec, rme, samples }
console.error(
  `running ${all.length} cases (${args.quick ? "quick" : "full"}, ${ROUNDS} rounds) ...`,
);
for (let round = 0; round < ROUNDS; round++) {
  const bench = new Bench({
    time: time / ROUNDS,
    warmupTime: round === 0 ? warmupTime : 10,
    throws: true,
  });
  for (const c of all) addCase(bench, c);
  await bench.run();
  const measured = new Map();
  for (const task of bench.tasks) {
    const r = task.result;
    if (r.state !== "completed") throw new Error(`${task.name}: ${r.state} ${r.error ?? ""}`);
    measured.set(task.name, {
      opsPerSec: r.throughput.p50,
      rme: r.latency.rme,
      samples: r.latency.samplesCount,
    });
  }
  perRound.push(measured);
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

const results = new Map();
for (const c of all) {
  const rounds = perRound.map((m) => m.get(c.name));
  const opsPerSec = median(rounds.map((r) => r.opsPerSec));
  results.set(c.name, {
    name: c.name,
    opsPerSec,
    mbPerSec: (opsPerSec * c.bytes) / 1e6,
    rme: median(rounds.map((r) => r.rme)),
    bytes: c.bytes,
    samples: rounds.reduce((n, r) => n + r.samples, 0),
  });
}

// Ratios are measured again pair by pair: the SDK case and its baseline
// alternate in short slices (A B, B A, ...) and the ratio is the median over
// slices. Cases a few seconds apart in the rounds above can land in different
// slow spells of this shared VM; alternating slices cannot.
const phases = [];
const phase = (name, since) =>
  phases.push(`${name} ${((performance.now() - since) / 1000).toFixed(0)} s`);
phase("cases", started);
let since = performance.now();
const PAIR_ROUNDS = args.quick ? 8 : 16;
const PAIR_SLICE_MS = args.quick ? 40 : 80;
for (const c of all) {
  const mine = results.get(c.name);
  mine.ratios = {};
  for (const b of c.baselines ?? []) {
    if (!results.has(b)) continue;
    mine.ratios[b] = await measurePair(c.name, b, PAIR_ROUNDS, PAIR_SLICE_MS);
  }
}

phase("ratios", since);
since = performance.now();
const memory = filter && !filter.test("memory") ? [] : await runMemoryCases({ quick: args.quick });
phase("memory", since);
since = performance.now();
const peers = args.native ? await runPeers() : [];
if (args.native) phase("native peers", since);

// Table
const pad = (s, n) => String(s).padEnd(n);
const num = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
console.log(
  `\n${pad("case", 44)}${pad("ops/s", 14)}${pad("MB/s", 10)}${pad("±rme", 8)}${pad("bytes", 9)}ratios`,
);
for (const r of results.values()) {
  const ratios = Object.entries(r.ratios ?? {})
    .map(
      ([b, x]) =>
        `${x.ratio.toFixed(2)}x [${x.min.toFixed(2)}-${x.max.toFixed(2)}] ${b.split("/")[0]}`,
    )
    .join(", ");
  console.log(
    `${pad(r.name, 44)}${pad(num(r.opsPerSec), 14)}${pad(num(r.mbPerSec, 1), 10)}${pad(`${r.rme.toFixed(1)}%`, 8)}${pad(r.bytes, 9)}${ratios}`,
  );
}
for (const m of memory) {
  const speed =
    m.mbPerSec === undefined
      ? ""
      : `, ${num(m.mbPerSec, 1)} MB/s, ${num(m.envelopesPerSec)} envelopes/s`;
  console.log(
    `${pad(m.name, 44)}peak RSS ${num(m.peakRssMb, 0)} MB over ${num(m.iterations)} iterations (limit ${m.limitMb} MB)${speed} ${m.ok ? "ok" : "OVER"}`,
  );
}
for (const p of peers)
  console.log(
    `${pad(p.peer, 44)}${pad(num(p.peerOpsPerSec), 14)}${pad(num((p.peerOpsPerSec * p.bytes) / 1e6, 1), 10)}${pad("", 8)}${pad(p.bytes, 9)}SDK ${p.ratio.toFixed(2)}x [${p.min.toFixed(2)}-${p.max.toFixed(2)}] (${num(p.opsPerSec)} ops/s, alternating)`,
  );

const pkg = (path) => JSON.parse(readFileSync(new URL(path, root), "utf8")).version;
const report = {
  date: new Date().toISOString(),
  mode: args.quick ? "quick" : "full",
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGb: Math.round(totalmem() / 2 ** 30),
  },
  node: process.versions.node,
  packages: {
    "@envelope/sdk": pkg("packages/sdk/package.json"),
    tinybench: pkg("bench/node_modules/tinybench/package.json"),
    "@bufbuild/protobuf": pkg("bench/node_modules/@bufbuild/protobuf/package.json"),
    "@bufbuild/protoc-gen-es": pkg("node_modules/@bufbuild/protoc-gen-es/package.json"),
    protobufjs: pkg("bench/node_modules/protobufjs/package.json"),
    "cbor-x": pkg("bench/node_modules/cbor-x/package.json"),
    "lz4-napi": pkg("bench/node_modules/lz4-napi/package.json"),
  },
  cases: [...results.values()],
  peers,
  peerVersions: args.native ? peerVersions() : undefined,
  memory,
  checked: args.check,
  regressions: [],
};

const baselinePath = new URL("bench/baseline.json", root);
const currentRatios = {};
for (const r of results.values())
  for (const [b, x] of Object.entries(r.ratios ?? {}))
    currentRatios[`${r.name} vs ${b}`] = Number(x.ratio.toFixed(3));

let failed = memory.some((m) => !m.ok);
if (args["update-baseline"]) {
  writeFileSync(
    baselinePath,
    `${JSON.stringify({ note: "SDK/baseline throughput ratios from one run of `pnpm bench --update-baseline` (each the median of alternating slices, see measurePair); CI fails when a ratio falls more than 25% below these. The committed file holds 0.85x the median of five quick runs instead.", ratios: currentRatios }, null, 2)}\n`,
  );
  console.error("wrote bench/baseline.json");
}
since = performance.now();
if (args.check) {
  const baseline = JSON.parse(readFileSync(baselinePath, "utf8")).ratios;
  let checked = 0;
  for (const [name, expected] of Object.entries(baseline)) {
    let actual = currentRatios[name];
    if (actual === undefined) continue;
    checked++;
    // A ratio under the bound is measured again, twice, on its own pair, so
    // that machine noise in one short sample does not fail CI.
    for (let retry = 0; retry < 2 && actual < expected * 0.75; retry++) {
      actual = Math.max(actual, await remeasure(name));
    }
    if (actual < expected * 0.75) {
      const text = `${name}: ${actual.toFixed(2)}x, baseline ${expected.toFixed(2)}x (more than 25% below)`;
      console.log(`REGRESSION ${text}`);
      report.regressions.push(text);
      failed = true;
    }
  }
  console.log(
    `bench check: ${checked} ratios compared with bench/baseline.json, ${failed ? "regressions found" : "no regression"}`,
  );
}
if (args.check) phase("check", since);

mkdirSync(new URL("bench/results/", root), { recursive: true });
writeFileSync(new URL("bench/results/latest.json", root), `${JSON.stringify(report, null, 2)}\n`);
let markdown = resultMarkdown(report);
if (args.compare) {
  const base = JSON.parse(readFileSync(args.compare, "utf8"));
  const changes = compareResults(base, report);
  const text = compareMarkdown(changes);
  console.log(`\n${text}`);
  markdown += `\n${text}`;
  if (changes.some((c) => c.flagged && c.change < 0)) failed = true;
}
writeFileSync(new URL("bench/results/latest.md", root), markdown);
console.error("\nwrote bench/results/latest.json and bench/results/latest.md");
console.error(`time: ${phases.join(", ")}`);
process.exit(failed ? 1 : 0);

/**
 * The throughput ratio of case `a` over case `b`: `rounds` short slices of
 * each, alternating which goes first, and the median of the per-slice ratios
 * with their range.
 */
async function measurePair(a, b, rounds, sliceMs) {
  const caseA = all.find((x) => x.name === a);
  const caseB = all.find((x) => x.name === b);
  const ratios = [];
  for (let round = 0; round < rounds; round++) {
    const bench = new Bench({ time: sliceMs, warmupTime: 5, throws: true });
    for (const c of round % 2 === 0 ? [caseA, caseB] : [caseB, caseA]) addCase(bench, c);
    await bench.run();
    const ops = (n) => bench.tasks.find((t) => t.name === n).result.throughput.p50;
    ratios.push(ops(a) / ops(b));
  }
  return { ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** Measures the pair of `name` ("A vs B") again, for longer, when a check fails. */
async function remeasure(name) {
  const [a, b] = name.split(" vs ");
  const { ratio } = await measurePair(a, b, 16, 100);
  console.error(`re-measured ${name}: ${ratio.toFixed(2)}x`);
  return ratio;
}

/**
 * The SDK's protobuf decode and encode against each native peer case on the
 * same (Go-produced) fixture: alternating slices, median ratio and range.
 */
async function runPeers() {
  console.error("building the native peers (release) ...");
  const langs = buildPeers();
  const running = await startPeers(langs, "go");
  const sdk = new Map(buildCases().map((c) => [c.name, c]));
  const out = [];
  try {
    for (const peer of running) {
      for (const { name, bytes } of peer.cases) {
        const [subject, codec, op, size] = name.split("/");
        // A peer's encode writes the fixture's envelope: so does the prepared
        // encoder of the fixture's event (bench/cases.mjs), from the producer's init.
        const ours = [`sdk/${codec}/${op}/${size}`, `sdk/${codec}/prepared-${op}/${size}`];
        for (const mine of ours.map((n) => sdk.get(n))) {
          if (mine === undefined || (filter && !filter.test(mine.name) && !filter.test(name)))
            continue;
          const r = await measureAgainstPeer(mine.fn, peer, name, {
            rounds: args.quick ? 6 : 12,
            ms: args.quick ? 30 : 60,
          });
          out.push({ name: mine.name, peer: name, subject, lang: peer.lang, bytes, ...r });
        }
      }
    }
  } finally {
    for (const peer of running) peer.close();
  }
  return out;
}

/** Versions of the peers' libraries and toolchains, from their lock files and tools. */
function peerVersions() {
  const text = (path) => readFileSync(new URL(path, root), "utf8");
  const lock = text("test/producers/rust/Cargo.lock");
  const goMod = text("test/producers/go/go.mod");
  const tool = (cmd, args) => {
    const out = spawnSync(cmd, args, { encoding: "utf8" });
    return out.status === 0 ? out.stdout.trim() : undefined;
  };
  return {
    prost: /name = "prost"\nversion = "([^"]+)"/.exec(lock)?.[1],
    "google.golang.org/protobuf": /google\.golang\.org\/protobuf (\S+)/.exec(goMod)?.[1],
    vtprotobuf: /planetscale\/vtprotobuf (\S+)/.exec(goMod)?.[1],
    rustc: tool("rustc", ["--version"]),
    go: tool("go", ["version"]),
  };
}
