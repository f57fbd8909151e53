// The Kafka transport's costs: `node packages/kafka/bench/throughput.mjs [--quick]`
// (after `pnpm build`, with the broker installed by bootstrap).
//
// 1. Produce throughput to a real broker on loopback (scripts/kafka/broker.mjs,
//    one topic, one partition, acks=-1): `kafkaTransport.send` against a bare
//    kafkajs `producer.send` of the same frames as the same Buffer views, in
//    batches of 256 medium envelopes (the Go fixture, protobuf). The transport
//    also builds the convention headers (trace headers through
//    @envelope/trace), the key and the size checks per message; "bare" sends
//    the values alone, "bare + headers" the same values, keys and headers made
//    before the timing (so kafkajs encodes the same bytes as for the transport).
//    Rounds rotate the order of the three sides; envelopes/s and frame MB/s,
//    the medians with their ranges, and ratios of medians.
// 2. Consumer CPU, no broker: what `createMessageReader` costs per message in
//    `decode` and in `peek` mode, and `readHeaders` alone (what a router
//    does), on the messages as kafkajs hands them over (Buffers).
//
// Timings live here, never in tests.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { bytesToHex, decode, peek } from "@envelope/sdk";
import { formatTraceParent } from "@envelope/trace";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { start } from "../../../scripts/kafka/broker.mjs";
import { createMessageReader, kafkaTransport, readHeaders, toMessage } from "../dist/index.js";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
const ROUNDS = args.quick ? 4 : 10;
const BATCHES = args.quick ? 10 : 20;
// 256 messages with headers stay under one request of 1 MB, so every side sends one per batch.
const BATCH = 256;

const frame = new Uint8Array(
  readFileSync(
    new URL("../../../test/fixtures/go/bench__medium.protobuf.none.bin", import.meta.url),
  ),
);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs, digits = 0) => `${fmt(Math.min(...xs), digits)}-${fmt(Math.max(...xs), digits)}`;
const fmt = (n, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** The export item the exporter makes for the fixture, with a fresh event id per envelope. */
function items(count) {
  const { frame: info, header } = peek(frame);
  const trace = header.trace;
  return Array.from({ length: count }, (_, i) => {
    const bytes = frame.slice();
    // The event id is not at a fixed place; the meta's id is what the key and header carry.
    const meta = {
      eventId: i.toString(16).padStart(32, "a"),
      type: header.schema.type,
      subtype: header.schema.subtype,
      version: header.schema.version,
      codec: info.codec,
      compression: info.compression,
      service: header.resource.serviceName,
    };
    if (trace !== undefined) {
      meta.traceId = bytesToHex(trace.traceId);
      meta.traceparent = formatTraceParent({
        traceId: bytesToHex(trace.traceId),
        spanId: bytesToHex(trace.spanId),
        traceFlags: trace.traceFlags & 3,
      });
      if (trace.traceState) meta.tracestate = trace.traceState;
    }
    return { bytes, meta };
  });
}

async function produce() {
  const broker = await start();
  console.log(`broker ready in ${broker.startMs} ms`);
  const config = { brokers: [broker.bootstrap], logLevel: logLevel.NOTHING };
  const kafka = new Kafka(config);
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: "bench" }], waitForLeaders: true });
  await admin.disconnect();
  const transport = kafkaTransport({ kafka: config, topic: "bench" });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const batch = items(BATCH);
  const prepared = batch.map((item) => toMessage(item));
  const signal = new AbortController().signal;
  const sides = {
    transport: async () => {
      const result = await transport.send(batch, signal);
      if (result.retry !== undefined || result.rejected !== undefined) throw new Error("not sent");
    },
    "bare + headers": async () => {
      await producer.send({ topic: "bench", acks: -1, messages: prepared });
    },
    bare: async () => {
      await producer.send({
        topic: "bench",
        acks: -1,
        messages: batch.map(({ bytes }) => ({
          value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        })),
      });
    },
  };
  const rates = { transport: [], "bare + headers": [], bare: [] };
  for (const side of Object.keys(sides)) await sides[side](); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(sides);
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const side of order) {
      const t0 = performance.now();
      for (let b = 0; b < BATCHES; b++) await sides[side]();
      rates[side].push((BATCHES * BATCH) / ((performance.now() - t0) / 1000));
    }
  }
  await producer.disconnect();
  await transport.close();
  await broker.destroy();
  const mb = (rate) => (rate * frame.length) / 1e6;
  for (const side of Object.keys(sides)) {
    const r = rates[side];
    console.log(
      `${side}: ${fmt(median(r))} envelopes/s [${range(r)}], ` +
        `${fmt(mb(median(r)), 1)} MB/s (${frame.length}-byte frames, ${BATCH} per batch, ${ROUNDS} rounds of ${BATCHES} batches)`,
    );
  }
  const ratio = (a, b) => fmt(median(rates[a]) / median(rates[b]), 2);
  console.log(
    `transport / bare + headers: ${ratio("transport", "bare + headers")}x; ` +
      `bare + headers / bare: ${ratio("bare + headers", "bare")}x (ratios of medians)`,
  );
}

function consume() {
  const messages = items(BATCH).map((item, i) => {
    const m = toMessage(item);
    const headers = Object.fromEntries(
      Object.entries(m.headers).map(([k, v]) => [k, Buffer.from(v)]),
    );
    return {
      topic: "bench",
      partition: 0,
      message: { key: Buffer.from(m.key), value: m.value, headers, offset: String(i) },
    };
  });
  // Every message is the same fixture; its headers say its own event id, which
  // the frame does not carry: check them only in `ignore` mode here.
  const cases = {
    "read, decode mode": createMessageReader({ onHeaderMismatch: "ignore" }),
    "read, peek mode": createMessageReader({ mode: "peek", onHeaderMismatch: "ignore" }),
    "readHeaders only (a router)": { read: (c) => readHeaders(c.message.headers) },
    "decode alone (no Kafka helper)": { read: (c) => decode(c.message.value) },
  };
  const iterations = args.quick ? 20 : 60;
  for (const [name, reader] of Object.entries(cases)) {
    for (const c of messages) reader.read(c); // warm-up
    const rates = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      for (let i = 0; i < iterations; i++) for (const c of messages) reader.read(c);
      rates.push((iterations * messages.length) / ((performance.now() - t0) / 1000));
    }
    console.log(`${name}: ${fmt(median(rates))} messages/s [${range(rates)}]`);
  }
}

await produce();
consume();
