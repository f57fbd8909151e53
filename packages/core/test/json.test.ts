import { readFileSync } from "node:fs";
import {
  type AttributeValue,
  base64ToBytes,
  bytesToBase64,
  DEFAULT_LIMITS,
  DecodeBudget,
  type Envelope,
  envelopeFromJson,
  isEnvelopeError,
  type JsonObject,
  type JsonValue,
  jsonCodec,
  MAX_DEPTH_CEILING,
  resolveLimits,
  toJson,
  UnknownValue,
  valueToJson,
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
    const spec = readFileSync(new URL("../../../docs/spec.md", import.meta.url), "utf8");
    const section = spec.slice(spec.indexOf("## Codec: JSON"), spec.indexOf("## Codec: CBOR"));
    const block = section.slice(section.indexOf("### Example"));
    const from = block.indexOf("```json\n") + 8;
    const text = block.slice(from, block.indexOf("\n```", from));
    expect(JSON.parse(text)).toEqual(SPEC_EXAMPLE);
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

/** Decodes JSON text through the codec; returns the envelope or the error's code and location. */
function readText(text: string, limits = DEFAULT_LIMITS) {
  try {
    return {
      envelope: jsonCodec.decodeEnvelope(
        new TextEncoder().encode(text),
        new DecodeBudget(limits),
        0,
      ),
    };
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return {
      error: {
        code: error.code,
        ...(error.path === undefined ? {} : { path: error.path }),
        ...(error.offset === undefined ? {} : { offset: error.offset }),
        length: error.message.length,
      },
    };
  }
}

const HEADER_TEXT = JSON.stringify(SPEC_EXAMPLE.header);
const attributeText = (valueText: string) =>
  `{"header":${HEADER_TEXT},"body":{"attributes":[{"key":"k","value":${valueText}}]}}`;
const attributeOf = (valueText: string) => {
  const read = readText(attributeText(valueText));
  return read.envelope === undefined ? read.error : read.envelope.body.attributes.get("k");
};
const headerWith = (patch: Record<string, string>) => {
  let text = HEADER_TEXT;
  for (const [from, to] of Object.entries(patch)) text = text.replace(from, to);
  return readText(`{"header":${text},"body":{}}`);
};

describe("JSON mapping: integers (docs/spec.md, Codec: JSON)", () => {
  test.each([
    ['{"intValue":"42"}', 42n],
    ['{"intValue":"-0"}', 0n],
    ['{"intValue":42}', 42n],
    ['{"intValue":42.0}', 42n],
    ['{"intValue":4.2e1}', 42n],
    ['{"intValue":4200e-2}', 42n],
    ['{"intValue":-9007199254740991}', -9007199254740991n],
  ])("%s reads as %s", (text, value) => {
    expect(attributeOf(text)).toBe(value);
  });

  test.each([
    ['{"intValue":"4.2e1"}', "invalid_json"],
    ['{"intValue":"42.0"}', "invalid_json"],
    ['{"intValue":" 42"}', "invalid_json"],
    ['{"intValue":""}', "invalid_json"],
    ['{"intValue":4.5}', "invalid_json"],
    ['{"intValue":9007199254740992}', "invalid_json"],
    ['{"intValue":true}', "invalid_json"],
    ['{"intValue":"9223372036854775808"}', "invalid_value"],
  ])("%s -> %s", (text, code) => {
    expect(attributeOf(text)).toMatchObject({ code, path: "body.attributes[0].value.intValue" });
  });

  test("a huge integer string is refused without converting it, and quoted only in part", () => {
    const digits = "9".repeat(1_000_000);
    const error = attributeOf(`{"intValue":"${digits}"}`);
    expect(error).toMatchObject({ code: "invalid_value" });
    expect((error as { length: number }).length).toBeLessThan(200);
    const bad = attributeOf(`{"intValue":"${digits}x"}`);
    expect(bad).toMatchObject({ code: "invalid_json" });
    expect((bad as { length: number }).length).toBeLessThan(200);
  });

  test("the same rule for timeUnixNano, traceFlags and status.code", () => {
    expect(headerWith({ '"1700000000000000000"': "17e17" }).error).toMatchObject({
      code: "invalid_json",
      path: "header.timeUnixNano",
    });
    expect(headerWith({ '"1700000000000000000"': "1e15" }).envelope?.header.timeUnixNano).toBe(
      10n ** 15n,
    );
    expect(
      headerWith({ '"traceFlags":1': '"traceFlags":"1"' }).envelope?.header.trace?.traceFlags,
    ).toBe(1);
    expect(
      headerWith({ '"traceFlags":1': '"traceFlags":1.0' }).envelope?.header.trace?.traceFlags,
    ).toBe(1);
    expect(headerWith({ '"traceFlags":1': '"traceFlags":"1e0"' }).error).toMatchObject({
      code: "invalid_json",
      path: "header.trace.traceFlags",
    });
    expect(headerWith({ '"code":1': '"code":"2"' }).envelope?.header.status?.code).toBe(2);
  });
});

describe("JSON mapping: enum names are read (docs/spec.md, Codec: JSON)", () => {
  test.each([
    ["STATUS_CODE_UNSET", 0],
    ["STATUS_CODE_OK", 1],
    ["STATUS_CODE_ERROR", 2],
  ])("%s reads as %s", (name, code) => {
    expect(headerWith({ '"code":1': `"code":"${name}"` }).envelope?.header.status?.code).toBe(code);
  });

  test.each([
    "ERROR",
    "status_code_error",
    "STATUS_CODE_ERROR ",
    "constructor",
  ])("%s is refused", (name) => {
    expect(headerWith({ '"code":1': `"code":"${name}"` }).error).toMatchObject({
      code: "invalid_value",
      path: "header.status.code",
    });
  });

  test("writers write the integer", () => {
    expect((toJson(sample()).header as JsonObject).status).toEqual({ code: 1 });
  });
});

describe("JSON mapping: doubles in strings (docs/spec.md, Codec: JSON)", () => {
  test.each([
    ['{"doubleValue":"1e3"}', 1000],
    ['{"doubleValue":"-2.5"}', -2.5],
    ['{"doubleValue":"-0"}', -0],
    ['{"doubleValue":1e3}', 1000],
    ['{"doubleValue":"NaN"}', Number.NaN],
  ])("%s reads as %s", (text, value) => {
    expect(Object.is(attributeOf(text), value)).toBe(true);
  });

  test.each([
    ['{"doubleValue":"1e400"}', "invalid_json"],
    ['{"doubleValue":"+1"}', "invalid_json"],
    ['{"doubleValue":"0x10"}', "invalid_json"],
    ['{"doubleValue":"inf"}', "invalid_json"],
  ])("%s -> %s", (text, code) => {
    expect(attributeOf(text)).toMatchObject({ code, path: "body.attributes[0].value.doubleValue" });
  });

  test("a number beyond a double is refused while parsing", () => {
    const text = attributeText('{"doubleValue":1e400}');
    expect(readText(text).error).toMatchObject({
      code: "invalid_json",
      offset: text.indexOf("1e400"),
    });
  });
});

describe("JSON mapping: the value oneof (docs/spec.md, Codec: JSON)", () => {
  test("the set member is always written, defaults included", () => {
    expect(valueToJson(false)).toEqual({ boolValue: false });
    expect(valueToJson(0n)).toEqual({ intValue: "0" });
    expect(valueToJson("")).toEqual({ stringValue: "" });
    expect(valueToJson(0)).toEqual({ doubleValue: 0 });
    expect(valueToJson(new Uint8Array(0))).toEqual({ bytesValue: "" });
    expect(valueToJson([])).toEqual({ arrayValue: {} });
    expect(valueToJson(new Map())).toEqual({ kvlistValue: {} });
  });

  test.each([
    ["{}", { code: "invalid_value" }],
    ['{"boolValue":null}', { code: "invalid_value" }],
    ['{"boolValue":false,"stringValue":""}', { code: "invalid_json" }],
    ['{"boolValue":false,"stringValue":null}', false],
    ['{"arrayValue":{}}', []],
    ['{"kvlistValue":{"values":[]}}', new Map()],
    ['{"futureValue":{"x":1}}', new UnknownValue("json", [["futureValue", { x: 1 }]])],
  ])("%s", (text, expected) => {
    const got = attributeOf(text);
    if (typeof expected === "object" && "code" in expected) {
      expect(got).toMatchObject({ ...expected, path: "body.attributes[0].value" });
    } else expect(got).toEqual(expected);
  });
});

describe("JSON mapping: duplicates, text and Unicode (docs/spec.md, Codec: JSON)", () => {
  test("a member name twice in one object is invalid_json, with the byte offset", () => {
    const text = `{"header":${HEADER_TEXT},"body":{},"body":{}}`;
    expect(readText(text).error).toMatchObject({
      code: "invalid_json",
      offset: text.lastIndexOf('"body"'),
    });
    expect(attributeOf('{"boolValue":true,"boolValue":false}')).toMatchObject({
      code: "invalid_json",
    });
  });

  test("an attribute key twice in one list is duplicate_key", () => {
    const text = `{"header":${HEADER_TEXT},"body":{"attributes":[{"key":"a","value":{"boolValue":true}},{"key":"a","value":{"boolValue":true}}]}}`;
    expect(readText(text).error).toMatchObject({
      code: "duplicate_key",
      path: "body.attributes[1]",
    });
  });

  test("a byte order mark before the text is invalid_json at byte 0", () => {
    expect(readText(`\ufeff{"header":${HEADER_TEXT},"body":{}}`).error).toMatchObject({
      code: "invalid_json",
      offset: 0,
    });
  });

  test("U+FEFF inside strings is kept, written raw or escaped", () => {
    expect(attributeOf('{"stringValue":"\ufeffa"}')).toBe("\ufeffa");
    expect(attributeOf('{"stringValue":"\\ufeffa"}')).toBe("\ufeffa");
  });

  test("a lone surrogate is invalid_utf8, on read and on write", () => {
    expect(attributeOf('{"stringValue":"\\udfff"}')).toMatchObject({ code: "invalid_utf8" });
    const e = sample();
    e.body.attributes.set("bad", "a\ud800");
    expect(() => jsonCodec.encodeEnvelope(e)).toThrow(/\[invalid_utf8\]/);
    e.body.attributes.set("bad", "\\ud800 is only text");
    expect(jsonCodec.encodeEnvelope(e).length).toBeGreaterThan(0);
  });

  test("writers of the same envelope may differ in key order and number form; readers agree", () => {
    const reordered = `{"body":{"attributes":[{"value":{"doubleValue":1.0},"key":"latency_ms"}]},"header":${HEADER_TEXT}}`;
    const plain = `{"header":${HEADER_TEXT},"body":{"attributes":[{"key":"latency_ms","value":{"doubleValue":1}}]}}`;
    expect(readText(reordered).envelope).toEqual(readText(plain).envelope);
  });
});

describe("JSON mapping: limits count UTF-8 bytes and unknown data", () => {
  // The longest string of the example header has 32 bytes, its longest member name 12.
  test("maxStringLength counts UTF-8 bytes", () => {
    const limits = resolveLimits({ maxStringLength: 32 });
    const s = (n: number) => attributeText(`{"stringValue":"${"é".repeat(n)}"}`);
    expect(readText(s(16), limits).envelope).toBeDefined();
    expect(readText(s(17), limits).error).toMatchObject({
      code: "limit_exceeded",
      path: "body.attributes[0].value.stringValue",
    });
  });

  test("maxKeyLength bounds attribute keys, namespaces and member names", () => {
    const limits = resolveLimits({ maxKeyLength: 12 });
    const key = (k: string) =>
      readText(
        `{"header":${HEADER_TEXT},"body":{"attributes":[{"key":"${k}","value":{"boolValue":true}}]}}`,
        limits,
      );
    expect(key("abcdefghijkl").envelope).toBeDefined();
    expect(key("abcdefghijké").error).toMatchObject({
      code: "limit_exceeded",
      path: "body.attributes[0].key",
    });
    const ns = `{"header":${HEADER_TEXT},"body":{"extensions":[{"namespace":"abcdefghijklm","version":"1.0.0"}]}}`;
    expect(readText(ns, limits).error).toMatchObject({
      code: "limit_exceeded",
      path: "body.extensions[0].namespace",
    });
    const member = `{"header":${HEADER_TEXT},"body":{"abcdefghijklm":1}}`;
    expect(readText(member, limits).error).toMatchObject({
      code: "limit_exceeded",
      offset: member.indexOf('"abcdefghijklm"'),
    });
  });

  test("unknown keys and values count as entries and nest like attribute values", () => {
    const text = (extra: string) => `{"header":${HEADER_TEXT},"body":{},"x":${extra}}`;
    expect(readText(text("[1,2]"), resolveLimits({ maxAttributes: 3 })).envelope).toBeDefined();
    expect(readText(text("[1,2,3]"), resolveLimits({ maxAttributes: 3 })).error).toMatchObject({
      code: "limit_exceeded",
      path: "x",
    });
    expect(readText(text("[[1]]"), resolveLimits({ maxDepth: 2 })).envelope).toBeDefined();
    expect(readText(text("[[[1]]]"), resolveLimits({ maxDepth: 2 })).error).toMatchObject({
      code: "limit_exceeded",
      path: "x",
    });
    expect(
      readText(text(`["${"é".repeat(17)}"]`), resolveLimits({ maxStringLength: 32 })).error,
    ).toMatchObject({
      code: "limit_exceeded",
      path: "x",
    });
    // An unknown kind inside an attribute value nests on top of its depth.
    const nested = `{"arrayValue":{"values":[{"futureValue":[1]}]}}`;
    expect(attributeOf(nested)).toEqual([new UnknownValue("json", [["futureValue", [1]]])]);
    expect(readText(attributeText(nested), resolveLimits({ maxDepth: 1 })).error).toMatchObject({
      code: "limit_exceeded",
    });
  });

  test("extensions count as entries", () => {
    const ext = '{"namespace":"a","version":"1.0.0"},{"namespace":"b","version":"1.0.0"}';
    const text = `{"header":${HEADER_TEXT},"body":{"extensions":[${ext}]}}`;
    expect(readText(text, resolveLimits({ maxAttributes: 2 })).envelope).toBeDefined();
    expect(readText(text, resolveLimits({ maxAttributes: 1 })).error).toMatchObject({
      code: "limit_exceeded",
      path: "body.extensions[1]",
    });
  });
});

describe("toJson throws only EnvelopeError", () => {
  test("a value nested deeper than MAX_DEPTH_CEILING, or circular, is limit_exceeded", () => {
    const e = sample();
    let deep: AttributeValue = [];
    for (let i = 0; i < 300; i++) deep = [deep];
    e.body.attributes.set("deep", deep);
    expect(() => toJson(e)).toThrow(/\[limit_exceeded\]/);
    const loop: AttributeValue[] = [];
    loop.push(loop);
    e.body.attributes.set("deep", loop);
    expect(() => toJson(e)).toThrow(/\[limit_exceeded\]/);
    let ok: AttributeValue = [];
    for (let i = 1; i < MAX_DEPTH_CEILING; i++) ok = [ok];
    e.body.attributes.set("deep", ok);
    expect(() => toJson(e)).not.toThrow();
  });

  test("kept unknown data that is not JSON is refused", () => {
    const e = sample();
    e.header.$unknown = { codec: "json", data: [["x", 1n]] };
    expect(() => toJson(e)).toThrow(/\[invalid_json\]/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    e.header.$unknown = { codec: "json", data: [["x", cycle]] };
    expect(() => toJson(e)).toThrow(/\[invalid_json\]/);
    e.header.$unknown = { codec: "json", data: "not pairs" };
    expect(() => toJson(e)).toThrow(/\[invalid_value\]/);
  });

  test("a hand-made model missing fields (encoded without validation) is written without them, not a TypeError", () => {
    // As the protobuf and CBOR writers do: an absent field is a default, omitted.
    const e = sample();
    const header = e.header as unknown as Record<string, unknown>;
    for (const key of ["schema", "eventId", "timeUnixNano", "producer", "resource"])
      delete header[key];
    const body = e.body as unknown as Record<string, unknown>;
    delete body.attributes;
    delete (e.body.extensions[0] as unknown as Record<string, unknown>).namespace;
    expect(JSON.stringify(toJson(e))).toBe(
      JSON.stringify({
        header: { trace: SPEC_EXAMPLE.header.trace, status: SPEC_EXAMPLE.header.status },
        body: {
          extensions: [
            { version: "1.0.0", attributes: SPEC_EXAMPLE.body.extensions[0]!.attributes },
          ],
        },
      }),
    );
  });
});

describe("JSON at the deepest maxDepth a caller may set", () => {
  test(`values of depth ${MAX_DEPTH_CEILING} in maps read and write without a RangeError; one deeper is limit_exceeded`, () => {
    const limits = resolveLimits({ maxDepth: MAX_DEPTH_CEILING });
    const nested = (depth: number) => {
      let v = '{"boolValue":true}';
      for (let i = 0; i < depth; i++) v = `{"kvlistValue":{"values":[{"key":"k","value":${v}}]}}`;
      return attributeText(v);
    };
    const read = readText(nested(MAX_DEPTH_CEILING), limits).envelope;
    expect(read).toBeDefined();
    const text = new TextDecoder().decode(jsonCodec.encodeEnvelope(read!));
    expect(readText(text, limits).envelope).toEqual(read);
    expect(readText(nested(MAX_DEPTH_CEILING + 1), limits).error).toMatchObject({
      code: "limit_exceeded",
    });
  });
});
