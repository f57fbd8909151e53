// Reading side of the CBOR mapping: round trips, what a strict reader accepts
// and rejects (codes, paths, offsets), limits, unknown keys.
import { cborCodec, checkCborWellFormed, createCborCodec, decodeCborItem } from "@envelope/cbor";
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
  isEnvelopeError,
  MAX_DEPTH_CEILING,
} from "@envelope/core";
import { Encoder } from "cbor-x";
import { describe, expect, test } from "vitest";
import {
  budget,
  expectError,
  fromHex,
  fullEnvelope,
  minimalEnvelope,
  thrown,
  toHex,
} from "./helpers.js";

const deterministic = createCborCodec({ deterministic: true });

// cbor-x with the standard RFC 8949 options, to build test inputs.
const std = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  variableMapSize: true,
  ...({ useTag259ForMaps: false } as object),
});
const cbor = (value: unknown): Uint8Array => Uint8Array.from(std.encode(value) as Uint8Array);
const m = (...entries: Array<[unknown, unknown]>) => new Map(entries);

const decodeEnvelope = (bytes: Uint8Array, limits?: Parameters<typeof budget>[0]) =>
  cborCodec.decodeEnvelope(bytes, budget(limits), 0);
const decodeHeader = (bytes: Uint8Array, limits?: Parameters<typeof budget>[0]) =>
  cborCodec.decodeHeader(bytes, budget(limits), 0);
const decodeBody = (bytes: Uint8Array, limits?: Parameters<typeof budget>[0]) =>
  cborCodec.decodeBody(bytes, budget(limits), 0);

/** Key order of every attribute map, recursively (toEqual ignores Map order). */
function keyOrder(value: AttributeValue | Attributes): unknown {
  if (value instanceof Map) return [...value].map(([k, v]) => [k, keyOrder(v)]);
  if (Array.isArray(value)) return value.map(keyOrder);
  return null;
}

describe("round trips", () => {
  test.each([
    ["minimal", minimalEnvelope],
    ["full", fullEnvelope],
  ])("%s envelope, unframed and as sections", (_, make) => {
    const e = make();
    const back = decodeEnvelope(cborCodec.encodeEnvelope(e));
    expect(back).toEqual(e);
    expect(keyOrder(back.body.attributes)).toEqual(keyOrder(e.body.attributes));
    expect(decodeHeader(cborCodec.encodeHeader(e.header))).toEqual(e.header);
    expect(decodeBody(cborCodec.encodeBody(e.body))).toEqual(e.body);
  });

  test("every kind keeps its type: 1.0 stays a number, 1 an int64, NaN and -0 survive", () => {
    const body = decodeBody(cborCodec.encodeBody(fullEnvelope().body));
    const a = body.attributes;
    expect(a.get("latency_ms")).toBe(1);
    expect(a.get("attempts")).toBe(3n);
    expect(a.get("big")).toBe(-(2n ** 63n));
    expect(a.get("nan")).toBeNaN();
    expect(Object.is(a.get("neg_zero"), -0)).toBe(true);
    expect(a.get("blob")).toBeInstanceOf(Uint8Array);
    expect(a.get("empty_bytes")).toEqual(new Uint8Array(0));
    expect(a.get("empty_string")).toBe("");
  });

  test("decoded bytes are copies, not views of the input", () => {
    const bytes = cborCodec.encodeEnvelope(fullEnvelope());
    const e = decodeEnvelope(bytes);
    bytes.fill(0);
    expect(e.header.eventId[0]).toBe(1);
    expect(e.header.eventId.buffer).not.toBe(bytes.buffer);
  });

  test("long and non-ASCII strings, keys and values", () => {
    const attributes: Attributes = new Map<string, AttributeValue>([
      ["k".repeat(100), "v".repeat(5000)],
      ["ключ", "значение"],
      ["emoji 🎉".repeat(10), "🎉".repeat(100)],
      ["\ufeffbom", "\ufeff leading BOM is kept"],
      ["mixed", `${"a".repeat(40)}é${"b".repeat(40)}`],
    ]);
    const back = decodeBody(cborCodec.encodeBody({ attributes, extensions: [] }));
    expect([...back.attributes]).toEqual([...attributes]);
  });
});

describe("a strict reader still accepts any well-formed encoding of the mapping", () => {
  test("indefinite-length maps, arrays and chunked strings", () => {
    // {_ 1: {_ "a": (_ "x", "y"), "b": (_ h'01', h'02'), "c": [_ 1, 2]}, 2: [_ ]}
    const body = decodeBody(
      fromHex("bf 01 bf 6161 7f61786179ff 6162 5f41014102ff 6163 9f0102ff ff 02 9fff ff"),
    );
    expect(body).toEqual({
      attributes: new Map<string, AttributeValue>([
        ["a", "xy"],
        ["b", Uint8Array.of(1, 2)],
        ["c", [1n, 2n]],
      ]),
      extensions: [],
    });
  });

  test("non-shortest heads for keys, lengths and integers", () => {
    // {1 (as 0x1801): {"a" (length as 0x7801): 1 (as 0x1a00000001)}}
    expect(decodeBody(fromHex("a1 1801 a1 780161 1a00000001")).attributes).toEqual(
      new Map([["a", 1n]]),
    );
  });

  test("float16 and float32 decode to numbers", () => {
    const body = decodeBody(fromHex("a1 01 a3 6168 f93c00 6173 fa3fc00000 616e f97e00"));
    expect(body.attributes.get("h")).toBe(1);
    expect(body.attributes.get("s")).toBe(1.5);
    expect(body.attributes.get("n")).toBeNaN();
  });

  test("keys in any order and explicitly written defaults", () => {
    const header = decodeHeader(
      cbor(
        m(
          [7, m([1, 0], [2, ""])],
          [3, 0],
          [2, new Uint8Array(0)],
          [
            5,
            m(
              [4, 0],
              [3, new Uint8Array(0)],
              [5, ""],
              [2, new Uint8Array(0)],
              [1, new Uint8Array(0)],
            ),
          ],
          [1, m([3, ""], [2, ""], [1, ""])],
        ),
      ),
    );
    expect(header).toEqual({
      eventId: new Uint8Array(0),
      timeUnixNano: 0n,
      status: { code: 0, message: "" },
      trace: { traceId: new Uint8Array(0), spanId: new Uint8Array(0), traceFlags: 0 },
      schema: { type: "", subtype: "", version: "" },
    });
    // Empty parent span id and trace state mean absent.
    expect("parentSpanId" in header.trace!).toBe(false);
    expect("traceState" in header.trace!).toBe(false);
  });

  test("absent required messages stay absent for validation to report (as the JSON codec does)", () => {
    const header = decodeHeader(fromHex("a0"));
    expect(header.schema).toBeUndefined();
    expect(header.producer).toBeUndefined();
    expect(header.resource).toBeUndefined();
    expect(decodeEnvelope(fromHex("a1 01 a0")).body).toEqual({
      attributes: new Map(),
      extensions: [],
    });
  });

  test("status codes this version does not name are kept", () => {
    expect(decodeHeader(cbor(m([7, m([1, 7])]))).status).toEqual({ code: 7, message: "" });
  });

  test("the largest time and flags", () => {
    const header = decodeHeader(fromHex("a2 03 1bffffffffffffffff 05 a1 04 1affffffff"));
    expect(header.timeUnixNano).toBe(2n ** 64n - 1n);
    expect(header.trace?.traceFlags).toBe(0xffff_ffff);
  });
});

describe("rejects", () => {
  // [name, input hex, decoder, code, path, offset]
  const cases: Array<
    [string, string, "envelope" | "header" | "body", string, string | undefined, number]
  > = [
    ["empty input", "", "header", "truncated", "header", 0],
    ["not a map", "80", "header", "invalid_value", "header", 0],
    ["break instead of a map", "ff", "header", "invalid_cbor", "header", 0],
    ["envelope without header", "a0", "envelope", "missing_field", "header", 0],
    [
      "header field of the wrong type",
      "a1 01 a1 03 05",
      "header",
      "invalid_value",
      "header.schema.version",
      4,
    ],
    ["event id as text", "a1 02 6130", "header", "invalid_value", "header.eventId", 2],
    ["negative time", "a1 03 20", "header", "invalid_value", "header.timeUnixNano", 2],
    [
      "time as a float",
      "a1 03 fb3ff0000000000000",
      "header",
      "invalid_value",
      "header.timeUnixNano",
      2,
    ],
    [
      "trace flags above uint32",
      "a1 05 a1 04 1b0000000100000000",
      "header",
      "invalid_value",
      "header.trace.traceFlags",
      4,
    ],
    [
      "status code above 2^31-1",
      "a1 07 a1 01 1a80000000",
      "header",
      "invalid_value",
      "header.status.code",
      4,
    ],
    ["status code negative", "a1 07 a1 01 20", "header", "invalid_value", "header.status.code", 4],
    ["duplicate known key", "a2 02 40 02 40", "header", "duplicate_key", "header.eventId", 3],
    ["duplicate unknown key", "a2 09 00 09 00", "header", "duplicate_key", "header", 3],
    [
      "duplicate message key in a nested message",
      "a1 04 a2 01 6161 01 6162",
      "header",
      "duplicate_key",
      "header.producer.language",
      6,
    ],
    [
      "duplicate attribute key",
      "a1 01 a2 6161 01 6161 02",
      "body",
      "duplicate_key",
      'body.attributes["a"]',
      6,
    ],
    [
      "duplicate nested attribute key",
      "a1 01 a1 6161 81 a2 6162 01 6162 02",
      "body",
      "duplicate_key",
      'body.attributes["a"][0]["b"]',
      10,
    ],
    ["text key in a message map", "a1 6474797065 00", "header", "invalid_cbor", "header", 1],
    ["float key in a message map", "a1 f93c00 00", "header", "invalid_cbor", "header", 1],
    [
      "integer key in an attribute map",
      "a1 01 a1 01 01",
      "body",
      "invalid_cbor",
      "body.attributes",
      3,
    ],
    [
      "tag on an attribute value",
      "a1 01 a1 6174 c11a514b67b0",
      "body",
      "invalid_cbor",
      'body.attributes["t"]',
      5,
    ],
    ["tag on a message", "a1 01 c0 a0", "header", "invalid_value", "header.schema", 2],
    ["null attribute", "a1 01 a1 616e f6", "body", "invalid_cbor", 'body.attributes["n"]', 5],
    ["undefined attribute", "a1 01 a1 6175 f7", "body", "invalid_cbor", 'body.attributes["u"]', 5],
    [
      "simple value attribute",
      "a1 01 a1 6173 f0",
      "body",
      "invalid_cbor",
      'body.attributes["s"]',
      5,
    ],
    [
      "int64 overflow",
      "a1 01 a1 6169 1b8000000000000000",
      "body",
      "invalid_value",
      'body.attributes["i"]',
      5,
    ],
    [
      "int64 underflow",
      "a1 01 a1 6169 3b8000000000000000",
      "body",
      "invalid_value",
      'body.attributes["i"]',
      5,
    ],
    ["extensions not an array", "a1 02 a0", "body", "invalid_value", "body.extensions", 2],
    ["extension not a map", "a1 02 81 01", "body", "invalid_value", "body.extensions[0]", 3],
    [
      "extension field of the wrong type",
      "a1 02 82 a0 a1 01 01",
      "body",
      "invalid_value",
      "body.extensions[1].namespace",
      6,
    ],
    ["attributes not a map", "a1 01 80", "body", "invalid_value", "body.attributes", 2],
    ["break in a definite map", "a1 01 a1 ff", "body", "invalid_cbor", "body.attributes", 3],
    [
      "break as a value in an indefinite map",
      "a1 01 bf 6161 ff",
      "body",
      "invalid_cbor",
      'body.attributes["a"]',
      5,
    ],
    ["break as a message key", "a1 ff", "header", "invalid_cbor", "header", 1],
    [
      "indefinite-length integer",
      "a1 01 a1 6161 1f",
      "body",
      "invalid_cbor",
      'body.attributes["a"]',
      5,
    ],
    [
      "reserved additional information",
      "a1 01 a1 6161 1c",
      "body",
      "invalid_cbor",
      'body.attributes["a"]',
      5,
    ],
    [
      "two-byte simple value below 32",
      "a1 01 a1 6161 f818",
      "body",
      "invalid_cbor",
      'body.attributes["a"]',
      5,
    ],
    [
      "chunk of the wrong type",
      "a1 01 a1 6161 7f 4161 ff",
      "body",
      "invalid_cbor",
      'body.attributes["a"]',
      6,
    ],
    [
      "nested indefinite chunk",
      "a1 01 a1 6161 7f 7f6161ff ff",
      "body",
      "invalid_cbor",
      'body.attributes["a"]',
      6,
    ],
    [
      "invalid UTF-8 in a value",
      "a1 01 a1 6161 62c328",
      "body",
      "invalid_utf8",
      'body.attributes["a"]',
      6,
    ],
    [
      "invalid UTF-8 in a key",
      "a1 01 a1 63 61c328 01",
      "body",
      "invalid_utf8",
      "body.attributes",
      5,
    ],
    [
      "invalid UTF-8 in a header field",
      "a1 01 a1 01 63 6161ff",
      "header",
      "invalid_utf8",
      "header.schema.type",
      7,
    ],
    [
      "invalid UTF-8 in a chunk",
      "a1 01 a1 6161 7f 6161 62c328 ff",
      "body",
      "invalid_utf8",
      'body.attributes["a"]',
      9,
    ],
    [
      "surrogate in UTF-8",
      "a1 01 a1 6161 63eda080",
      "body",
      "invalid_utf8",
      'body.attributes["a"]',
      6,
    ],
    ["overlong UTF-8", "a1 01 a1 6161 62c0af", "body", "invalid_utf8", 'body.attributes["a"]', 6],
    [
      "UTF-8 above U+10FFFF",
      "a1 01 a1 6161 64f4908080",
      "body",
      "invalid_utf8",
      'body.attributes["a"]',
      6,
    ],
    [
      "invalid UTF-8 in a long string",
      `a1 01 a1 6161 7828 ${"61".repeat(39)}ff`,
      "body",
      "invalid_utf8",
      'body.attributes["a"]',
      46,
    ],
    ["invalid UTF-8 in an unknown value", "a1 09 62c328", "header", "invalid_utf8", "header[9]", 3],
    ["not well-formed unknown value", "a1 09 1c", "header", "invalid_cbor", "header[9]", 2],
    [
      "text string longer than the input",
      "a1 01 a1 6161 7affffffff00",
      "body",
      "truncated",
      'body.attributes["a"]',
      5,
    ],
    [
      "byte string longer than the input",
      "a1 01 a1 6161 5bffffffffffffffff010203",
      "body",
      "truncated",
      'body.attributes["a"]',
      5,
    ],
    [
      "array longer than the input",
      "a1 01 a1 6161 9a01ff0000",
      "body",
      "truncated",
      'body.attributes["a"]',
      5,
    ],
    [
      "map longer than the input",
      "a1 01 bb00000000ffffffff",
      "body",
      "truncated",
      "body.attributes",
      2,
    ],
    ["trailing bytes", "a0 00", "body", "trailing_bytes", undefined, 1],
  ];
  test.each(cases)("%s", (_, hex, kind, code, path, offset) => {
    const bytes = fromHex(hex);
    const decode =
      kind === "envelope" ? decodeEnvelope : kind === "header" ? decodeHeader : decodeBody;
    const error = expectError(() => decode(bytes), code, { offset });
    expect(error.path).toBe(path);
    expect(error.message).toContain(`at byte ${offset}`);
  });

  test("offsets are absolute: the codec adds the section's offset", () => {
    const error = thrown(() => cborCodec.decodeBody(fromHex("a1 01 a1 6161 f6"), budget(), 100));
    expect(error.offset).toBe(105);
  });

  test("every truncation of a valid envelope is `truncated`", () => {
    const bytes = cborCodec.encodeEnvelope(fullEnvelope());
    for (let n = 0; n < bytes.length; n++) {
      const error = thrown(() => decodeEnvelope(bytes.subarray(0, n)));
      expect(error.code, `prefix of ${n} bytes`).toBe("truncated");
      expect(error.offset).toBeLessThanOrEqual(n);
    }
  });

  test("a non-Uint8Array input is invalid_argument", () => {
    expectError(() => decodeBody("a0" as never), "invalid_argument");
  });
});

describe("limits are checked before allocating", () => {
  const nested = (depth: number) => `a1 01 a1 6161 ${"81".repeat(depth)}01`;

  test("maxDepth: arrays and maps each add one level; a scalar is depth 0", () => {
    expect(decodeBody(fromHex(nested(3)), { maxDepth: 3 }).attributes.get("a")).toEqual([[[1n]]]);
    expectError(() => decodeBody(fromHex(nested(4)), { maxDepth: 3 }), "limit_exceeded", {
      path: 'body.attributes["a"][0][0][0]',
      offset: 8,
    });
    expectError(
      () => decodeBody(fromHex("a1 01 a1 6161 a1 6162 a1 6163 01"), { maxDepth: 1 }),
      "limit_exceeded",
      {
        path: 'body.attributes["a"]["b"]',
      },
    );
  });

  test("the default maxDepth (32) applies", () => {
    expect(() => decodeBody(fromHex(nested(32)))).not.toThrow();
    expectError(() => decodeBody(fromHex(nested(33))), "limit_exceeded");
  });

  test("maxAttributes counts every entry and element across the envelope, resource and extensions included", () => {
    const e = minimalEnvelope();
    e.header.resource.attributes.set("r", 1n);
    e.body.attributes.set("a", [1n, 2n]);
    e.body.extensions.push({ namespace: "x", version: "1.0.0", attributes: new Map([["x", 1n]]) });
    const bytes = cborCodec.encodeEnvelope(e); // 1 + (1 + 2) + (1 extension + 1) = 6 entries
    expect(() => decodeEnvelope(bytes, { maxAttributes: 6 })).not.toThrow();
    expectError(() => decodeEnvelope(bytes, { maxAttributes: 5 }), "limit_exceeded");
  });

  test("a declared count over maxAttributes fails before reading the entries", () => {
    // An array declaring 1000 elements, with all 1000 present.
    const bytes = fromHex(`a1 01 a1 6161 9903e8 ${"00".repeat(1000)}`);
    expectError(() => decodeBody(bytes, { maxAttributes: 10 }), "limit_exceeded", { offset: 5 });
  });

  test("maxStringLength and maxBytesLength, in bytes", () => {
    const text = cborCodec.encodeBody({
      attributes: new Map([["a", "é".repeat(3)]]),
      extensions: [],
    }); // 6 bytes
    expect(() => decodeBody(text, { maxStringLength: 6 })).not.toThrow();
    expectError(() => decodeBody(text, { maxStringLength: 5 }), "limit_exceeded", {
      path: 'body.attributes["a"]',
    });
    const bytes = cborCodec.encodeBody({
      attributes: new Map([["a", new Uint8Array(10)]]),
      extensions: [],
    });
    expectError(() => decodeBody(bytes, { maxBytesLength: 9 }), "limit_exceeded", {
      path: 'body.attributes["a"]',
    });
    // Chunks add up.
    expectError(
      () => decodeBody(fromHex("a1 01 a1 6161 7f 6161 6161 ff"), { maxStringLength: 1 }),
      "limit_exceeded",
    );
    expectError(
      () => decodeBody(fromHex("a1 01 a1 6161 5f 4101 4101 ff"), { maxBytesLength: 1 }),
      "limit_exceeded",
    );
    // Keys and header fields too.
    expectError(
      () => decodeHeader(fromHex("a1 01 a1 01 6461626364"), { maxStringLength: 3 }),
      "limit_exceeded",
      {
        path: "header.schema.type",
      },
    );
  });

  test("a length over the limit but also past the end is `truncated` (nothing is allocated either way)", () => {
    expectError(
      () => decodeBody(fromHex("a1 01 a1 6161 5a7fffffff"), { maxBytesLength: 10 }),
      "truncated",
    );
  });

  test("a maxDepth past the ceiling is refused; at the ceiling, deeper nesting is limit_exceeded", () => {
    const depth = 200_000;
    const bytes = new Uint8Array(depth + 7);
    bytes.set(fromHex("a1 01 a1 6161"), 0);
    bytes.fill(0x81, 5, 5 + depth);
    bytes[5 + depth] = 0x01;
    const input = bytes.subarray(0, 6 + depth);
    expect(thrown(() => decodeBody(input, { maxDepth: 10_000_000 })).code).toBe("invalid_argument");
    expect(thrown(() => decodeBody(input, { maxDepth: MAX_DEPTH_CEILING })).code).toBe(
      "limit_exceeded",
    );
  });
});

describe("every entry is charged to the budget (maxAttributes)", () => {
  test.each([
    // [what, body, entries it costs, where the entry over the limit fails]
    [
      "extensions (definite: refused before reading them)",
      "a1 02 83 a0 a0 a0",
      3,
      "body.extensions",
      2,
    ],
    ["extensions (indefinite)", "a1 02 9f a0 a0 a0 ff", 3, "body.extensions[2]", 5],
    [
      "chunks of an indefinite text string",
      "a1 01 a1 6161 7f 60 60 6161 ff",
      4,
      'body.attributes["a"]',
      8,
    ],
    [
      "chunks of an indefinite byte string",
      "a1 01 a1 6161 5f 40 40 4100 ff",
      4,
      'body.attributes["a"]',
      8,
    ],
    ["unknown keys", "a3 09 00 0a 00 0b 00", 3, "body", 5],
    ["items of an unknown value", "a1 09 83 00 00 00", 4, "body[9]", 2],
    ["entries of an unknown map value", "a1 09 a2 00 00 01 00", 3, "body[9]", 2],
    ["chunks of a string in an unknown value", "a1 09 5f 40 40 ff", 3, "body[9]", 4],
  ])("%s", (_, hex, entries, path, offset) => {
    const bytes = fromHex(hex);
    expect(() => decodeBody(bytes, { maxAttributes: entries })).not.toThrow();
    expectError(() => decodeBody(bytes, { maxAttributes: entries - 1 }), "limit_exceeded", {
      path,
      offset,
    });
  });

  test("a million empty chunks fail at the limit, not out of memory", () => {
    const chunks = 1_000_000;
    const bytes = new Uint8Array(6 + chunks + 1);
    bytes.set(fromHex("a1 01 a1 6161 5f"), 0);
    bytes.fill(0x40, 6, 6 + chunks);
    bytes[6 + chunks] = 0xff;
    expectError(() => decodeBody(bytes), "limit_exceeded", { offset: 6 + 99_999 });
    bytes[5] = 0x7f; // the same as text
    bytes.fill(0x60, 6, 6 + chunks);
    expectError(() => decodeBody(bytes), "limit_exceeded", { offset: 6 + 99_999 });
  });

  test("checkCborWellFormed counts the items of any value too", () => {
    expect(() => checkCborWellFormed(fromHex("83 00 00 00"), { maxAttributes: 3 })).not.toThrow();
    expect(
      thrown(() => checkCborWellFormed(fromHex("83 00 00 00"), { maxAttributes: 2 })).code,
    ).toBe("limit_exceeded");
  });
});

describe("unknown keys: duplicates found by hashing", () => {
  test("tens of thousands of unknown keys decode; a repeat of the first is found at the end", () => {
    const n = 50_000;
    const parts = ["ba", (n + 1).toString(16).padStart(8, "0")];
    for (let k = 100; k < 100 + n; k++) parts.push("1a", k.toString(16).padStart(8, "0"), "00");
    parts.push("1a", (100).toString(16).padStart(8, "0"), "00");
    const bytes = fromHex(parts.join(""));
    expectError(() => decodeBody(bytes), "duplicate_key", { path: "body", offset: 5 + 6 * n });
    const unique = fromHex(
      `ba${n.toString(16).padStart(8, "0")}${parts.slice(2, 2 + 3 * n).join("")}`,
    );
    expect((decodeBody(unique).$unknown?.data as unknown[]).length).toBe(n);
  });

  test.each([
    ["a key in two encodings (9 and 18 09)", "a2 09 00 1809 01", 3],
    ["a huge key twice", "a2 1bffffffffffffffff 00 1bffffffffffffffff 01", 11],
    ["a huge negative key twice", "a2 3b0020000000000000 00 3b0020000000000000 01", 11],
  ])("%s is a duplicate", (_, hex, offset) => {
    expectError(() => decodeBody(fromHex(hex)), "duplicate_key", { path: "body", offset });
  });

  test("a positive and a negative key of the same magnitude are two keys; past ±(2^53-1) keys are bigints", () => {
    const bytes = fromHex("a2 1b0020000000000000 00 3b001fffffffffffff 01");
    const body = decodeBody(bytes);
    expect(body.$unknown?.data).toEqual([
      [2n ** 53n, fromHex("00")],
      [-(2n ** 53n), fromHex("01")],
    ]);
    expect(toHex(cborCodec.encodeBody(body))).toBe(
      "a2 1b0020000000000000 00 3b001fffffffffffff 01".replace(/ /g, ""),
    );
  });
});

describe("maxKeyLength bounds keys, from the head, before the string is made", () => {
  const limits = { maxKeyLength: 4 };

  test.each([
    // [what, the input for a key given as hex text, where it fails]
    ["an attribute key", (k: string) => `a1 01 a1 ${k} 01`, "body.attributes", 3],
    ["a nested map key", (k: string) => `a1 01 a1 6161 a1 ${k} 01`, 'body.attributes["a"]', 6],
    [
      "an extension namespace",
      (k: string) => `a1 02 81 a1 01 ${k}`,
      "body.extensions[0].namespace",
      5,
    ],
    ["a text key in an unknown value", (k: string) => `a1 09 a1 ${k} 00`, "body[9]", 3],
  ])("%s", (_, build, path, offset) => {
    expect(() => decodeBody(fromHex(build("64 61626364")), limits)).not.toThrow();
    // Indefinite: the chunks add up past the limit.
    expectError(
      () => decodeBody(fromHex(build("7f 62 6162 63 636465 ff")), limits),
      "limit_exceeded",
      {
        path,
        offset,
      },
    );
    const error = expectError(
      () => decodeBody(fromHex(build("65 6162636465")), limits),
      "limit_exceeded",
      { path, offset },
    );
    expect(error.detail).toBe("a key of 5 bytes is longer than maxKeyLength (4)");
  });

  test("checked before the key is decoded: a long key of invalid UTF-8 is over the limit, not invalid", () => {
    const bytes = new Uint8Array(5 + 3 + 2000 + 1);
    bytes.set(fromHex("a1 01 a1 7907d0"), 0);
    bytes.fill(0xff, 8, 8 + 2000);
    bytes[8 + 2000] = 0x01;
    expectError(() => decodeBody(bytes), "limit_exceeded", { offset: 3 });
  });

  test("string values are not keys", () => {
    const long = "v".repeat(5000);
    const bytes = cborCodec.encodeBody({ attributes: new Map([["k", long]]), extensions: [] });
    expect(decodeBody(bytes).attributes.get("k")).toBe(long);
  });
});

describe("a raised maxDepth never overflows the stack", () => {
  test("256 levels of attributes and of unknown values decode with maxDepth 256 and are written back", () => {
    const arrays = `${"81".repeat(256)}01`;
    const maps = `${"a16161".repeat(256)}01`;
    for (const value of [arrays, maps]) {
      const body = fromHex(`a2 01 a1 6161 ${value} 09 ${value}`);
      const decoded = decodeBody(body, { maxDepth: 256 });
      expect(toHex(cborCodec.encodeBody(decoded))).toBe(toHex(body));
      expect(thrown(() => decodeBody(body, { maxDepth: 255 })).code).toBe("limit_exceeded");
    }
  });
});

describe("keys that look like prototypes", () => {
  test("__proto__, constructor and prototype are ordinary attribute keys", () => {
    const attributes: Attributes = new Map<string, AttributeValue>([
      ["__proto__", new Map([["polluted", true]])],
      ["constructor", "c"],
      ["prototype", new Map([["__proto__", "x"]])],
    ]);
    const back = decodeBody(cborCodec.encodeBody({ attributes, extensions: [] }));
    expect([...back.attributes.keys()]).toEqual(["__proto__", "constructor", "prototype"]);
    expect(back.attributes.get("__proto__")).toEqual(new Map([["polluted", true]]));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(back.attributes)).toBe(Map.prototype);
  });
});

describe("unknown keys", () => {
  test("are kept per message with their raw value bytes and written back byte for byte", () => {
    // Header {1: {1 "t", 2 "s", 3 "1.0.0", 9: 1(1363896240)}, 4: {1 "l", 2 "v", 10: [1, {"x": null}]}, 20: h'00', 2: h''... }
    const header = fromHex(
      "a3 01 a4 016174 026173 0365312e302e30 09 c11a514b67b0 04 a3 01616c 026176 0a 8201a16178f6 18ff 4100",
    );
    const decoded = decodeHeader(header);
    expect(decoded.schema.$unknown).toEqual({
      codec: "cbor",
      data: [[9, fromHex("c11a514b67b0")]],
    });
    expect(decoded.producer.$unknown).toEqual({
      codec: "cbor",
      data: [[10, fromHex("8201a16178f6")]],
    });
    expect(decoded.$unknown).toEqual({ codec: "cbor", data: [[255, fromHex("4100")]] });
    expect(toHex(cborCodec.encodeHeader(decoded))).toBe(toHex(header));
  });

  test("on every message", () => {
    const e = fullEnvelope();
    const unknown = (k: number) => ({
      codec: "cbor" as const,
      data: [[k, fromHex("00")] as const],
    });
    for (const message of [
      e,
      e.header,
      e.header.schema,
      e.header.producer,
      e.header.trace!,
      e.header.resource,
      e.header.status!,
      e.body,
      e.body.extensions[0]!,
    ]) {
      message.$unknown = unknown(100);
    }
    for (const codec of [cborCodec, deterministic]) {
      const bytes = codec.encodeEnvelope(e);
      const back = codec.decodeEnvelope(bytes, budget(), 0);
      expect(back).toEqual(e);
      expect(toHex(codec.encodeEnvelope(back))).toBe(toHex(bytes));
    }
  });

  test("negative and huge integer keys", () => {
    const body = decodeBody(fromHex("a3 20 01 3bffffffffffffffff 02 1bffffffffffffffff 03"));
    expect(body.$unknown).toEqual({
      codec: "cbor",
      data: [
        [-1, fromHex("01")],
        [-(2n ** 64n), fromHex("02")],
        [2n ** 64n - 1n, fromHex("03")],
      ],
    });
    expect(toHex(cborCodec.encodeBody(body))).toBe(
      "a3200 13bffffffffffffffff021bffffffffffffffff03".replace(/\s/g, ""),
    );
  });

  test("unknown values may nest up to maxDepth", () => {
    expect(() => decodeHeader(fromHex("a1 09 818101"), { maxDepth: 2 })).not.toThrow();
    expectError(() => decodeHeader(fromHex("a1 09 81818101"), { maxDepth: 2 }), "limit_exceeded", {
      path: "header[9]",
    });
  });
});

describe("robustness", () => {
  test("only EnvelopeError escapes, on random and mutated input (seeded)", () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const valid = cborCodec.encodeEnvelope(fullEnvelope());
    const decoders = [decodeEnvelope, decodeHeader, decodeBody];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      let bytes: Uint8Array;
      if (i % 2 === 0) {
        bytes = Uint8Array.from({ length: Math.floor(random() * 40) }, () =>
          Math.floor(random() * 256),
        );
      } else {
        bytes = valid.slice();
        for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
          bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
        }
      }
      for (const decode of decoders) {
        try {
          decode(bytes);
          accepted++;
        } catch (error) {
          if (!isEnvelopeError(error)) throw error;
          const offset = error.offset ?? -1;
          if (offset < 0 || offset > bytes.length)
            throw new Error(`offset ${offset} outside input ${toHex(bytes)}`);
        }
      }
    }
    expect(accepted).toBeGreaterThan(0);
  }, 60_000);

  test("whatever decodeCborItem accepts is well-formed, and both only throw EnvelopeError", () => {
    let seed = 4242;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    // Bytes drawn mostly from small heads so that items nest and close.
    const pool = [
      0x00, 0x01, 0x18, 0x20, 0x41, 0x5f, 0x61, 0x62, 0x7f, 0x80, 0x81, 0x82, 0x9f, 0xa1, 0xbf,
      0xc1, 0xf4, 0xf9, 0xfb, 0xff,
    ];
    let decoded = 0;
    for (let i = 0; i < 50_000; i++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 12) }, () =>
        random() < 0.7 ? pool[Math.floor(random() * pool.length)]! : Math.floor(random() * 256),
      );
      let ok = true;
      try {
        decodeCborItem(bytes);
        decoded++;
      } catch (error) {
        if (!isEnvelopeError(error)) throw error;
        ok = false;
      }
      try {
        checkCborWellFormed(bytes);
      } catch (error) {
        if (!isEnvelopeError(error)) throw error;
        if (ok) throw new Error(`decoded but not well-formed: ${toHex(bytes)}`);
      }
    }
    expect(decoded).toBeGreaterThan(100);
  }, 60_000);

  test("what the reader accepts, the writer writes back to something it accepts again", () => {
    let seed = 99;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const valid = cborCodec.encodeEnvelope(fullEnvelope());
    for (let i = 0; i < 5_000; i++) {
      const bytes = valid.slice();
      bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      let e: Envelope;
      try {
        e = decodeEnvelope(bytes);
      } catch {
        continue;
      }
      const again = cborCodec.encodeEnvelope(e);
      expect(decodeEnvelope(again)).toEqual(e);
    }
  }, 60_000);
});
