// Native peers: the Go (protobuf-go, vtprotobuf) and Rust (prost) benchmark
// servers of test/producers/*/ (docs/interop.md, "Benchmark peers"), on the
// same fixture files as the SDK's cases. A peer runs in its own process, so
// the two sides of a ratio are measured in alternating short slices (TS, peer,
// peer, TS, ...) and the ratio is the median of the per-slice ratios, with
// their range: a slow spell of the shared machine then moves both sides.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url);
const path = (relative) => fileURLToPath(new URL(relative, root));

const has = (tool) => spawnSync(tool, ["version"], { stdio: "ignore" }).error === undefined;

/** How each peer is built (release) and started; `args` gets the fixture folder. */
const PEERS = [
  {
    lang: "rust",
    tool: "cargo",
    build: () =>
      spawnSync("cargo", ["build", "--release", "--locked", "--quiet", "--bin", "bench"], {
        cwd: path("test/producers/rust/"),
        encoding: "utf8",
      }),
    command: path("test/producers/rust/target/release/bench"),
  },
  {
    lang: "go",
    tool: "go",
    build: () => {
      mkdirSync(path("test/producers/go/.bin/"), { recursive: true });
      return spawnSync("go", ["build", "-o", ".bin/bench", "./cmd/bench"], {
        cwd: path("test/producers/go/"),
        encoding: "utf8",
      });
    },
    command: path("test/producers/go/.bin/bench"),
  },
];

/** Builds the peers whose toolchain is present (release builds); returns the languages built. */
export function buildPeers({ log = console.error } = {}) {
  const built = [];
  for (const peer of PEERS) {
    if (!has(peer.tool)) {
      log(`  ${peer.tool} is not installed: no ${peer.lang} peer`);
      continue;
    }
    const run = peer.build();
    if (run.status !== 0) throw new Error(`building the ${peer.lang} peer failed:\n${run.stderr}`);
    built.push(peer.lang);
  }
  return built;
}

/**
 * Starts the built peers on the fixtures of `producer` (test/fixtures/<producer>).
 * Each peer: `{ lang, cases: [{ name, bytes }], measure(name, ms) -> ops/s, close() }`.
 */
export async function startPeers(langs, producer = "go") {
  const peers = [];
  for (const peer of PEERS.filter((p) => langs.includes(p.lang))) {
    const child = spawn(peer.command, [path(`test/fixtures/${producer}`)], {
      stdio: ["pipe", "pipe", "inherit"],
    });
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const next = async () => {
      const { value, done } = await lines.next();
      if (done) throw new Error(`the ${peer.lang} peer exited`);
      return JSON.parse(value);
    };
    const { cases } = await next();
    peers.push({
      lang: peer.lang,
      cases,
      async measure(name, ms) {
        child.stdin.write(`${name} ${ms}\n`);
        const reply = await next();
        return reply.opsPerSec;
      },
      close() {
        child.stdin.end();
        child.kill();
      },
    });
  }
  return peers;
}

/** How many calls of `fn` take about 0.2 ms (the batch the peers use too). */
export function batchSize(fn) {
  for (let n = 1; ; n *= 2) {
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    if (performance.now() - start >= 0.2 || n >= 1 << 20) return n;
  }
}

/**
 * Calls per second of `fn` for about `ms`: the median rate over batches of
 * `batch` calls, the way the peers measure themselves.
 */
export function measureBatches(fn, ms, batch) {
  const rates = [];
  const start = performance.now();
  while (performance.now() - start < ms || rates.length < 3) {
    const t = performance.now();
    for (let i = 0; i < batch; i++) fn();
    rates.push((batch * 1000) / (performance.now() - t));
  }
  return median(rates);
}

export const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * The throughput ratio of `fn` over the peer's case `name`: `rounds` slices
 * of `ms` each, alternating which side goes first. Returns the median ratio,
 * its range, and both sides' median rates.
 */
export function measureAgainstPeer(fn, peer, name, options) {
  return measureRatio(fn, (ms) => peer.measure(name, ms), options);
}

/** {@link measureAgainstPeer} against another function of this process. */
export function measureAgainstLocal(fn, other, options) {
  const batch = batchSize(other);
  return measureRatio(fn, (ms) => measureBatches(other, ms, batch), options);
}

/** `fn`'s rate over `other`'s (a function of a slice length returning a rate), in alternating slices. */
async function measureRatio(fn, other, { rounds, ms }) {
  const batch = batchSize(fn);
  // Warm-up: both sides compiled and settled before the first slice counts.
  measureBatches(fn, 20, batch);
  await other(20);
  const ratios = [];
  const ours = [];
  const theirs = [];
  for (let round = 0; round < rounds; round++) {
    let mine;
    let peerRate;
    if (round % 2 === 0) {
      mine = measureBatches(fn, ms, batch);
      peerRate = await other(ms);
    } else {
      peerRate = await other(ms);
      mine = measureBatches(fn, ms, batch);
    }
    ours.push(mine);
    theirs.push(peerRate);
    ratios.push(mine / peerRate);
  }
  return {
    ratio: median(ratios),
    min: Math.min(...ratios),
    max: Math.max(...ratios),
    opsPerSec: median(ours),
    peerOpsPerSec: median(theirs),
  };
}

// `node bench/native.mjs build`: build the peers (bootstrap runs this before the summary).
if (import.meta.url === `file://${process.argv[1]}` && process.argv[2] === "build") {
  console.log(`built peers: ${buildPeers({ log: console.log }).join(", ") || "none"}`);
}
