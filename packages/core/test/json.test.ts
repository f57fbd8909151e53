import {
  base64ToBytes,
  bytesToBase64,
  DEFAULT_LIMITS,
  DecodeBudget,
  type Envelope,
  envelopeFromJson,
  isEnvelopeError,
  type JsonValue,
  jsonCodec,
  resolveLimits,
  toJson,
  UnknownValue,
} from "@envelope/core";
import { describe, expect, test } from "vitest";

const budget = () => new DecodeBudget(DEFAULT_LIMITS);

function sample(): Envelope {
  return {
    header: {
      schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
      eventId: Uint8Array.from(Buffer.from("0af7651916cd43dd8448eb211c80319c", "hex")),
      timeUnixNano: 1700000000000000000n,
      producer: { language: "go", version: "0.1.0" },
      trace: {
        traceId: Uint8Array.from(Buffer.from("4bf92f3577b34da6a3ce929d0e0e4736", "hex")),
        spanId: Uint8Array.from(Buffer.from("00f067aa0ba902b7", "hex")),
        traceFlags: 1,
      },
      resource: { serviceName: "auth", environment: "production", attributes: new Map() },
      status: { code: 1, message: "" },
    },
    body: {
      attributes: new Map<string, never>([
        ["user", "alice" as never],
        ["attempts", 3n as never],
        ["latency_ms", 1 as never],
        ["tags", ["a"] as never],
      ]),
      extensions: [
        { namespace: "http", version: "1.0.0", attributes: new Map([["method", "POST"]]) },
      ],
    },
  };
}

/** The example printed in docs/spec.md, section "Codec: JSON". */
const SPEC_EXAMPLE = {
  header: {
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    eventId: "0af7651916cd43dd8448eb211c80319c",
    timeUnixNano: "1700000000000000000",
    producer: { language: "go", version: "0.1.0" },
    trace: {
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      spanId: "00f067aa0ba902b7",
      traceFlags: 1,
    },
    resource: { serviceName: "auth", environment: "production" },
    status: { code: 1 },
  },
  body: {
    attributes: [
      { key: "user", value: { stringValue: "alice" } },
      { key: "attempts", value: { intValue: "3" } },
      { key: "latency_ms", value: { doubleValue: 1 } },
      { key: "tags", value: { arrayValue: { values: [{ stringValue: "a" }] } } },
    ],
    extensions: [
      {
        namespace: "http",
        version: "1.0.0",
        attributes: [{ key: "method", value: { stringValue: "POST" } }],
      },
    ],
  },
};

describe("JSON mapping", () => {
  test("matches the example in docs/spec.md exactly, both ways", () => {
    expect(toJson(sample())).toEqual(SPEC_EXAMPLE);
    expect(envelopeFromJson(SPEC_EXAMPLE, budget())).toEqual(sample());
  });

  test("doubles: NaN, ±Infinity and -0 are strings; integral doubles stay doubles", () => {
    const e = sample();
    e.body.attributes = new Map<string, never>([
      ["nan", Number.NaN as never],
      ["inf", Number.POSITIVE_INFINITY as never],
      ["ninf", Number.NEGATIVE_INFINITY as never],
      ["nzero", -0 as never],
      ["one", 1 as never],
      ["tiny", 5e-324 as never],
    ]);
    const json = toJson(e);
    expect((json.body as { attributes: unknown }).attributes).toEqual([
      { key: "nan", value: { doubleValue: "NaN" } },
      { key: "inf", value: { doubleValue: "Infinity" } },
      { key: "ninf", value: { doubleValue: "-Infinity" } },
      { key: "nzero", value: { doubleValue: "-0" } },
      { key: "one", value: { doubleValue: 1 } },
      { key: "tiny", value: { doubleValue: 5e-324 } },
    ]);
    const back = envelopeFromJson(JSON.parse(JSON.stringify(json)), budget());
    expect(Object.is(back.body.attributes.get("nzero"), -0)).toBe(true);
    expect(back.body.attributes.get("one")).toBe(1);
    expect(back).toEqual(e);
  });

  test("int64 as decimal strings, full range; numbers accepted on read", () => {
    const read = (intValue: JsonValue) =>
      envelopeFromJson(
        { ...SPEC_EXAMPLE, body: { attributes: [{ key: "i", value: { intValue } }] } },
        budget(),
      ).body.attributes.get("i");
    expect(read("-9223372036854775808")).toBe(-(2n ** 63n));
    expect(read("9223372036854775807")).toBe(2n ** 63n - 1n);
    expect(read(42)).toBe(42n);
    expect(read(-9007199254740991)).toBe(-9007199254740991n);
  });

  test("bytes: standard base64 written; URL-safe and unpadded accepted", () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xfe, 0x01]);
    expect(bytesToBase64(bytes)).toBe("+//+AQ==");
    expect(base64ToBytes("+//+AQ==", "p")).toEqual(bytes);
    expect(base64ToBytes("-__-AQ", "p")).toEqual(bytes);
    expect(bytesToBase64(new Uint8Array(0))).toBe("");
    for (let n = 0; n < 8; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => i * 37);
      expect(base64ToBytes(bytesToBase64(b), "p")).toEqual(b);
      expect(bytesToBase64(b)).toBe(Buffer.from(b).toString("base64"));
    }
  });

  test("unknown keys are kept per object and written back; an unknown value kind is kept whole", () => {
    const newer = structuredClone(SPEC_EXAMPLE) as Record<string, Record<string, unknown>>;
    newer.header!.tenant = "acme";
    (newer.header!.schema as Record<string, unknown>).family = "auth";
    newer.body!.attributes = [{ key: "t", value: { timestampValue: "2026-01-01T00:00:00Z" } }];
    newer.next = { x: 1 };
    const decoded = envelopeFromJson(newer as JsonValue, budget());
    expect(decoded.header.$unknown).toEqual({ codec: "json", data: [["tenant", "acme"]] });
    expect(decoded.body.attributes.get("t")).toEqual(
      new UnknownValue("json", [["timestampValue", "2026-01-01T00:00:00Z"]]),
    );
    expect(toJson(decoded)).toEqual(newer);
  });

  test("an opaque value read by another codec is refused, not written as an empty AnyValue", () => {
    const e = sample();
    e.body.attributes.set("u", new UnknownValue("protobuf", new Uint8Array([0x4a, 0x00])));
    expect(() => toJson(e)).toThrow(/\[invalid_value\].*protobuf codec/);
  });

  test("__proto__ keys never change a prototype", () => {
    const text = `{"header":${JSON.stringify(SPEC_EXAMPLE.header).replace('"schema":', '"__proto__":{"polluted":1},"schema":')},"body":{}}`;
    const decoded = jsonCodec.decodeEnvelope(new TextEncoder().encode(text), budget(), 0);
    expect(Object.getPrototypeOf(decoded.header)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    const out = JSON.stringify(toJson(decoded));
    expect(out).toContain('"__proto__":{"polluted":1}');
  });

  test("the JSON codec writes compact UTF-8 and reads it back", () => {
    const bytes = jsonCodec.encodeEnvelope(sample());
    expect(new TextDecoder().decode(bytes)).toBe(JSON.stringify(SPEC_EXAMPLE));
    expect(jsonCodec.decodeEnvelope(bytes, budget(), 0)).toEqual(sample());
  });
});

function errorOf(value: JsonValue, limits = DEFAULT_LIMITS) {
  try {
    envelopeFromJson(value, new DecodeBudget(limits));
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, path: error.path };
  }
  throw new Error("expected an EnvelopeError");
}

const withAttribute = (value: JsonValue): JsonValue => ({
  ...SPEC_EXAMPLE,
  body: { attributes: [{ key: "k", value }] },
});

describe("JSON mapping: bad input names the path", () => {
  test.each([
    ["not an object", [], "invalid_json", ""],
    ["no header", { body: {} }, "missing_field", "header"],
    [
      "uppercase hex id",
      {
        ...SPEC_EXAMPLE,
        header: { ...SPEC_EXAMPLE.header, eventId: "0AF7651916CD43DD8448EB211C80319C" },
      },
      "invalid_id",
      "header.eventId",
    ],
    [
      "short span id",
      {
        ...SPEC_EXAMPLE,
        header: {
          ...SPEC_EXAMPLE.header,
          trace: { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f0" },
        },
      },
      "invalid_id",
      "header.trace.spanId",
    ],
    [
      "time as a float",
      { ...SPEC_EXAMPLE, header: { ...SPEC_EXAMPLE.header, timeUnixNano: 1.5 } },
      "invalid_json",
      "header.timeUnixNano",
    ],
    [
      "int beyond 2^53 as a number",
      withAttribute({ intValue: 2 ** 60 }),
      "invalid_json",
      "body.attributes[0].value.intValue",
    ],
    [
      "int out of int64 range",
      withAttribute({ intValue: "9223372036854775808" }),
      "invalid_value",
      "body.attributes[0].value.intValue",
    ],
    [
      "int with a leading zero",
      withAttribute({ intValue: "01" }),
      "invalid_json",
      "body.attributes[0].value.intValue",
    ],
    [
      "two kinds in one AnyValue",
      withAttribute({ stringValue: "a", boolValue: true }),
      "invalid_json",
      "body.attributes[0].value",
    ],
    ["empty AnyValue", withAttribute({}), "invalid_value", "body.attributes[0].value"],
    [
      "bool as a string",
      withAttribute({ boolValue: "true" }),
      "invalid_json",
      "body.attributes[0].value.boolValue",
    ],
    [
      "bad base64",
      withAttribute({ bytesValue: "a*b=" }),
      "invalid_value",
      "body.attributes[0].value.bytesValue",
    ],
    [
      "double as a word",
      withAttribute({ doubleValue: "nan" }),
      "invalid_json",
      "body.attributes[0].value.doubleValue",
    ],
    [
      "duplicate key",
      {
        ...SPEC_EXAMPLE,
        body: {
          attributes: [
            { key: "a", value: { boolValue: true } },
            { key: "a", value: { boolValue: false } },
          ],
        },
      },
      "duplicate_key",
      "body.attributes[1]",
    ],
  ])("%s -> %s at %s", (_name, value, code, path) => {
    expect(errorOf(value as JsonValue)).toEqual({ code, path });
  });

  test("depth and attribute count limits", () => {
    let deep: JsonValue = { boolValue: true };
    for (let i = 0; i < 3; i++) deep = { arrayValue: { values: [deep] } };
    expect(errorOf(withAttribute(deep), resolveLimits({ maxDepth: 2 })).code).toBe(
      "limit_exceeded",
    );
    expect(errorOf(withAttribute(deep), resolveLimits({ maxAttributes: 3 })).code).toBe(
      "limit_exceeded",
    );
  });

  test("not JSON, and not UTF-8, through the codec", () => {
    const codecError = (bytes: Uint8Array) => {
      try {
        jsonCodec.decodeEnvelope(bytes, budget(), 10);
      } catch (error) {
        if (isEnvelopeError(error)) return { code: error.code, offset: error.offset };
      }
      return undefined;
    };
    expect(codecError(new TextEncoder().encode('{"header":'))).toEqual({
      code: "invalid_json",
      offset: 20,
    });
    expect(codecError(new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22]))).toEqual({
      code: "invalid_utf8",
      offset: 12,
    });
  });
});
