// The header convention, the key policy and the kafkajs error mapping: no broker needed.
import { readFileSync } from "node:fs";
import type { ExportMeta } from "@envelope/export";
import {
  CONTENT_TYPE,
  checkHeaders,
  createMessageReader,
  DEFAULT_KEY_POLICY,
  HEADER,
  isRetryableKafkaError,
  type KafkaHeaders,
  kafkaTransport,
  messageHeaders,
  messageKey,
  readHeaders,
  toMessage,
} from "@envelope/kafka";
import { createEncoder, createEnvelope, hexToBytes } from "@envelope/sdk";
import { extract, inject } from "@envelope/trace";
import {
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSNonRetriableError,
  KafkaJSNumberOfRetriesExceeded,
  KafkaJSProtocolError,
} from "kafkajs";
import { describe, expect, test } from "vitest";

const META: ExportMeta = {
  eventId: "0123456789abcdef0123456789abcdef",
  type: "request",
  subtype: "auth_request",
  version: "1.2.0",
  codec: "cbor",
  compression: "lz4",
  service: "auth",
  traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
};

describe("messageHeaders", () => {
  test("writes every convention header, trace headers through @envelope/trace", () => {
    expect(messageHeaders(META)).toEqual({
      "content-type": "application/vnd.envelope.frame",
      "envelope-type": "request",
      "envelope-subtype": "auth_request",
      "envelope-version": "1.2.0",
      "envelope-codec": "cbor",
      "envelope-compression": "lz4",
      "envelope-event-id": "0123456789abcdef0123456789abcdef",
      traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
      tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
    });
  });

  test("no trace context, or an invalid one: no trace headers", () => {
    const { traceId: _, traceparent: __, tracestate: ___, ...bare } = META;
    expect(Object.keys(messageHeaders(bare))).toEqual([
      "content-type",
      "envelope-type",
      "envelope-subtype",
      "envelope-version",
      "envelope-codec",
      "envelope-compression",
      "envelope-event-id",
    ]);
    const broken = {
      ...META,
      traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
    };
    expect(messageHeaders(broken).traceparent).toBeUndefined();
    expect(messageHeaders(broken).tracestate).toBeUndefined();
    // A bad tracestate is dropped; the traceparent stays.
    const badState = { ...META, tracestate: "not a member" };
    expect(messageHeaders(badState).traceparent).toBe(META.traceparent);
    expect(messageHeaders(badState).tracestate).toBeUndefined();
  });
});

describe("readHeaders", () => {
  test("reads convention headers from Buffers, case-insensitively, ignoring others", () => {
    expect(
      readHeaders({
        "Envelope-Type": Buffer.from("request"),
        "envelope-codec": Buffer.from("protobuf"),
        "x-other": Buffer.from([0xff]),
        "content-type": "application/vnd.envelope.frame",
        "envelope-subtype": [Buffer.from("ümlaut")],
        "envelope-version": undefined,
      }),
    ).toEqual({
      "envelope-type": "request",
      "envelope-codec": "protobuf",
      "content-type": "application/vnd.envelope.frame",
      "envelope-subtype": "ümlaut",
    });
    expect(readHeaders(undefined)).toEqual({});
  });

  test.each([
    [
      "a repeated header",
      { "envelope-type": [Buffer.from("a"), Buffer.from("b")] },
      "duplicate_key",
      "headers.envelope-type",
    ],
    [
      "two spellings of one header",
      { "envelope-type": "a", "ENVELOPE-TYPE": "a" },
      "duplicate_key",
      "headers.envelope-type",
    ],
    [
      "a value that is not UTF-8",
      { "envelope-version": Buffer.from([0xc3, 0x28]) },
      "invalid_utf8",
      "headers.envelope-version",
    ],
    [
      "a value over the limit",
      { "envelope-event-id": Buffer.alloc(1025, 0x61) },
      "limit_exceeded",
      "headers.envelope-event-id",
    ],
  ])("%s is an EnvelopeError", (_, headers, code, path) => {
    expect(() => readHeaders(headers)).toThrow(expect.objectContaining({ code, path }));
  });

  test("trace headers follow the trace rules: a bad one is left out, never an error", () => {
    expect(
      readHeaders({
        traceparent: [Buffer.from("a"), Buffer.from("b")],
        tracestate: Buffer.from([0xff]),
        "envelope-type": "request",
      }),
    ).toEqual({ "envelope-type": "request" });
    expect(readHeaders({ traceparent: "x", TRACEPARENT: "y" })).toEqual({});
  });

  test("maxHeaderBytes is the limit", () => {
    expect(readHeaders({ "envelope-type": "abcd" }, { maxHeaderBytes: 4 })).toEqual({
      "envelope-type": "abcd",
    });
    expect(() => readHeaders({ "envelope-type": "abcde" }, { maxHeaderBytes: 4 })).toThrow(
      expect.objectContaining({
        code: "limit_exceeded",
        detail: "header value of 5 bytes is over the limit of 4",
      }),
    );
  });
});

describe("checkHeaders", () => {
  const facts = {
    type: "request",
    subtype: "auth_request",
    version: "1.2.0",
    codec: "cbor",
    compression: "lz4",
    eventId: META.eventId,
  } as const;

  test("headers that agree, or are absent, pass", () => {
    expect(() => checkHeaders(readHeaders(messageHeaders(META)), facts)).not.toThrow();
    expect(() => checkHeaders({}, facts)).not.toThrow();
  });

  test.each([
    [HEADER.contentType, "application/json", CONTENT_TYPE],
    [HEADER.type, "metric", "request"],
    [HEADER.subtype, "x", "auth_request"],
    [HEADER.version, "1.2.1", "1.2.0"],
    [HEADER.codec, "protobuf", "cbor"],
    [HEADER.compression, "none", "lz4"],
    [HEADER.eventId, "ff".repeat(16), META.eventId],
  ])("%s disagreeing is invalid_value", (name, said, truth) => {
    expect(() => checkHeaders({ [name]: said }, facts)).toThrow(
      expect.objectContaining({
        code: "invalid_value",
        path: `headers.${name}`,
        detail: `header ${name} is ${JSON.stringify(said)} but the frame says ${JSON.stringify(truth)}`,
      }),
    );
  });

  test("trace headers are not compared with the envelope", () => {
    expect(() =>
      checkHeaders(
        { traceparent: "00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-00" },
        facts,
      ),
    ).not.toThrow();
  });
});

describe("messageKey", () => {
  test("policies", () => {
    expect(DEFAULT_KEY_POLICY).toBe("traceId");
    expect(messageKey(META)).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(messageKey({ ...META, traceId: undefined } as unknown as ExportMeta)).toBe(META.eventId);
    expect(messageKey(META, "service")).toBe("auth");
    expect(messageKey(META, "eventId")).toBe(META.eventId);
    expect(messageKey(META, "none")).toBeUndefined();
    expect(messageKey(META, (m) => `${m.type}/${m.subtype}`)).toBe("request/auth_request");
  });
});

describe("toMessage", () => {
  test("the value is a Buffer view of the frame: same memory, no copy", () => {
    const frame = createEncoder().encode(
      createEnvelope({
        schema: { type: "t", subtype: "s", version: "1.0.0" },
        eventId: hexToBytes(META.eventId),
        resource: { serviceName: "auth" },
      }),
    );
    const pool = new Uint8Array(frame.length + 8);
    pool.set(frame, 4);
    const view = pool.subarray(4, 4 + frame.length);
    const message = toMessage({ bytes: view, meta: META }, "eventId");
    expect(Buffer.isBuffer(message.value)).toBe(true);
    const value = message.value as Buffer;
    expect(value.buffer).toBe(pool.buffer);
    expect(value.byteOffset).toBe(4);
    expect(new Uint8Array(value)).toEqual(frame);
    expect(message.key).toBe(META.eventId);
    expect(message.headers).toEqual(messageHeaders(META));
    expect(toMessage({ bytes: view, meta: META }, "none")).not.toHaveProperty("key");
  });
});

describe("isRetryableKafkaError", () => {
  test.each([
    ["a connection error", new KafkaJSConnectionError("refused"), true],
    [
      "retries exhausted around a connection error",
      new KafkaJSNumberOfRetriesExceeded(new KafkaJSConnectionError("refused"), {
        retryCount: 2,
        retryTime: 100,
      }),
      true,
    ],
    [
      "a retriable protocol error (leader not available)",
      new KafkaJSProtocolError({
        type: "LEADER_NOT_AVAILABLE",
        code: 5,
        retriable: true,
        message: "x",
      } as unknown as Error),
      true,
    ],
    [
      "message too large",
      new KafkaJSProtocolError({
        type: "MESSAGE_TOO_LARGE",
        code: 10,
        retriable: false,
        message: "x",
      } as unknown as Error),
      false,
    ],
    ["a non-retriable error", new KafkaJSNonRetriableError("bad topic"), false],
    ["a plain KafkaJSError (retriable by default)", new KafkaJSError("x"), true],
    ["a TypeError", new TypeError("x"), false],
    ["not an error", "x", false],
  ])("%s → %s", (_, error, retryable) => {
    expect(isRetryableKafkaError(error)).toBe(retryable);
  });
});

describe("kafkaTransport options", () => {
  test.each([
    [{ topic: "t" }, "kafkaTransport: give exactly one of producer and kafka"],
    [
      { topic: "t", kafka: { brokers: ["x:1"] }, maxMessageBytes: 0 },
      "kafkaTransport: maxMessageBytes must be a positive integer",
    ],
  ])("%j is refused", (options, message) => {
    expect(() => kafkaTransport(options)).toThrow(new TypeError(message));
  });
});

describe("docs/spec.md", () => {
  test('the "Kafka" header table is what messageHeaders writes, in order', () => {
    const spec = readFileSync(new URL("../../../docs/spec.md", import.meta.url), "utf8");
    const section = spec.slice(spec.indexOf("## Kafka\n"), spec.indexOf("### Keys\n"));
    const rows = [...section.matchAll(/^\| `([a-z-]+)` \| .* \| `([^`]+)` \|$/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    expect(rows.map(([name]) => name)).toEqual(Object.values(HEADER));
    const example = { ...META, codec: "protobuf", compression: "none" } as const;
    expect(Object.entries(messageHeaders(example))).toEqual(rows);
  });
});

// messageHeaders and the reader read trace headers with their own fast paths;
// these pin them to what @envelope/trace's extract and inject do on the same input.
const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TRACE_INPUTS: [string, string | undefined][] = [
  [TP, undefined],
  [TP, "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"],
  [TP, ""],
  [TP, "not a member"],
  [TP, " congo=1 , , rojo=2 "],
  [TP, Array.from({ length: 40 }, (_, i) => `k${i}=v${i}`).join(",")],
  [TP, Array.from({ length: 20 }, (_, i) => `key${i}=${"v".repeat(40)}`).join(",")],
  [TP, "congo=1,congo=2"],
  ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", "a=1"],
  ["01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff-future", "a=1"],
  ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-ff", "a=1"],
  ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "a=1"],
  ["00-00000000000000000000000000000000-00f067aa0ba902b7-01", "a=1"],
  ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "a=1"],
  ["garbage", "a=1"],
  ["", undefined],
];

describe("trace headers: the fast paths agree with extract and inject", () => {
  test.each(TRACE_INPUTS)("messageHeaders(%j, %j)", (traceparent, tracestate) => {
    const expected: Record<string, string> = {};
    const context = extract({ traceparent, tracestate });
    if (context !== undefined) inject(context, expected);
    const meta = { ...META, traceparent, tracestate } as ExportMeta;
    const { traceparent: tp, tracestate: ts } = messageHeaders(meta);
    expect({ traceparent: tp, tracestate: ts }).toEqual({
      traceparent: expected.traceparent,
      tracestate: expected.tracestate,
    });
  });

  const raw = (s: string) => Buffer.from(s);
  const READ_INPUTS: [string, Record<string, unknown>][] = [
    ["none", {}],
    ["both as Buffers", { traceparent: raw(TP), tracestate: raw("a=1,b=2") }],
    ["uppercase names", { TraceParent: raw(TP), TRACESTATE: raw("a=1") }],
    ["a repeated traceparent", { traceparent: [raw(TP), raw(TP)] }],
    ["two spellings of traceparent", { traceparent: raw(TP), Traceparent: raw(TP) }],
    [
      "a repeated tracestate (joined)",
      { traceparent: raw(TP), tracestate: [raw("a=1"), raw("b=2")] },
    ],
    ["a traceparent that is not UTF-8", { traceparent: Buffer.from([0xff, 0xfe]) }],
    ["a tracestate that is not ASCII", { traceparent: raw(TP), tracestate: raw("a=é") }],
    ["a tracestate that is not UTF-8", { traceparent: raw(TP), tracestate: Buffer.from([0xc3]) }],
    ["an invalid traceparent", { traceparent: raw("00-xyz"), tracestate: raw("a=1") }],
    ["a tracestate alone", { tracestate: raw("a=1") }],
    ["an empty list", { traceparent: [] }],
    ["strings", { traceparent: TP, tracestate: "a=1" }],
  ];
  test.each(READ_INPUTS)("the reader's context, %s", (_, headers) => {
    const frame = createEncoder().encode(
      createEnvelope({
        schema: { type: "t", subtype: "s", version: "1.0.0" },
        eventId: hexToBytes(META.eventId),
        resource: { serviceName: "auth" },
      }),
    );
    const message = { value: Buffer.from(frame), headers: headers as KafkaHeaders, offset: "0" };
    const item = createMessageReader().read({ topic: "t", partition: 0, message });
    expect(item.error).toBeUndefined();
    expect(item.context).toEqual(extract(headers as Parameters<typeof extract>[0]));
  });
});
