// The exporter's costs: `node bench/export.mjs [--quick]` (after `pnpm build`).
//
// 1. Hot path: what `exporter.export(envelope)` costs the caller against a bare
//    `encoder.encode(envelope)` of the same envelope (the medium Go fixture,
//    protobuf, with its trace context). Both sides encode with the same
//    options; `export` also reads the routing facts of the header (event id,
//    trace id, traceparent, tracestate) and queues the bytes. Timed in
//    hundreds of alternating rounds of 100 calls each (A B, B A, ...): short
//    rounds, so that most of them run uninterrupted on a shared machine; the
//    background sending (to a transport that discards) runs between rounds,
//    outside the timing, because it is not on the caller's path. Reported: the
//    median of the per-round ratios and their interquartile range. Target: at
//    most 1.2x.
// 2. Throughput over HTTP on loopback: a node:http receiver
//    (createNodeReceiver, decoding every frame) in a child process, the
//    exporter in this one with `whenFull: "reject"` and `await ready()`, so
//    nothing is dropped; envelopes/s and frame MB/s from first export to the
//    end of `flush()`, the median of the rounds with their range.
// 3. Peak RSS under a stalled sink, in child processes: a server that never
//    answers; N exports in a loop that yields to the event loop every 1,000;
//    peak RSS against a child that does the same encodes without exporting.
//    The queue bound (8 MiB by default) is what the difference should stay near.
//
// Timings live here, never in tests.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { createExporter, httpTransport } from "../packages/export/dist/index.js";
import { createNodeReceiver } from "../packages/export/dist/node.js";
import { createEncoder, decode } from "../packages/sdk/dist/index.js";
import { fixture } from "./fixtures.mjs";

const { values: args, positionals } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    child: { type: "string" },
    filter: { type: "string" },
  },
  allowPositionals: true,
});

/** The medium Go fixture as a producer holds it (its own strings, as bench/cases.mjs does). */
function mediumEnvelope() {
  return structuredClone(decode(fixture("go", "medium", "protobuf", "none")));
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
/** The interquartile range: with hundreds of short rounds, min and max only say how loaded the machine was. */
const iqr = (xs, digits) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length / 4)].toFixed(digits)}-${s[Math.floor((3 * s.length) / 4)].toFixed(digits)}`;
};
const range = (xs, digits) =>
  `${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)}`;
const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

if (args.child === "receiver") {
  // Counts envelopes and frame bytes; prints the port, then totals on "report".
  let envelopes = 0;
  const server = createServer(
    createNodeReceiver({
      onEnvelopes: (items) => {
        envelopes += items.length;
      },
    }),
  );
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify(server.address())));
  process.stdin.on("data", () => console.log(JSON.stringify({ envelopes })));
  process.stdin.on("end", () => process.exit(0));
} else if (args.child === "stalled") {
  await stalledChild(positionals[0], Number(positionals[1]));
} else {
  await main();
}

async function main() {
  const filter = args.filter === undefined ? undefined : new RegExp(args.filter);
  const wanted = (name) => filter === undefined || filter.test(name);
  const rows = [];
  console.log(`export bench (${args.quick ? "quick" : "full"}), medium envelope, protobuf`);
  if (wanted("hot")) {
    const rounds = args.quick ? 301 : 1001;
    const hot = await hotPath(rounds, 100);
    rows.push({
      case: "hot: export() vs encode(), time per call",
      result: `${hot.ratio.toFixed(2)}x [IQR ${hot.range}]`,
      detail: `${fmt(hot.encodeNs)} ns encode, ${fmt(hot.exportNs)} ns export (medians of ${rounds} rounds)`,
      target: "<= 1.2x",
      ok: hot.ratio <= 1.2,
    });
  }
  if (wanted("http")) {
    const http = await httpThroughput(args.quick ? 3 : 5, args.quick ? 20_000 : 100_000);
    rows.push({
      case: "http: loopback, the receiver decodes every frame",
      result: `${fmt(http.perSec)} envelopes/s, ${fmt(http.mbPerSec, 1)} MB/s`,
      detail: `ranges ${http.perSecRange} /s, ${http.mbRange} MB/s; ${http.sent} sent, ${http.dropped} dropped`,
      target: "nothing dropped",
      ok: http.dropped === 0,
    });
  }
  if (wanted("rss")) {
    const count = args.quick ? 100_000 : 400_000;
    const rss = ["encode-only", "export"].map((mode) => {
      const child = spawnSync(
        process.execPath,
        [new URL(import.meta.url).pathname, "--child", "stalled", mode, String(count)],
        { encoding: "utf8" },
      );
      if (child.status !== 0) throw new Error(`stalled child (${mode}): ${child.stderr}`);
      return JSON.parse(child.stdout);
    });
    rows.push({
      case: `rss: ${fmt(count)} exports to a stalled sink`,
      result: `peak ${fmt(rss[1].peakRssMb, 1)} MB (encode only: ${fmt(rss[0].peakRssMb, 1)} MB)`,
      detail: `${fmt(rss[1].queuedBytes / 2 ** 20, 2)} MiB held (bounds: 2,048 envelopes, 8 MiB), ${fmt(rss[1].dropped)} dropped as queue_full of ${fmt(rss[1].accepted)} accepted`,
      target: "export - encode only <= 8 MiB + 32 MB",
      ok: rss[1].peakRssMb - rss[0].peakRssMb <= 8 + 32,
    });
  }
  console.table(rows);
}

/** Alternating rounds of K encodes and K exports; the exporter drains between rounds. */
async function hotPath(rounds, k) {
  const envelope = mediumEnvelope();
  const encoder = createEncoder({ codec: "protobuf" });
  const exporter = createExporter({
    transport: { name: "discard", send: async () => ({}) },
    codec: "protobuf",
    maxQueueSize: k + 1,
    maxQueueBytes: 1 << 30,
    maxBatchSize: k + 1,
    flushIntervalMs: 3_600_000,
  });
  const timeEncode = () => {
    const t = performance.now();
    for (let i = 0; i < k; i++) encoder.encode(envelope);
    return performance.now() - t;
  };
  const timeExport = () => {
    const t = performance.now();
    for (let i = 0; i < k; i++) exporter.export(envelope);
    return performance.now() - t;
  };
  // Warm-up: both paths compiled and the heap settled before timing.
  for (let i = 0; i < 20; i++) {
    timeEncode();
    timeExport();
    await exporter.flush();
  }
  const ratios = [];
  const enc = [];
  const exp = [];
  for (let r = 0; r < rounds; r++) {
    let a;
    let b;
    if (r % 2 === 0) {
      a = timeEncode();
      b = timeExport();
    } else {
      b = timeExport();
      a = timeEncode();
    }
    await exporter.flush();
    ratios.push(b / a);
    enc.push((a * 1e6) / k);
    exp.push((b * 1e6) / k);
  }
  const { stats } = await exporter.shutdown();
  if (stats.sent !== stats.accepted) throw new Error(`hot path: ${JSON.stringify(stats)}`);
  return {
    ratio: median(ratios),
    range: iqr(ratios, 2),
    encodeNs: median(enc),
    exportNs: median(exp),
  };
}

/** Envelopes/s and MB/s to a receiver in a child process, with back-pressure instead of loss. */
async function httpThroughput(rounds, n) {
  const child = spawn(
    process.execPath,
    [new URL(import.meta.url).pathname, "--child", "receiver"],
    {
      stdio: ["pipe", "pipe", "inherit"],
    },
  );
  const lines = [];
  let wake;
  let buffered = "";
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    for (let i = buffered.indexOf("\n"); i !== -1; i = buffered.indexOf("\n")) {
      lines.push(JSON.parse(buffered.slice(0, i)));
      buffered = buffered.slice(i + 1);
      wake?.();
    }
  });
  const nextLine = async () => {
    while (lines.length === 0) {
      await new Promise((resolve) => {
        wake = resolve;
      });
    }
    return lines.shift();
  };
  try {
    const { port } = await nextLine();
    const envelope = mediumEnvelope();
    const perSec = [];
    const mb = [];
    let sent = 0;
    let dropped = 0;
    for (let r = 0; r < rounds; r++) {
      const exporter = createExporter({
        transport: httpTransport({ url: `http://127.0.0.1:${port}/` }),
        whenFull: "reject",
      });
      const t = performance.now();
      for (let i = 0; i < n; i++) while (!exporter.export(envelope)) await exporter.ready();
      await exporter.flush();
      const seconds = (performance.now() - t) / 1000;
      const { stats } = await exporter.shutdown();
      sent += stats.sent;
      dropped += Object.values(stats.dropped).reduce((a, b) => a + b, 0);
      perSec.push(stats.sent / seconds);
      mb.push(stats.bytesSent / seconds / 1e6);
    }
    child.stdin.write("report\n");
    const { envelopes } = await nextLine();
    if (envelopes !== sent) throw new Error(`receiver took ${envelopes}, exporter sent ${sent}`);
    return {
      perSec: median(perSec),
      perSecRange: range(perSec, 0),
      mbPerSec: median(mb),
      mbRange: range(mb, 1),
      sent,
      dropped,
    };
  } finally {
    child.stdin.end();
    child.kill();
  }
}

/** One RSS case: `encode-only` or `export` to a server that never answers. Prints the peak. */
async function stalledChild(mode, count) {
  const held = [];
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const envelope = mediumEnvelope();
  const encoder = createEncoder({ codec: "protobuf" });
  const exporter = createExporter({
    transport: httpTransport({ url: `http://127.0.0.1:${server.address().port}/` }),
    attemptTimeoutMs: 600_000,
  });
  // Both modes start one request to the stalled server first, so both have
  // loaded the HTTP client and hold one stalled request: the difference is the queue.
  exporter.export(envelope);
  void exporter.flush();
  await new Promise((resolve) => setTimeout(resolve, 50));
  let peak = process.memoryUsage.rss();
  for (let i = 0; i < count; i++) {
    if (mode === "export") exporter.export(envelope);
    else encoder.encode(envelope);
    if (i % 1000 === 999) {
      peak = Math.max(peak, process.memoryUsage.rss());
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  const stats = exporter.stats();
  await exporter.shutdown({ timeoutMs: 0 });
  for (const res of held) res.destroy();
  server.closeAllConnections();
  server.close();
  console.log(
    JSON.stringify({
      peakRssMb: peak / 2 ** 20,
      queuedBytes: stats.queuedBytes,
      accepted: stats.accepted,
      dropped: stats.dropped.queue_full,
    }),
  );
}
