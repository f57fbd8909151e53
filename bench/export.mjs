// The exporter's costs: `node bench/export.mjs [--quick] [--filter REGEX]`
// (after `pnpm build`; the Kafka and Collector cases need what bootstrap
// installs: the broker's jars and java, the Collector binary).
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
// 2. Throughput through each transport on loopback, all through
//    `createExporter` with its defaults (batches of up to 512 envelopes or
//    1 MiB) and `whenFull: "reject"` with `await ready()`, so nothing is
//    dropped; the same medium envelope, protobuf. One transport (one
//    connection) serves every round of a case; an uncounted warm-up round of
//    2,000 comes first; then 3 rounds of 5,000 with --quick, else 5 of
//    50,000. Timed from the first `export` to the end of `flush()` (every
//    batch answered); envelopes/s and frame MB/s (the envelope frames'
//    bytes, whatever the transport wraps them in), the median of the rounds
//    with their min-max range. After the rounds, what the sink says it took
//    must equal what the exporter counted as sent (else the exit status is 1).
//    - http: `httpTransport` POSTs to `createNodeReceiver` in a child process,
//      which decodes every frame (`decodeStream`) and counts the envelopes.
//    - kafka: `kafkaTransport` (kafkajs; convention headers, trace-id key) to a
//      real Apache Kafka broker (scripts/kafka/broker.mjs: single-node KRaft,
//      one topic of one partition, acks=-1); delivered = the topic's end offset.
//    - otlp: `otlpTransport` (decodes each frame, maps it to a LogRecord,
//      writes OTLP/HTTP protobuf) to the real OpenTelemetry Collector
//      (scripts/collector/build.mjs) with the OTLP/HTTP receiver, which
//      decodes the request, and the debug exporter at `basic` verbosity, which
//      logs the record count of each request; delivered = the sum of those.
//    The broker and the Collector start while case 3 runs (their start is not
//    timed). Outside CI, a case whose broker or Collector is not installed is
//    skipped with a line saying why; in CI it fails.
// 3. Peak RSS under a stalled sink, in child processes: a server that never
//    answers; N exports in a loop that yields to the event loop every 1,000;
//    peak RSS against a child that does the same encodes without exporting.
//    The queue bound (8 MiB by default) is what the difference should stay near.
//
// Timings live here, never in tests.
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createExporter, httpTransport } from "../packages/export/dist/index.js";
import { createNodeReceiver } from "../packages/export/dist/node.js";
import { kafkaTransport } from "../packages/kafka/dist/index.js";
import { otlpTransport } from "../packages/otlp/dist/index.js";
import { createEncoder, decode } from "../packages/sdk/dist/index.js";
import * as kafkaBroker from "../scripts/kafka/broker.mjs";
import { fixture } from "./fixtures.mjs";

// kafkajs as @envelope/kafka resolves it (this harness does not depend on it itself).
const { Kafka, logLevel } = createRequire(
  new URL("../packages/kafka/package.json", import.meta.url),
)("kafkajs");
const COLLECTOR = new URL("../scripts/collector/build/envelope-otelcol", import.meta.url).pathname;
const isCI = process.env.CI === "true" || process.env.CI === "1";

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
  const rounds = args.quick ? 3 : 5;
  const perRound = args.quick ? 5_000 : 50_000;
  if (wanted("http")) rows.push(await throughputRow(httpSink(), rounds, perRound));
  // The broker and the Collector start now, while the RSS children run.
  const kafka = wanted("kafka") ? settle(kafkaSink()) : undefined;
  const otlp = wanted("otlp") ? settle(otlpSink()) : undefined;
  if (wanted("rss")) {
    const count = args.quick ? 100_000 : 400_000;
    // One child after the other, without blocking this process (the broker and the Collector are starting).
    const rss = [];
    for (const mode of ["encode-only", "export"]) rss.push(await stalled(mode, count));
    rows.push({
      case: `rss: ${fmt(count)} exports to a stalled sink`,
      result: `peak ${fmt(rss[1].peakRssMb, 1)} MB (encode only: ${fmt(rss[0].peakRssMb, 1)} MB)`,
      detail: `${fmt(rss[1].queuedBytes / 2 ** 20, 2)} MiB held (bounds: 2,048 envelopes, 8 MiB), ${fmt(rss[1].dropped)} dropped as queue_full of ${fmt(rss[1].accepted)} accepted`,
      target: "export - encode only <= 8 MiB + 32 MB",
      ok: rss[1].peakRssMb - rss[0].peakRssMb <= 8 + 32,
    });
  }
  if (kafka !== undefined) rows.push(await throughputRow(kafka, rounds, perRound));
  if (otlp !== undefined) rows.push(await throughputRow(otlp, rounds, perRound));
  console.table(rows);
}

/** Lets a start-up run in the background: a failure is thrown where it is awaited, not reported as unhandled. */
function settle(promise) {
  promise.catch(() => {});
  return promise;
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

/**
 * A sink: `{ name, label, transport, delivered(), stop() }`, or `{ name, skip }`
 * when it cannot run here. `delivered()` is what the sink says it took.
 */
async function throughputRow(sinkPromise, rounds, n) {
  const sink = await sinkPromise;
  if (sink.skip !== undefined) {
    console.log(`${sink.name}: skipped, ${sink.skip}`);
    return { case: `${sink.name}: skipped`, result: "", detail: sink.skip, target: "", ok: "" };
  }
  try {
    const r = await throughput(sink, rounds, n);
    if (r.delivered !== r.sent) {
      console.error(`${sink.name}: the exporter sent ${r.sent}, the sink took ${r.delivered}`);
      process.exitCode = 1;
    }
    return {
      case: `${sink.name}: ${sink.label}`,
      result: `${fmt(r.perSec)} envelopes/s, ${fmt(r.mbPerSec, 1)} MB/s`,
      detail: `ranges ${r.perSecRange} /s, ${r.mbRange} MB/s; ${fmt(r.sent)} sent, ${fmt(r.delivered)} delivered, ${fmt(r.dropped)} dropped`,
      target: "delivered = sent, none dropped",
      ok: r.dropped === 0 && r.delivered === r.sent,
    };
  } finally {
    await sink.stop();
  }
}

/** Envelopes/s and frame MB/s through one transport, with back-pressure instead of loss. */
async function throughput(sink, rounds, n) {
  const envelope = mediumEnvelope();
  // Every round's exporter shares the one transport (and its connection); closed at the end.
  const shared = {
    name: sink.transport.name,
    send: (batch, signal) => sink.transport.send(batch, signal),
  };
  const perSec = [];
  const mb = [];
  let sent = 0;
  let dropped = 0;
  for (let r = -1; r < rounds; r++) {
    const count = r < 0 ? Math.min(n, 2_000) : n; // round -1: the warm-up, not counted
    const exporter = createExporter({ transport: shared, whenFull: "reject" });
    const t = performance.now();
    for (let i = 0; i < count; i++) while (!exporter.export(envelope)) await exporter.ready();
    await exporter.flush();
    const seconds = (performance.now() - t) / 1000;
    const { stats } = await exporter.shutdown();
    sent += stats.sent;
    dropped += Object.values(stats.dropped).reduce((a, b) => a + b, 0);
    if (r < 0) continue;
    perSec.push(stats.sent / seconds);
    mb.push(stats.bytesSent / seconds / 1e6);
  }
  await sink.transport.close?.();
  const delivered = await sink.delivered(sent);
  return {
    perSec: median(perSec),
    perSecRange: range(perSec, 0),
    mbPerSec: median(mb),
    mbRange: range(mb, 1),
    sent,
    delivered,
    dropped,
  };
}

/** createNodeReceiver in a child process: it decodes every frame and counts the envelopes. */
async function httpSink() {
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
  const { port } = await nextLine();
  return {
    name: "http",
    label: "loopback, createNodeReceiver decodes every frame",
    transport: httpTransport({ url: `http://127.0.0.1:${port}/` }),
    async delivered() {
      child.stdin.write("report\n");
      return (await nextLine()).envelopes;
    },
    async stop() {
      child.stdin.end();
      child.kill();
    },
  };
}

/** Says why a sink cannot run here; in CI, where bootstrap installs everything, that is a failure. */
function missing(name, why) {
  if (isCI) throw new Error(`${name}: ${why}`);
  return { name, skip: why };
}

/** A real Kafka broker on loopback, one topic of one partition. */
async function kafkaSink() {
  if (!kafkaBroker.available()) {
    return missing("kafka", "no Kafka broker here (java, and scripts/kafka/lib from bootstrap)");
  }
  const broker = await kafkaBroker.start();
  try {
    const config = { brokers: [broker.bootstrap], logLevel: logLevel.NOTHING };
    const admin = new Kafka(config).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: "bench" }], waitForLeaders: true });
    return {
      name: "kafka",
      label: `real broker (started in ${fmt(broker.startMs / 1000, 1)} s), acks=-1, 1 partition`,
      transport: kafkaTransport({ kafka: config, topic: "bench" }),
      async delivered() {
        const offsets = await admin.fetchTopicOffsets("bench");
        return offsets.reduce((sum, o) => sum + Number(o.high) - Number(o.low), 0);
      },
      async stop() {
        await admin.disconnect();
        await broker.destroy();
      },
    };
  } catch (error) {
    await broker.destroy();
    throw error;
  }
}

/** The real Collector: OTLP/HTTP receiver, debug exporter logging each request's record count. */
async function otlpSink() {
  if (!existsSync(COLLECTOR)) {
    return missing("otlp", `no Collector here (${COLLECTOR}: bootstrap builds it)`);
  }
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "envelope-bench-otelcol-"));
  const config = join(dir, "config.yaml");
  writeFileSync(
    config,
    [
      "receivers:",
      "  otlp:",
      "    protocols:",
      "      http:",
      `        endpoint: 127.0.0.1:${port}`,
      "exporters:",
      "  debug:",
      "    verbosity: basic",
      "service:",
      "  telemetry:",
      "    metrics:",
      "      level: none",
      "    logs:",
      "      sampling:",
      "        enabled: false", // every line of the debug exporter is counted: none sampled away
      "  pipelines:",
      "    logs:",
      "      receivers: [otlp]",
      "      exporters: [debug]",
      "",
    ].join("\n"),
  );
  const child = spawn(COLLECTOR, ["--config", config], { stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  let log = "";
  let records = 0;
  const onData = (chunk) => {
    log += chunk;
    const nl = log.lastIndexOf("\n");
    if (nl === -1) return;
    for (const m of log.slice(0, nl).matchAll(/"log records": (\d+)/g)) records += Number(m[1]);
    log = log.slice(nl + 1);
  };
  let ready = false;
  await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the Collector did not start in 60 s")),
      60_000,
    );
    const watch = (chunk) => {
      if (!ready && String(chunk).includes("Everything is ready")) {
        ready = true;
        clearTimeout(timer);
        resolve();
      }
      onData(chunk);
    };
    child.stdout.setEncoding("utf8").on("data", watch);
    child.stderr.setEncoding("utf8").on("data", watch);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the Collector exited with ${code}: ${log}`));
    });
  });
  return {
    name: "otlp",
    label: "real Collector, OTLP/HTTP protobuf to /v1/logs, debug exporter",
    transport: otlpTransport({ url: `http://127.0.0.1:${port}/v1/logs` }),
    async delivered(sent) {
      // The debug exporter logs a request's count after the receiver has answered it.
      const until = Date.now() + 10_000;
      while (records < sent && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return records;
    },
    async stop() {
      if (child.exitCode === null) {
        process.kill(child.pid, "SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (the OS picks it; free when this resolves). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createNetServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Runs one RSS child and returns what it printed. */
function stalled(mode, count) {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [new URL(import.meta.url).pathname, "--child", "stalled", mode, String(count)],
      (error, stdout, stderr) => {
        if (error) reject(new Error(`stalled child (${mode}): ${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
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
