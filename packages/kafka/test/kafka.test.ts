// The Kafka transport and consumer helper against a real Apache Kafka broker
// (single-node KRaft on loopback, scripts/kafka/broker.mjs), started once for this file.
import { ExportError } from "@envelope/export";
import {
  CONTENT_TYPE,
  createMessageReader,
  eachEnvelope,
  HEADER,
  type KafkaEnvelope,
  type KafkaError,
  kafkaTransport,
  readHeaders,
} from "@envelope/kafka";
import {
  bytesToHex,
  createEncoder,
  createEnvelope,
  decode,
  hexToBytes,
  TraceFlags,
} from "@envelope/sdk";
import { Kafka, Partitioners } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { consumeEnvelopes, sendToKafka } from "../../../examples/kafka.js";
import { start } from "../../../scripts/kafka/broker.mjs";
import {
  brokerAvailable,
  clientConfig,
  createTopic,
  exportItem,
  headerStrings,
  readTopic,
} from "./support.js";

const TRACE_A = "4bf92f3577b34da6a3ce929d0e0e4736";
const TRACE_B = "0af7651916cd43dd8448eb211c80319c";

function envelope(n: number, options: { trace?: string; type?: string; service?: string } = {}) {
  const init: Parameters<typeof createEnvelope>[0] = {
    schema: { type: options.type ?? "request", subtype: "auth_request", version: "1.2.0" },
    eventId: hexToBytes(`${n.toString(16).padStart(2, "0")}`.repeat(16)),
    timeUnixNano: 1_700_000_000_000_000_000n + BigInt(n),
    resource: { serviceName: options.service ?? "auth", environment: "production" },
    attributes: { user: `user-${n}`, attempts: BigInt(n), duration_ms: n + 0.5, ok: n % 2 === 0 },
  };
  if (options.trace !== undefined) {
    init.trace = {
      traceId: hexToBytes(options.trace),
      spanId: hexToBytes(`${n.toString(16).padStart(2, "0")}`.repeat(8)),
      traceFlags: TraceFlags.SAMPLED,
      traceState: "vendor=abc,other=1",
    };
  }
  return createEnvelope(init);
}

const protobuf = createEncoder({ codec: "protobuf" });
const jsonLz4 = createEncoder({ codec: "json", compression: "lz4", compressMinSize: 0 });
const cbor = createEncoder({ codec: "cbor" });

let broker: Awaited<ReturnType<typeof start>>;
let kafka: Kafka;
let topicSeq = 0;
const newTopic = async (partitions = 1) => {
  const name = `envelopes-${++topicSeq}`;
  const admin = kafka.admin();
  await admin.connect();
  await createTopic(admin, name, partitions);
  await admin.disconnect();
  return name;
};
const never = () => new AbortController().signal;

describe.skipIf(!brokerAvailable)("Kafka transport and consumer (real broker)", () => {
  beforeAll(async () => {
    broker = await start();
    console.log(`kafka broker ready in ${broker.startMs} ms (pid ${broker.pid})`);
    kafka = new Kafka(clientConfig(broker.bootstrap));
  }, 120_000);

  afterAll(async () => {
    await broker?.destroy();
  }, 60_000);

  test("round trip: exact envelopes, headers and keys for every codec", async () => {
    const topic = await newTopic();
    const originals = [
      envelope(1, { trace: TRACE_A }),
      envelope(2),
      envelope(3, { trace: TRACE_B }),
    ];
    const frames = [
      protobuf.encode(originals[0]!),
      jsonLz4.encode(originals[1]!),
      cbor.encode(originals[2]!),
    ];
    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    expect(await transport.send(frames.map(exportItem), never())).toEqual({});
    await transport.close?.();

    const consumed = await readTopic(kafka, topic);
    expect(consumed.map((c) => c.message.value)).toEqual(frames.map((f) => Buffer.from(f)));
    expect(consumed.map((c) => headerStrings(c.message.headers))).toEqual([
      {
        "content-type": "application/vnd.envelope.frame",
        "envelope-type": "request",
        "envelope-subtype": "auth_request",
        "envelope-version": "1.2.0",
        "envelope-codec": "protobuf",
        "envelope-compression": "none",
        "envelope-event-id": "01".repeat(16),
        traceparent: `00-${TRACE_A}-${"01".repeat(8)}-01`,
        tracestate: "vendor=abc,other=1",
      },
      {
        "content-type": "application/vnd.envelope.frame",
        "envelope-type": "request",
        "envelope-subtype": "auth_request",
        "envelope-version": "1.2.0",
        "envelope-codec": "json",
        "envelope-compression": "lz4",
        "envelope-event-id": "02".repeat(16),
      },
      {
        "content-type": "application/vnd.envelope.frame",
        "envelope-type": "request",
        "envelope-subtype": "auth_request",
        "envelope-version": "1.2.0",
        "envelope-codec": "cbor",
        "envelope-compression": "none",
        "envelope-event-id": "03".repeat(16),
        traceparent: `00-${TRACE_B}-${"03".repeat(8)}-01`,
        tracestate: "vendor=abc,other=1",
      },
    ]);
    // Default key policy: the trace id, else the event id.
    expect(consumed.map((c) => c.message.key?.toString())).toEqual([
      TRACE_A,
      "02".repeat(16),
      TRACE_B,
    ]);

    const reader = createMessageReader();
    const items = consumed.map((c) => reader.read(c));
    for (const [i, item] of items.entries()) {
      expect(item.error).toBeUndefined();
      expect((item as KafkaEnvelope).envelope).toEqual(decode(frames[i]!));
      expect(item.topic).toBe(topic);
      expect(item.partition).toBe(0);
      expect(item.offset).toBe(String(i));
    }
    const first = (items[0] as KafkaEnvelope).envelope;
    expect(first.header.schema).toEqual({
      type: "request",
      subtype: "auth_request",
      version: "1.2.0",
    });
    expect(first.header.timeUnixNano).toBe(1_700_000_000_000_000_001n);
    expect(first.body.attributes).toEqual(
      new Map<string, unknown>([
        ["user", "user-1"],
        ["attempts", 1n],
        ["duration_ms", 1.5],
        ["ok", false],
      ]),
    );
    expect(items[0]!.headers).toEqual(headerStrings(consumed[0]!.message.headers));
    expect(items[0]!.key).toBe(TRACE_A);
    expect(items[0]!.context).toEqual({
      traceId: TRACE_A,
      spanId: "01".repeat(8),
      traceFlags: 1,
      traceState: [
        ["vendor", "abc"],
        ["other", "1"],
      ],
      isRemote: true,
    });
    expect(items[1]!.context).toBeUndefined();
  }, 120_000);

  test("one transport, a batch whose tracestates differ and repeat: each message gets its own", async () => {
    const topic = await newTopic();
    const states = ["a=1", "not valid", "a=1", "b=2", "b=2"];
    const batch = states.map((tracestate, i) => {
      const item = exportItem(protobuf.encode(envelope(70 + i, { trace: TRACE_A })));
      return { ...item, meta: { ...item.meta, tracestate } };
    });
    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    expect(await transport.send(batch, never())).toEqual({});
    await transport.close?.();
    const consumed = await readTopic(kafka, topic);
    expect(consumed.map((c) => c.message.headers.tracestate?.toString())).toEqual([
      "a=1",
      undefined,
      "a=1",
      "b=2",
      "b=2",
    ]);
  }, 120_000);

  test("routing by header: a router forwards by envelope-type without reading the value; peek reads only the header", async () => {
    const source = await newTopic();
    const requests = await newTopic();
    const metrics = await newTopic();
    const originals = [
      envelope(10, { type: "request" }),
      envelope(11, { type: "metric" }),
      envelope(12, { type: "request" }),
      envelope(13, { type: "metric" }),
    ];
    const frames = originals.map((e) => protobuf.encode(e));
    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic: source });
    expect(await transport.send(frames.map(exportItem), never())).toEqual({});
    await transport.close?.();

    // The router: headers only; the value is forwarded as the same Buffer.
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (const { message } of await readTopic(kafka, source)) {
      const type = readHeaders(message.headers)[HEADER.type];
      await producer.send({
        topic: type === "metric" ? metrics : requests,
        messages: [{ key: message.key, value: message.value, headers: message.headers }],
      });
    }
    await producer.disconnect();

    const peekReader = createMessageReader({ mode: "peek" });
    const routed = async (topic: string) =>
      (await readTopic(kafka, topic)).map((c) => {
        const item = peekReader.read(c);
        if (item.error !== undefined) throw item.error;
        return `${item.header.schema.type}:${bytesToHex(item.header.eventId)}`;
      });
    expect(await routed(requests)).toEqual([
      `request:${"0a".repeat(16)}`,
      `request:${"0c".repeat(16)}`,
    ]);
    expect(await routed(metrics)).toEqual([
      `metric:${"0b".repeat(16)}`,
      `metric:${"0d".repeat(16)}`,
    ]);

    // Peek does not touch the body: a frame whose body bytes are damaged
    // (no content checksum) still peeks, and fails only when decoded.
    const damaged = protobuf.encode(envelope(14));
    damaged[damaged.length - 1]! ^= 0xff;
    const peekTopic = await newTopic();
    const t2 = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic: peekTopic });
    expect(await t2.send([exportItem(damaged)], never())).toEqual({});
    await t2.close?.();
    const [message] = await readTopic(kafka, peekTopic);
    const peeked = peekReader.read(message!);
    expect(peeked.error).toBeUndefined();
    expect(peeked.header?.eventId).toEqual(hexToBytes("0e".repeat(16)));
    // The flipped last byte (the `ok` bool, a varint) now claims more bytes follow.
    expect(createMessageReader().read(message!).error?.code).toBe("truncated");
  }, 180_000);

  test("key policy: same trace, same partition; service and event id policies write those keys", async () => {
    const topic = await newTopic(4);
    const traced = [1, 2, 3, 4, 5, 6].map((n) =>
      envelope(n, { trace: n % 2 === 0 ? TRACE_A : TRACE_B }),
    );
    const byTrace = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    expect(
      await byTrace.send(
        traced.map((e) => exportItem(protobuf.encode(e))),
        never(),
      ),
    ).toEqual({});
    await byTrace.close?.();
    const consumed = await readTopic(kafka, topic);
    const partitionsOf = (trace: string) =>
      new Set(consumed.filter((c) => c.message.key?.toString() === trace).map((c) => c.partition));
    expect(consumed).toHaveLength(6);
    expect(partitionsOf(TRACE_A).size).toBe(1);
    expect(partitionsOf(TRACE_B).size).toBe(1);
    // Within a partition, a trace's envelopes keep their order.
    const order = (trace: string) =>
      consumed
        .filter((c) => c.message.key?.toString() === trace)
        .map((c) => c.message.headers[HEADER.eventId]!.toString());
    expect(order(TRACE_A)).toEqual(["02", "04", "06"].map((b) => b.repeat(16)));
    expect(order(TRACE_B)).toEqual(["01", "03", "05"].map((b) => b.repeat(16)));

    const keysWith = async (key: "service" | "eventId" | "none") => {
      const t = await newTopic();
      const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic: t, key });
      const batch = [envelope(7, { service: "billing", trace: TRACE_A }), envelope(8)];
      expect(
        await transport.send(
          batch.map((e) => exportItem(protobuf.encode(e))),
          never(),
        ),
      ).toEqual({});
      await transport.close?.();
      return (await readTopic(kafka, t)).map((c) => c.message.key?.toString() ?? null);
    };
    expect(await keysWith("service")).toEqual(["billing", "auth"]);
    expect(await keysWith("eventId")).toEqual(["07".repeat(16), "08".repeat(16)]);
    expect(await keysWith("none")).toEqual([null, null]);
  }, 180_000);

  test("pitfall: kafkajs writes a bare Uint8Array as String(value); the transport's Buffer view is exact", async () => {
    const frame = protobuf.encode(envelope(20));
    // The frame as a view into a larger buffer, as encode may return it.
    const pool = new Uint8Array(frame.length + 16).fill(0xaa);
    pool.set(frame, 8);
    const view = pool.subarray(8, 8 + frame.length);

    const topic = await newTopic();
    const producer = kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 0 },
    });
    await producer.connect();
    // What a user writes by hand; the casts are what it takes to compile.
    // kafkajs sizes the record from the byte length but writes the text
    // "137,69,78,86,…" (far longer): Kafka 4.1 refuses the malformed record.
    const refused = await producer
      .send({ topic, messages: [{ value: view as unknown as Buffer }] })
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      name: "KafkaJSProtocolError",
      type: "INVALID_RECORD",
      retriable: false,
    });
    // When the text happens to be as long as the bytes, it is stored, silently wrong:
    // the byte 7 arrives as the character "7" (0x37).
    await producer.send({ topic, messages: [{ value: Uint8Array.of(7) as unknown as Buffer }] });
    await producer.disconnect();
    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    expect(await transport.send([exportItem(view)], never())).toEqual({});
    await transport.close?.();

    const [bare, ours] = await readTopic(kafka, topic);
    expect(bare!.message.value).toEqual(Buffer.from([0x37]));
    expect(String(Uint8Array.of(7))).toBe("7");
    expect(Array.from(frame.subarray(0, 4)).join(",")).toBe("137,69,78,86");
    expect(new Uint8Array(ours!.message.value!)).toEqual(frame);
    expect((createMessageReader().read(ours!) as KafkaEnvelope).envelope).toEqual(decode(frame));
  }, 120_000);

  test("bad messages become error items with their codes; the consumer reads on", async () => {
    const topic = await newTopic();
    const good = protobuf.encode(envelope(30));
    const goodItem = exportItem(good);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    const headers = (overrides: Record<string, string | string[]>) => ({
      [HEADER.contentType]: CONTENT_TYPE,
      [HEADER.type]: goodItem.meta.type,
      [HEADER.eventId]: goodItem.meta.eventId,
      ...overrides,
    });
    await producer.send({
      topic,
      messages: [
        { value: Buffer.from("not a frame at all, just text") },
        { value: Buffer.from(good.subarray(0, good.length - 3)) },
        { value: null },
        { value: Buffer.from(good), headers: headers({ [HEADER.type]: "metric" }) },
        { value: Buffer.from(good), headers: headers({ [HEADER.eventId]: "00".repeat(16) }) },
        { value: Buffer.from(good), headers: headers({ [HEADER.type]: ["request", "request"] }) },
        { value: Buffer.from(good), headers: { [HEADER.subtype]: Buffer.from([0xff, 0xfe]) } },
        { value: Buffer.from(good), headers: { [HEADER.subtype]: "x".repeat(2000) } },
        { value: Buffer.concat([good, good]) },
        { value: Buffer.from(good), headers: headers({}) },
      ],
    });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId: "bad-messages" });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const seen: (KafkaEnvelope | KafkaError)[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`saw ${seen.length} of 10`)), 60_000);
      consumer
        .run({
          eachMessage: eachEnvelope((item) => {
            seen.push(item);
            if (seen.length === 10) {
              clearTimeout(timer);
              resolve();
            }
          }),
        })
        .catch(reject);
    });
    await consumer.disconnect();
    expect(seen.map((item) => item.error?.code ?? "ok")).toEqual([
      "bad_magic",
      "truncated",
      "truncated",
      "invalid_value",
      "invalid_value",
      "duplicate_key",
      "invalid_utf8",
      "limit_exceeded",
      "trailing_bytes",
      "ok",
    ]);
    expect(seen[3]!.error?.path).toBe("headers.envelope-type");
    expect(seen[3]!.error?.detail).toBe(
      'header envelope-type is "metric" but the frame says "request"',
    );
    expect(seen[4]!.error?.path).toBe("headers.envelope-event-id");
    expect(seen.map((item) => item.offset)).toEqual([
      "0",
      "1",
      "2",
      "3",
      "4",
      "5",
      "6",
      "7",
      "8",
      "9",
    ]);
    expect(seen[9]!.envelope).toEqual(decode(good));
    // With onHeaderMismatch "ignore", the frame wins and the lie is only reported back as read.
    const lenient = createMessageReader({ onHeaderMismatch: "ignore" });
    const lied = lenient.read({
      topic,
      partition: 0,
      message: { value: Buffer.from(good), headers: { [HEADER.type]: "metric" }, offset: "3" },
    });
    expect(lied.error).toBeUndefined();
    expect(lied.envelope?.header.schema.type).toBe("request");
    expect(lied.headers[HEADER.type]).toBe("metric");
  }, 120_000);

  test("too large: the transport rejects items over maxMessageBytes itself; the broker's refusal is not retryable", async () => {
    const topic = await newTopic();
    const small = protobuf.encode(envelope(40));
    const big = protobuf.encode(
      createEnvelope({
        schema: { type: "blob", subtype: "upload", version: "1.0.0" },
        eventId: hexToBytes("29".repeat(16)),
        resource: { serviceName: "auth" },
        attributes: { data: new Uint8Array(1_200_000).fill(7) },
      }),
    );
    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    expect(await transport.send([exportItem(small), exportItem(big)], never())).toEqual({
      rejected: [1],
    });
    await transport.close?.();

    // Raised above the broker's message.max.bytes (1,048,588 by default): the broker refuses.
    const loose = kafkaTransport({
      kafka: clientConfig(broker.bootstrap),
      topic,
      maxMessageBytes: 4_000_000,
    });
    const failure = await loose.send([exportItem(big)], never()).catch((e: unknown) => e);
    await loose.close?.();
    expect(failure).toBeInstanceOf(ExportError);
    expect((failure as ExportError).retryable).toBe(false);
    expect((failure as ExportError).message).toMatch(/larger than the max message size/);

    const consumed = await readTopic(kafka, topic);
    expect(consumed.map((c) => new Uint8Array(c.message.value!))).toEqual([small]);
  }, 120_000);

  test("an aborted signal stops the send with a retryable ExportError", async () => {
    const topic = await newTopic();
    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    const controller = new AbortController();
    controller.abort(new Error("deadline"));
    const failure = await transport
      .send([exportItem(protobuf.encode(envelope(50)))], controller.signal)
      .catch((e: unknown) => e);
    await transport.close?.();
    expect(failure).toBeInstanceOf(ExportError);
    expect((failure as ExportError).retryable).toBe(true);
    expect((failure as ExportError).cause).toEqual(new Error("deadline"));
  }, 60_000);

  test("the README's example (examples/kafka.ts): sendToKafka through the exporter, consumeEnvelopes", async () => {
    const topic = await newTopic();
    const originals = [envelope(60, { trace: TRACE_A }), envelope(61)];
    const stats = await sendToKafka([broker.bootstrap], topic, originals);
    expect(stats.accepted).toBe(2);
    expect(stats.sent).toBe(2);
    const frames = originals.map((e) => protobuf.encode(e));
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    await producer.send({ topic, messages: [{ value: Buffer.from("garbage") }] });
    await producer.disconnect();

    const envelopes: unknown[] = [];
    const skipped: [string, string][] = [];
    let done: () => void = () => {};
    const all = new Promise<void>((resolve) => {
      done = resolve;
    });
    const check = () => envelopes.length + skipped.length === 3 && done();
    const consumer = await consumeEnvelopes(
      [broker.bootstrap],
      topic,
      (e) => {
        envelopes.push(e);
        check();
      },
      (offset, code) => {
        skipped.push([offset, code]);
        check();
      },
    );
    await all;
    await consumer.disconnect();
    expect(envelopes).toEqual(frames.map((f) => decode(f)));
    expect(skipped).toEqual([["2", "bad_magic"]]);
  }, 120_000);
});
