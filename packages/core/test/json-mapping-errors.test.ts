// What the JSON mapping says about each wrong field: the code, the path and
// the words a debugging engineer reads (docs/spec.md, "Codec: JSON").
import { describe, expect, test } from "vitest";
import {
  DEFAULT_LIMITS,
  DecodeBudget,
  envelopeFromJson,
  type JsonValue,
  type Limits,
  resolveLimits,
} from "../src/index.js";
import { thrown } from "./thrown.js";

const HEADER = {
  schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
  eventId: "0af7651916cd43dd8448eb211c80319c",
  timeUnixNano: "1700000000000000000",
  producer: { language: "go", version: "0.1.0" },
  resource: { serviceName: "auth" },
};
const TRACE = { traceId: "4bf92f3577b34da6a3ce929d0e0e4736", spanId: "00f067aa0ba902b7" };
const withHeader = (patch: object) => ({ header: { ...HEADER, ...patch }, body: {} });
const withBody = (body: object) => ({ header: HEADER, body });
const withValue = (value: unknown) => withBody({ attributes: [{ key: "k", value }] });
const V = "body.attributes[0].value";
const NUMBER_WORDS =
  'expected a number, a number in a string, or "NaN", "Infinity", "-Infinity", got';

const read = (value: unknown, limits: Limits = DEFAULT_LIMITS) =>
  envelopeFromJson(value as JsonValue, new DecodeBudget(limits));

describe("a wrong field is named with its path", () => {
  test.each<[string, unknown, string, string, string]>([
    ["null", null, "invalid_json", "", "expected an object, got null"],
    ["no header", { header: null, body: {} }, "missing_field", "header", "envelope has no header"],
    [
      "a header array",
      { header: [], body: {} },
      "invalid_json",
      "header",
      "expected an object, got array",
    ],
    [
      "a header string",
      { header: "x", body: {} },
      "invalid_json",
      "header",
      "expected an object, got string",
    ],
    [
      "a body number",
      { header: HEADER, body: 1 },
      "invalid_json",
      "body",
      "expected an object, got number",
    ],
    [
      "a schema type that is a number",
      withHeader({ schema: { type: 1, subtype: "s", version: "1.0.0" } }),
      "invalid_json",
      "header.schema.type",
      "expected a string, got number",
    ],
    [
      "an event id number",
      withHeader({ eventId: 5 }),
      "invalid_json",
      "header.eventId",
      "expected a hex string, got number",
    ],
    [
      "a time that is a boolean",
      withHeader({ timeUnixNano: true }),
      "invalid_json",
      "header.timeUnixNano",
      "expected an integer (number or decimal string), got boolean",
    ],
    [
      "a negative time",
      withHeader({ timeUnixNano: "-1" }),
      "invalid_value",
      "header.timeUnixNano",
      "-1 is out of range",
    ],
    [
      "a time past uint64",
      withHeader({ timeUnixNano: "18446744073709551616" }),
      "invalid_value",
      "header.timeUnixNano",
      "18446744073709551616 is out of range",
    ],
    [
      "a time of 2^53 as a number",
      withHeader({ timeUnixNano: 2 ** 53 }),
      "invalid_json",
      "header.timeUnixNano",
      "9007199254740992 is beyond ±(2^53-1); write large integers as decimal strings",
    ],
    [
      "a time with a letter",
      withHeader({ timeUnixNano: "12a" }),
      "invalid_json",
      "header.timeUnixNano",
      '"12a" is not a decimal integer',
    ],
    [
      "a status name that does not exist",
      withHeader({ status: { code: "BAD" } }),
      "invalid_value",
      "header.status.code",
      '"BAD" is not a StatusCode name (STATUS_CODE_UNSET, STATUS_CODE_OK, STATUS_CODE_ERROR)',
    ],
    [
      "a negative status",
      withHeader({ status: { code: -1 } }),
      "invalid_value",
      "header.status.code",
      "-1 is out of range",
    ],
    [
      "a status past int32",
      withHeader({ status: { code: 2 ** 31 } }),
      "invalid_value",
      "header.status.code",
      "2147483648 is out of range",
    ],
    [
      "trace flags past uint32",
      withHeader({ trace: { ...TRACE, traceFlags: 2 ** 32 } }),
      "invalid_value",
      "header.trace.traceFlags",
      "4294967296 is out of range",
    ],
    [
      "attributes as an object",
      withBody({ attributes: {} }),
      "invalid_json",
      "body.attributes",
      "expected an array, got object",
    ],
    [
      "an attribute that is an array",
      withBody({ attributes: [[]] }),
      "invalid_json",
      "body.attributes[0]",
      "expected an object, got array",
    ],
    [
      "an attribute without a value",
      withBody({ attributes: [{ key: "k" }] }),
      "invalid_value",
      V,
      "attribute has no value",
    ],
    [
      "an attribute with a null value",
      withBody({ attributes: [{ key: "k", value: null }] }),
      "invalid_value",
      V,
      "attribute has no value",
    ],
    [
      "a key that is a number",
      withBody({ attributes: [{ key: 1, value: { boolValue: true } }] }),
      "invalid_json",
      "body.attributes[0].key",
      "expected a string, got number",
    ],
    [
      "a value that is a string",
      withValue("x"),
      "invalid_json",
      V,
      "expected an object, got string",
    ],
    [
      "a stringValue number",
      withValue({ stringValue: 1 }),
      "invalid_json",
      `${V}.stringValue`,
      "expected a string, got number",
    ],
    [
      "a null boolValue (no value)",
      withValue({ boolValue: null }),
      "invalid_value",
      V,
      "AnyValue has no value",
    ],
    [
      "a boolValue number",
      withValue({ boolValue: 1 }),
      "invalid_json",
      `${V}.boolValue`,
      "expected a boolean, got number",
    ],
    [
      "an intValue boolean",
      withValue({ intValue: true }),
      "invalid_json",
      `${V}.intValue`,
      "expected an integer (number or decimal string), got boolean",
    ],
    [
      "an intValue fraction",
      withValue({ intValue: 1.5 }),
      "invalid_json",
      `${V}.intValue`,
      "1.5 is not an integer",
    ],
    [
      "an intValue with an exponent",
      withValue({ intValue: "1e3" }),
      "invalid_json",
      `${V}.intValue`,
      '"1e3" is not a decimal integer',
    ],
    [
      "an intValue below int64",
      withValue({ intValue: "-9223372036854775809" }),
      "invalid_value",
      `${V}.intValue`,
      "-9223372036854775809 is out of range",
    ],
    [
      "a doubleValue object",
      withValue({ doubleValue: {} }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} object`,
    ],
    [
      "a doubleValue boolean",
      withValue({ doubleValue: true }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} boolean`,
    ],
    [
      "a doubleValue past the doubles",
      withValue({ doubleValue: "1e400" }),
      "invalid_json",
      `${V}.doubleValue`,
      '"1e400" is beyond the range of a double',
    ],
    [
      "a doubleValue '1.'",
      withValue({ doubleValue: "1." }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} "1."`,
    ],
    [
      "a doubleValue '1e'",
      withValue({ doubleValue: "1e" }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} "1e"`,
    ],
    [
      "a doubleValue '1e+'",
      withValue({ doubleValue: "1e+" }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} "1e+"`,
    ],
    [
      "a doubleValue '1ex'",
      withValue({ doubleValue: "1ex5" }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} "1ex5"`,
    ],
    [
      "a doubleValue '01'",
      withValue({ doubleValue: "01" }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} "01"`,
    ],
    [
      "a doubleValue '1a'",
      withValue({ doubleValue: "1a" }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} "1a"`,
    ],
    [
      "a doubleValue ' 1'",
      withValue({ doubleValue: " 1" }),
      "invalid_json",
      `${V}.doubleValue`,
      `${NUMBER_WORDS} " 1"`,
    ],
    [
      "a bytesValue number",
      withValue({ bytesValue: 1 }),
      "invalid_json",
      `${V}.bytesValue`,
      "expected a base64 string, got number",
    ],
    [
      "an arrayValue number",
      withValue({ arrayValue: 1 }),
      "invalid_json",
      `${V}.arrayValue`,
      "expected an object, got number",
    ],
    [
      "arrayValue values as an object",
      withValue({ arrayValue: { values: {} } }),
      "invalid_json",
      `${V}.arrayValue.values`,
      "expected an array, got object",
    ],
    [
      "a bad array element",
      withValue({ arrayValue: { values: [{ stringValue: "a" }, { boolValue: 2 }] } }),
      "invalid_json",
      `${V}.arrayValue.values[1].boolValue`,
      "expected a boolean, got number",
    ],
    [
      "a bad value in a kvlist",
      withValue({ kvlistValue: { values: [{ key: "a", value: { intValue: "x" } }] } }),
      "invalid_json",
      `${V}.kvlistValue.values[0].value.intValue`,
      '"x" is not a decimal integer',
    ],
    [
      "a key twice in a kvlist",
      withValue({
        kvlistValue: {
          values: [
            { key: "a", value: { boolValue: true } },
            { key: "a", value: { boolValue: true } },
          ],
        },
      }),
      "duplicate_key",
      `${V}.kvlistValue.values[1]`,
      'key "a" appears twice',
    ],
    [
      "two kinds in one AnyValue",
      withValue({ stringValue: "a", intValue: "1" }),
      "invalid_json",
      V,
      "AnyValue has both stringValue and intValue",
    ],
    ["an empty AnyValue", withValue({}), "invalid_value", V, "AnyValue has no value"],
    [
      "extensions as an object",
      withBody({ extensions: {} }),
      "invalid_json",
      "body.extensions",
      "expected an array, got object",
    ],
    [
      "a namespace that is a number",
      withBody({ extensions: [{ namespace: 1, version: "1.0.0" }] }),
      "invalid_json",
      "body.extensions[0].namespace",
      "expected a string, got number",
    ],
  ])("%s", (_label, value, code, path, detail) => {
    const e = thrown(() => read(value));
    expect({ code: e.code, path: e.path, detail: e.detail }).toEqual({ code, path, detail });
  });
});

describe("what proto3 JSON reads as absent or default", () => {
  test("a key null or absent is the empty key, so two of them are a duplicate", () => {
    expect(
      read(withBody({ attributes: [{ key: null, value: { boolValue: true } }] })).body.attributes,
    ).toEqual(new Map([["", true]]));
    expect(
      read(withBody({ attributes: [{ value: { boolValue: false } }] })).body.attributes,
    ).toEqual(new Map([["", false]]));
    const e = thrown(() =>
      read(
        withBody({
          attributes: [{ key: null, value: { boolValue: true } }, { value: { boolValue: true } }],
        }),
      ),
    );
    expect({ code: e.code, path: e.path, detail: e.detail }).toEqual({
      code: "duplicate_key",
      path: "body.attributes[1]",
      detail: 'key "" appears twice',
    });
  });

  test.each<[string, unknown, unknown]>([
    ["an arrayValue without values", { arrayValue: {} }, []],
    ["an arrayValue with null values", { arrayValue: { values: null } }, []],
    ["a kvlistValue without values", { kvlistValue: {} }, new Map()],
    ["a kvlistValue with null values", { kvlistValue: { values: null } }, new Map()],
    ["a doubleValue string", { doubleValue: "1.25E-2" }, 0.0125],
    ["a doubleValue with a signed exponent", { doubleValue: "1e+5" }, 100000],
    ["a doubleValue of ten", { doubleValue: "10" }, 10],
    ["a doubleValue -0", { doubleValue: "-0" }, -0],
    ["a doubleValue NaN", { doubleValue: "NaN" }, Number.NaN],
    ["a doubleValue -Infinity", { doubleValue: "-Infinity" }, Number.NEGATIVE_INFINITY],
    ["an intValue at int64's minimum", { intValue: "-9223372036854775808" }, -9223372036854775808n],
    ["an intValue 1.0", { intValue: 1.0 }, 1n],
  ])("%s", (_label, value, expected) => {
    expect(read(withValue(value)).body.attributes.get("k")).toEqual(expected);
  });

  test("a time of uint64's maximum, a status by name and by number string", () => {
    expect(read(withHeader({ timeUnixNano: "18446744073709551615" })).header.timeUnixNano).toBe(
      18446744073709551615n,
    );
    expect(read(withHeader({ status: { code: "STATUS_CODE_ERROR" } })).header.status?.code).toBe(2);
    expect(read(withHeader({ status: { code: "2" } })).header.status?.code).toBe(2);
  });
});

describe("limits in the JSON mapping", () => {
  const bytes = (text: string) => withValue({ bytesValue: text });
  const eight = resolveLimits({ maxBytesLength: 8 });

  test("a bytes value of exactly maxBytesLength bytes is read", () => {
    expect(read(bytes("AAAAAAAAAAA"), eight).body.attributes.get("k")).toEqual(new Uint8Array(8));
  });

  test.each([
    ["9 bytes", "AAAAAAAAAAAA", 9],
    ["11 bytes (15 characters, within the text bound)", "AAAAAAAAAAAAAAA", 11],
  ])("%s: refused after decoding, with the exact length", (_label, text, n) => {
    const e = thrown(() => read(bytes(text), eight));
    expect(e.code).toBe("limit_exceeded");
    expect(e.path).toBe(`${V}.bytesValue`);
    expect(e.detail).toBe(`a bytes value of ${n} bytes is longer than maxBytesLength (8)`);
  });

  test("a text longer than any value within the limit is refused before decoding", () => {
    // ceil(8 * 4 / 3) + 4 = 15 characters at most.
    const e = thrown(() => read(bytes("A".repeat(16)), eight));
    expect(e.code).toBe("limit_exceeded");
    expect(e.detail).toBe("a base64 text of 16 characters is longer than maxBytesLength (8 bytes)");
    // Not even base64: the length decides first.
    expect(thrown(() => read(bytes("*".repeat(16)), eight)).code).toBe("limit_exceeded");
  });

  test("unknown members nest and count like attribute values", () => {
    const two = resolveLimits({ maxDepth: 2 });
    expect(read({ header: HEADER, body: {}, x: [[1]] }, two).$unknown).toEqual({
      codec: "json",
      data: [["x", [[1]]]],
    });
    for (const x of [[[[1]]], { a: { b: { c: 1 } } }]) {
      const e = thrown(() => read({ header: HEADER, body: {}, x }, two));
      expect({ code: e.code, path: e.path, detail: e.detail }).toEqual({
        code: "limit_exceeded",
        path: "x",
        detail: "value nested deeper than 2",
      });
    }
  });

  test("a kvlist nested past maxDepth names the kvlist", () => {
    const value = {
      kvlistValue: { values: [{ key: "a", value: { kvlistValue: { values: [] } } }] },
    };
    expect(read(withValue(value), resolveLimits({ maxDepth: 2 })).body.attributes.get("k")).toEqual(
      new Map([["a", new Map()]]),
    );
    const e = thrown(() => read(withValue(value), resolveLimits({ maxDepth: 1 })));
    expect({ code: e.code, path: e.path, detail: e.detail }).toEqual({
      code: "limit_exceeded",
      path: `${V}.kvlistValue.values[0].value.kvlistValue`,
      detail: "value nested deeper than 1",
    });
  });
});
