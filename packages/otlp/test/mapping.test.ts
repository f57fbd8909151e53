// The envelope <-> OTLP LogRecord mapping (docs/spec.md, "OTLP mapping"):
// every field both ways, and every loss the spec lists, asserted.
import { EnvelopeError } from "@envelope/core";
import {
  fromAnyValue,
  fromLogRecord,
  type OtlpAnyValue,
  toAnyValue,
  toLogRecord,
  toLogsData,
  toResource,
} from "@envelope/otlp";
import {
  createEnvelope,
  type Envelope,
  hexToBytes,
  StatusCode,
  toJson,
  UnknownValue,
} from "@envelope/sdk";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { FULL_RECORD, FULL_RESOURCE, fullEnvelope, OBSERVED, s } from "./fixtures.js";

/** The JSON mapping is order- and type-exact (int64 as strings, doubles as numbers). */
const same = (a: Envelope, b: Envelope) => expect(toJson(a)).toStrictEqual(toJson(b));

describe("envelope -> LogRecord", () => {
  test("every field", () => {
    const envelope = fullEnvelope();
    expect(toLogRecord(envelope, { observedTimeUnixNano: OBSERVED })).toStrictEqual(FULL_RECORD);
    expect(toResource(envelope.header.resource)).toStrictEqual(FULL_RESOURCE);
  });

  test("a minimal envelope: no trace, no status, no extensions, empty body", () => {
    const envelope = createEnvelope({
      schema: { type: "t", subtype: "s", version: "0.1.0" },
      resource: { serviceName: "svc" },
      eventId: hexToBytes("00000000000000000000000000000001"),
      timeUnixNano: 1n,
      producer: { language: "typescript", version: "0.1.0" },
    });
    expect(toLogRecord(envelope, { observedTimeUnixNano: 2n })).toStrictEqual({
      timeUnixNano: "1",
      observedTimeUnixNano: "2",
      eventName: "t/s",
      body: { kvlistValue: {} },
      attributes: [
        { key: "envelope.event_id", value: s("00000000000000000000000000000001") },
        { key: "envelope.schema.type", value: s("t") },
        { key: "envelope.schema.subtype", value: s("s") },
        { key: "envelope.schema.version", value: s("0.1.0") },
        { key: "envelope.producer.language", value: s("typescript") },
        { key: "envelope.producer.version", value: s("0.1.0") },
      ],
    });
    expect(toResource(envelope.header.resource)).toStrictEqual({
      attributes: [{ key: "service.name", value: s("svc") }],
    });
    same(fromLogRecord(toLogRecord(envelope), toResource(envelope.header.resource)), envelope);
  });

  test.each([
    [StatusCode.OK, "", { severityNumber: 9, severityText: "INFO" }],
    [StatusCode.ERROR, "x", { severityNumber: 17, severityText: "ERROR" }],
    [StatusCode.UNSET, "", {}],
    [7, "from a newer producer", {}],
  ])("status %s -> severity %j", (code, message, severity) => {
    const envelope = fullEnvelope();
    envelope.header.status = { code, message };
    const record = toLogRecord(envelope);
    expect({
      severityNumber: record.severityNumber,
      severityText: record.severityText,
    }).toStrictEqual({ severityNumber: undefined, severityText: undefined, ...severity });
    expect(record.attributes?.find((kv) => kv.key === "envelope.status.code")?.value).toStrictEqual(
      {
        intValue: String(code),
      },
    );
    same(fromLogRecord(record, toResource(envelope.header.resource)), envelope);
  });

  test("doubles: integral, -0, infinities", () => {
    expect(toAnyValue(1)).toStrictEqual({ doubleValue: 1 });
    expect(Object.is(toAnyValue(-0).doubleValue, -0)).toBe(true);
    expect(toAnyValue(Number.POSITIVE_INFINITY)).toStrictEqual({ doubleValue: "Infinity" });
    expect(toAnyValue(Number.NEGATIVE_INFINITY)).toStrictEqual({ doubleValue: "-Infinity" });
    expect(toAnyValue(-(2n ** 63n))).toStrictEqual({ intValue: "-9223372036854775808" });
  });

  test("group by resource: equal resources share one ResourceLogs, in first-seen order", () => {
    const a = fullEnvelope();
    const b = fullEnvelope();
    b.header.resource = { serviceName: "billing", attributes: new Map() };
    const c = fullEnvelope();
    const data = toLogsData([a, b, c], { observedTimeUnixNano: OBSERVED });
    expect(data.resourceLogs?.map((r) => r.resource)).toStrictEqual([
      FULL_RESOURCE,
      { attributes: [{ key: "service.name", value: s("billing") }] },
    ]);
    expect(data.resourceLogs?.map((r) => r.scopeLogs?.map((sl) => sl.scope))).toStrictEqual([
      [{ name: "@envelope/otlp" }],
      [{ name: "@envelope/otlp" }],
    ]);
    expect(data.resourceLogs?.map((r) => r.scopeLogs?.[0]?.logRecords?.length)).toStrictEqual([
      2, 1,
    ]);
  });
});

describe("LogRecord -> envelope", () => {
  test("every field comes back", () => {
    const envelope = fullEnvelope();
    same(fromLogRecord(FULL_RECORD, FULL_RESOURCE), envelope);
  });

  test("the same through JSON text (as a Collector writes it)", () => {
    const envelope = fullEnvelope();
    const data = toLogsData([envelope], { observedTimeUnixNano: OBSERVED });
    const parsed = JSON.parse(JSON.stringify(data));
    same(
      fromLogRecord(
        parsed.resourceLogs[0].scopeLogs[0].logRecords[0],
        parsed.resourceLogs[0].resource,
      ),
      envelope,
    );
  });

  test("values: numbers accepted for int64, strings for NaN and infinities", () => {
    expect(fromAnyValue({ intValue: 42 })).toBe(42n);
    expect(fromAnyValue({ intValue: "9223372036854775807" })).toBe(2n ** 63n - 1n);
    expect(fromAnyValue({ doubleValue: "-Infinity" })).toBe(Number.NEGATIVE_INFINITY);
    expect(fromAnyValue({ doubleValue: 3 })).toBe(3);
    expect(fromAnyValue({ kvlistValue: {} })).toStrictEqual(new Map());
    expect(fromAnyValue({ arrayValue: {} })).toStrictEqual([]);
    expect(fromAnyValue({ bytesValue: "AAH/" })).toStrictEqual(new Uint8Array([0, 1, 255]));
  });

  test.each([
    [{}, "invalid_value", "[invalid_value] an AnyValue must hold exactly one value, got 0 (at v)"],
    [
      { stringValue: "a", intValue: "1" },
      "invalid_value",
      "[invalid_value] an AnyValue must hold exactly one value, got 2 (at v)",
    ],
    [
      { intValue: "9223372036854775808" },
      "invalid_value",
      "[invalid_value] intValue is out of the int64 range (at v)",
    ],
    [{ intValue: "1.5" }, "invalid_value", "[invalid_value] expected a decimal integer (at v)"],
    [
      { doubleValue: "nan" },
      "invalid_value",
      "[invalid_value] expected a number, NaN, Infinity or -Infinity (at v)",
    ],
    [{ stringValue: 1 }, "invalid_value", "[invalid_value] expected stringValue (at v)"],
    [
      { nullValue: true },
      "invalid_value",
      "[invalid_value] unknown AnyValue field nullValue (at v)",
    ],
    [
      {
        kvlistValue: {
          values: [
            { key: "a", value: s("1") },
            { key: "a", value: s("2") },
          ],
        },
      },
      "duplicate_key",
      '[duplicate_key] key "a" appears twice (at v.a)',
    ],
  ])("rejects %j with %s", (value, code, message) => {
    let error: unknown;
    try {
      fromAnyValue(value as never, "v");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).code).toBe(code);
    expect((error as EnvelopeError).message).toBe(message);
  });

  test.each([
    ["envelope.event_id", "missing_field"],
    ["envelope.schema.version", "missing_field"],
    ["envelope.producer.language", "missing_field"],
  ])("a record without %s: %s", (key, code) => {
    const record = {
      ...FULL_RECORD,
      attributes: (FULL_RECORD.attributes ?? []).filter((kv) => kv.key !== key),
    };
    expect(() => fromLogRecord(record, FULL_RESOURCE)).toThrow(
      expect.objectContaining({ code, path: `logRecord.attributes.${key}` }),
    );
  });

  test("ids are checked: a short trace id is invalid_id; no service.name is missing_field", () => {
    expect(() => fromLogRecord({ ...FULL_RECORD, traceId: "4bf92f35" }, FULL_RESOURCE)).toThrow(
      expect.objectContaining({ code: "invalid_id", path: "logRecord.traceId" }),
    );
    expect(() => fromLogRecord(FULL_RECORD, { attributes: [] })).toThrow(
      expect.objectContaining({ code: "missing_field", path: "resource.attributes" }),
    );
  });
});

describe("what is lost (docs/spec.md, OTLP mapping)", () => {
  test("unknown fields are not carried", () => {
    const envelope = fullEnvelope();
    envelope.$unknown = { codec: "protobuf", data: new Uint8Array([0x18, 0x01]) };
    envelope.header.schema.$unknown = { codec: "json", data: [["future", 1]] };
    const back = fromLogRecord(toLogRecord(envelope), toResource(envelope.header.resource));
    expect(back.$unknown).toBeUndefined();
    expect(back.header.schema.$unknown).toBeUndefined();
  });

  test("a value of an unknown kind has no OTLP form: invalid_value", () => {
    const envelope = fullEnvelope();
    envelope.body.attributes.set("future", new UnknownValue("protobuf", new Uint8Array([0x40])));
    expect(() => toLogRecord(envelope)).toThrow(
      expect.objectContaining({ code: "invalid_value", path: "body.attributes.future" }),
    );
  });

  test("the extension namespace `envelope` is reserved: invalid_value", () => {
    const envelope = fullEnvelope();
    envelope.body.extensions.push({
      namespace: "envelope",
      version: "1.0.0",
      attributes: new Map(),
    });
    expect(() => toLogRecord(envelope)).toThrow(
      expect.objectContaining({ code: "invalid_value", path: "body.extensions.envelope" }),
    );
  });

  test("two flattened extension keys that collide: duplicate_key", () => {
    const envelope = fullEnvelope();
    envelope.body.extensions = [
      { namespace: "a", version: "1.0.0", attributes: new Map([["b.c", "from a"]]) },
      { namespace: "a.b", version: "1.0.0", attributes: new Map([["c", "from a.b"]]) },
    ];
    expect(() => toLogRecord(envelope)).toThrow(
      expect.objectContaining({ code: "duplicate_key", path: "body.extensions.a.b.c" }),
    );
  });

  test("a key of namespace `a` that starts with `b.` goes back to namespace `a.b` when both exist", () => {
    const envelope = fullEnvelope();
    envelope.body.extensions = [
      { namespace: "a", version: "1.0.0", attributes: new Map([["b.x", 1n]]) },
      { namespace: "a.b", version: "2.0.0", attributes: new Map() },
    ];
    const back = fromLogRecord(toLogRecord(envelope), toResource(envelope.header.resource));
    expect(back.body.extensions).toStrictEqual([
      { namespace: "a", version: "1.0.0", attributes: new Map() },
      { namespace: "a.b", version: "2.0.0", attributes: new Map([["x", 1n]]) },
    ]);
  });

  test("a resource attribute under a named field's key comes back as that field", () => {
    const envelope = fullEnvelope();
    envelope.header.resource = {
      serviceName: "auth",
      attributes: new Map([["host.name", "h1"]]),
    };
    const back = fromLogRecord(toLogRecord(envelope), toResource(envelope.header.resource));
    expect(back.header.resource).toStrictEqual({
      serviceName: "auth",
      host: "h1",
      attributes: new Map(),
    });
  });

  test("a resource attribute that repeats a set named field: duplicate_key", () => {
    const envelope = fullEnvelope();
    envelope.header.resource.attributes.set("service.name", "other");
    expect(() => toResource(envelope.header.resource)).toThrow(
      expect.objectContaining({
        code: "duplicate_key",
        path: "header.resource.attributes.service.name",
      }),
    );
  });

  test("empty tracestate and parent span id read back as absent (the contract's own rule)", () => {
    const envelope = fullEnvelope();
    const trace = envelope.header.trace;
    if (trace === undefined) throw new Error("no trace");
    trace.traceState = "";
    trace.parentSpanId = new Uint8Array(0);
    const back = fromLogRecord(toLogRecord(envelope), toResource(envelope.header.resource));
    expect(back.header.trace).toStrictEqual({
      traceId: trace.traceId,
      spanId: trace.spanId,
      traceFlags: 3,
    });
  });

  test("attributes added on the way that match no listed namespace are not carried back", () => {
    const record = {
      ...FULL_RECORD,
      attributes: [...(FULL_RECORD.attributes ?? []), { key: "added.by.processor", value: s("x") }],
    };
    same(fromLogRecord(record, FULL_RESOURCE), fullEnvelope());
  });

  test("event name, observed time and severity are not read back; the envelope attributes are", () => {
    const record = {
      ...FULL_RECORD,
      eventName: "renamed/by_a_processor",
      observedTimeUnixNano: "5",
      severityNumber: 1,
      severityText: "TRACE",
    };
    same(fromLogRecord(record, FULL_RESOURCE), fullEnvelope());
  });

  test("flags beyond the W3C byte (OTLP bits 8-9) are dropped", () => {
    const back = fromLogRecord({ ...FULL_RECORD, flags: 0x301 }, FULL_RESOURCE);
    expect(back.header.trace?.traceFlags).toBe(1);
  });
});

describe("untrusted OTLP/JSON: only EnvelopeError, never a crash or a hang", () => {
  const isEnvelopeErrorOrEnvelope = (run: () => unknown) => {
    try {
      run();
    } catch (error) {
      if (!(error instanceof EnvelopeError)) throw error;
    }
  };

  test("values nested 100,000 deep: limit_exceeded, not a stack overflow", () => {
    let value: OtlpAnyValue = { stringValue: "leaf" };
    for (let i = 0; i < 100_000; i++) value = { arrayValue: { values: [value] } };
    expect(() => fromAnyValue(value)).toThrow(expect.objectContaining({ code: "limit_exceeded" }));
    let ok: OtlpAnyValue = { stringValue: "leaf" };
    for (let i = 0; i < 32; i++) ok = { kvlistValue: { values: [{ key: "k", value: ok }] } };
    expect(fromAnyValue(ok)).toBeInstanceOf(Map);
    expect(() => fromAnyValue({ kvlistValue: { values: [{ key: "k", value: ok }] } })).toThrow(
      expect.objectContaining({ code: "limit_exceeded" }),
    );
  });

  test.each([
    ["a record that is not an object", [], undefined, "invalid_value"],
    [
      "attributes that are not an array",
      { ...FULL_RECORD, attributes: {} },
      FULL_RESOURCE,
      "invalid_value",
    ],
    [
      "a KeyValue without a key",
      { ...FULL_RECORD, attributes: [{ value: s("x") }] },
      FULL_RESOURCE,
      "invalid_value",
    ],
    ["a numeric trace id", { ...FULL_RECORD, traceId: 7 }, FULL_RESOURCE, "invalid_value"],
    ["flags that are not a fixed32", { ...FULL_RECORD, flags: -1 }, FULL_RESOURCE, "invalid_value"],
    [
      "a time that is an object",
      { ...FULL_RECORD, timeUnixNano: {} },
      FULL_RESOURCE,
      "invalid_value",
    ],
    ["a body that is null", { ...FULL_RECORD, body: null }, FULL_RESOURCE, "invalid_value"],
    ["a resource that is a string", FULL_RECORD, "auth", "invalid_value"],
    [
      "bytes that are a number",
      { ...FULL_RECORD, body: { bytesValue: 1 } },
      FULL_RESOURCE,
      "invalid_value",
    ],
  ])("%s: %s", (_, record, resource, code) => {
    expect(() => fromLogRecord(record as never, resource as never)).toThrow(
      expect.objectContaining({ code }),
    );
  });

  test("any JSON in any field of a valid record", () => {
    const paths = [
      ["timeUnixNano"],
      ["body"],
      ["attributes"],
      ["attributes", 0],
      ["attributes", 0, "value"],
      ["attributes", 11, "value", "kvlistValue"],
      ["traceId"],
      ["spanId"],
      ["flags"],
      ["body", "kvlistValue", "values", 6, "value"],
    ] as const;
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.jsonValue({ maxDepth: 6 }), (path, junk) => {
        const record = JSON.parse(JSON.stringify(FULL_RECORD));
        let at = record;
        for (const step of path.slice(0, -1)) at = at[step];
        at[path[path.length - 1] as string | number] = junk;
        isEnvelopeErrorOrEnvelope(() => fromLogRecord(record, FULL_RESOURCE));
      }),
      { numRuns: 2000, seed: 16 },
    );
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.jsonValue({ maxDepth: 4 }),
        (record, resource) => {
          isEnvelopeErrorOrEnvelope(() => fromLogRecord(record as never, resource as never));
          isEnvelopeErrorOrEnvelope(() => fromAnyValue(record as never));
        },
      ),
      { numRuns: 2000, seed: 16 },
    );
  });
});
