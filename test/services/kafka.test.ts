// The Kafka hop of the trace-context flows (README.md here): the TypeScript
// service publishes its client span's envelope to a real Kafka broker with
// @envelope/kafka's header convention (traceparent/tracestate in message
// headers), a TypeScript consumer continues the trace from those headers and
// calls Go, which calls Rust; the audit checks the whole flow.
import { randomUUID } from "node:crypto";
import { HEADER } from "@envelope/kafka";
import { bytesToHex } from "@envelope/sdk";
import { Kafka, logLevel, Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { available, start } from "../../scripts/kafka/broker.mjs";
import { auditFlow } from "./audit.js";
import {
  buildServices,
  isCI,
  postRaw,
  type Service,
  type Sink,
  startService,
  startSink,
  stopService,
} from "./harness.js";

const brokerReady = available();
if (!brokerReady && isCI) throw new Error("the Kafka broker is not installed; CI requires it");
const { binaries, missing } = brokerReady ? buildServices() : { binaries: {}, missing: ["kafka"] };
const ready = brokerReady && missing.length === 0;

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const STATE = "vendor=secret42,other=keep";
const MASKED = "vendor=redacted,other=keep";
/** ts publishes here; ts-kafka consumes `HOPS`, filled from `RELAY` by a relay that strips trace headers. */
const HOPS = "hops";
const RELAY = "hops-via-stripping-proxy";

let broker: Awaited<ReturnType<typeof start>>;
let kafka: Kafka;
let sink: Sink;
const services = new Map<string, Service>();
const hopUrl = (name: string) => `${services.get(name)?.url}/hop`;

async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** ts →(kafka `topic`) ts-kafka → go → rust; resolves once every envelope of the flow reached the sink. */
async function runFlow(flow: string, topic: string, flags = "01") {
  const route = [
    { url: `kafka:${topic}`, via: "kafka", topic, fanout: [] },
    { url: hopUrl("go"), via: "http", fanout: [] },
    { url: hopUrl("rust"), via: "http", fanout: [] },
  ];
  const answer = await postRaw(
    hopUrl("ts"),
    [
      ["traceparent", `00-${TRACE_ID}-${PARENT_ID}-${flags}`],
      ["tracestate", STATE],
    ],
    JSON.stringify({ flow, priority: "", route }),
  );
  expect(answer.status, answer.body).toBe(200);
  // Seven envelopes: a server and a client span per hop but the last; ts-kafka posts last.
  await until(
    () => sink.envelopes.filter((e) => e.body.attributes.get("flow") === flow).length === 7,
    `the seven envelopes of flow ${flow}`,
  );
}

describe.skipIf(!ready)("the Kafka hop: TS →(Kafka) TS → Go → Rust", () => {
  beforeAll(async () => {
    broker = await start();
    console.log(`kafka broker ready in ${broker.startMs} ms (pid ${broker.pid})`);
    kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: HOPS }, { topic: RELAY }], waitForLeaders: true });
    await admin.disconnect();
    sink = await startSink();
    const run = async (name: string, language: "ts" | "go" | "rust", extra = {}) =>
      services.set(
        name,
        await startService(language, binaries[language] as string, {
          name,
          sink: sink.url,
          ...extra,
        }),
      );
    await run("ts", "ts", { kafka: broker.bootstrap });
    await run("ts-kafka", "ts", { kafka: broker.bootstrap, consumeTopic: HOPS });
    await run("go", "go", { redact: ["vendor"] });
    await run("rust", "rust");
  }, 600_000);

  afterAll(async () => {
    await Promise.all([...services.values()].map(stopService));
    await sink?.close();
    await broker?.destroy();
  }, 60_000);

  test("sampled: one trace across the Kafka hop, the consumer a child of the producer span", async () => {
    await runFlow("kafka sampled", HOPS);
    const report = auditFlow(sink.envelopes, {
      flow: "kafka sampled",
      hops: ["ts", "ts-kafka", "go", "rust"],
      traceId: TRACE_ID,
      callerSpanId: PARENT_ID,
      sampled: [true, true, true, true],
      traceState: [STATE, STATE, STATE, MASKED],
    });
    expect(report.problems).toEqual([]);
    expect(report.languages).toEqual(["go", "rust", "typescript"]);
    expect(report.incoming).toEqual({ valid: 4 });
    const consumerSpan = sink.envelopes.find(
      (e) =>
        e.body.attributes.get("flow") === "kafka sampled" &&
        e.header.resource.serviceName === "ts-kafka" &&
        e.body.attributes.get("hop.role") === "server",
    );
    expect(consumerSpan?.body.attributes.get("hop.via")).toBe("kafka");

    // The message on the topic: the convention headers, the producer span's context, keyed by trace.
    const producerSpan = sink.envelopes.find(
      (e) =>
        e.body.attributes.get("flow") === "kafka sampled" &&
        e.header.resource.serviceName === "ts" &&
        e.body.attributes.get("hop.role") === "client",
    );
    const spanId = bytesToHex(producerSpan?.header.trace?.spanId ?? new Uint8Array());
    const messages = await readAll(HOPS, 1);
    const headers = Object.fromEntries(
      Object.entries(messages[0]!.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    expect(headers).toEqual({
      [HEADER.contentType]: "application/vnd.envelope.frame",
      [HEADER.type]: "trace",
      [HEADER.subtype]: "hop",
      [HEADER.version]: "1.0.0",
      [HEADER.codec]: "protobuf",
      [HEADER.compression]: "none",
      [HEADER.eventId]: headers[HEADER.eventId]!,
      traceparent: `00-${TRACE_ID}-${spanId}-01`,
      tracestate: STATE,
    });
    expect(headers[HEADER.eventId]).toMatch(/^[0-9a-f]{32}$/);
    expect(messages[0]!.key?.toString()).toBe(TRACE_ID);
  }, 120_000);

  test("unsampled: the decision crosses the Kafka hop", async () => {
    await runFlow("kafka unsampled", HOPS, "00");
    const report = auditFlow(sink.envelopes, {
      flow: "kafka unsampled",
      hops: ["ts", "ts-kafka", "go", "rust"],
      traceId: TRACE_ID,
      callerSpanId: PARENT_ID,
      sampled: [false, false, false, false],
      traceState: [STATE, STATE, STATE, MASKED],
    });
    expect(report.problems).toEqual([]);
  }, 120_000);

  test("the audit catches a Kafka hop whose trace headers a proxy stripped", async () => {
    // A relay from RELAY to HOPS that forwards value and key but drops traceparent/tracestate.
    const consumer = kafka.consumer({ groupId: `relay-${randomUUID()}` });
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await Promise.all([consumer.connect(), producer.connect()]);
    await consumer.subscribe({ topic: RELAY, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const { traceparent: _, tracestate: __, ...kept } = message.headers ?? {};
        await producer.send({
          topic: HOPS,
          messages: [{ key: message.key, value: message.value, headers: kept }],
        });
      },
    });
    try {
      await runFlow("kafka stripped", RELAY);
    } finally {
      await Promise.all([consumer.disconnect(), producer.disconnect()]);
    }
    const report = auditFlow(sink.envelopes, {
      flow: "kafka stripped",
      hops: ["ts", "ts-kafka", "go", "rust"],
      traceId: TRACE_ID,
      callerSpanId: PARENT_ID,
      sampled: [true, true, true, true],
      traceState: [STATE, STATE, STATE, MASKED],
    });
    // The consumer started a new trace: its spans and everything after it have another trace id.
    expect(report.problems.filter((p) => p.includes("traceId"))).toHaveLength(5);
    expect(report.problems.at(-1)).toMatch(
      /^hop 2 \(ts-kafka\) server: no span whose parentSpanId is its caller's spanId [0-9a-f]{16} \(its server span has parentSpanId none\)$/,
    );
    expect(report.incoming).toEqual({ valid: 3, missing: 1 });
  }, 120_000);

  test("the sink read every frame", () => {
    expect(sink.errors).toEqual([]);
  });
});

/** The first `count` messages of `topic`. */
async function readAll(topic: string, count: number) {
  const consumer = kafka.consumer({ groupId: `read-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const out: { key: Buffer | null; headers?: Record<string, unknown> }[] = [];
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachMessage: async ({ message }) => {
          out.push(message);
          if (out.length === count) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return out;
}
