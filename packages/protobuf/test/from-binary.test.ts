/**
 * The decoder's value rules and limits: repeated embedded messages merge and
 * a leading U+FEFF is kept (both against @bufbuild/protobuf), and every entry
 * and key is charged to the decode budget.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { configureTextEncoding, getTextEncoding } from "@bufbuild/protobuf/wire";
import {
  type Attributes,
  type AttributeValue,
  DEFAULT_LIMITS,
  DecodeBudget,
  type Envelope,
  EnvelopeError,
  type Limits,
  resolveLimits,
  UnknownValue,
} from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";
import { EnvelopeSchema } from "@envelope/protobuf/schema";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { envelope as arbitraryEnvelope } from "../../../test/support/arbitrary.js";
import { fromProtobufEs } from "../../../test/support/protobuf-es.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
const budget = (limits: Partial<Limits> = {}) => new DecodeBudget(resolveLimits(limits));

const concat = (...parts: Uint8Array[]): Uint8Array => new Uint8Array(Buffer.concat(parts));

function varint(v: number): Uint8Array {
  const out: number[] = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A length-delimited field. */
function ld(field: number, content: Uint8Array): Uint8Array {
  return concat(varint((field << 3) | 2), varint(content.length), content);
}

const utf8 = (s: string) => new TextEncoder().encode(s);
const str = (field: number, s: string) => ld(field, utf8(s));
/** KeyValue { key, value: AnyValue } (each AnyValue given as its encoded fields). */
const kv = (key: string, ...values: Uint8Array[]) =>
  concat(str(1, key), ...values.map((v) => ld(2, v)));

function thrown(fn: () => unknown): EnvelopeError {
  try {
    fn();
  } catch (error) {
    if (error instanceof EnvelopeError) return error;
    throw error;
  }
  throw new Error("expected an EnvelopeError");
}

// protobuf-es 2.13 decodes strings with a default TextDecoder, which drops a
// leading U+FEFF (the defect fixed here in our decoder). The reference path
// gets a decoder that keeps it, as protobuf-go and prost do; everything else
// about protobuf-es is left as it is.
const defaultTextEncoding = getTextEncoding();
beforeAll(() => {
  const strict = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const lenient = new TextDecoder("utf-8", { ignoreBOM: true });
  configureTextEncoding({
    ...defaultTextEncoding,
    decodeUtf8: (bytes, strictMode) => (strictMode ? strict : lenient).decode(bytes),
  });
});
afterAll(() => configureTextEncoding(defaultTextEncoding));

/** Which fields of each message are embedded messages, and whether they repeat. */
const EMBEDDED: Record<string, Record<number, readonly [string, boolean]>> = {
  Envelope: { 1: ["Header", false], 2: ["Body", false] },
  Header: {
    1: ["SchemaRef", false],
    4: ["Producer", false],
    5: ["TraceContext", false],
    6: ["Resource", false],
    7: ["Status", false],
  },
  Resource: { 6: ["KeyValue", true] },
  Body: { 1: ["KeyValue", true], 2: ["Extension", true] },
  Extension: { 3: ["KeyValue", true] },
  KeyValue: { 2: ["AnyValue", false] },
  AnyValue: { 5: ["ArrayValue", false], 6: ["KeyValueList", false] },
  ArrayValue: { 1: ["AnyValue", true] },
  KeyValueList: { 1: ["KeyValue", true] },
};

interface Field {
  readonly no: number;
  readonly raw: Uint8Array;
  readonly content: Uint8Array | undefined;
}

/** The top-level fields of a message (varint, fixed64 and length-delimited only: all the envelope uses). */
function fields(bytes: Uint8Array): Field[] {
  const out: Field[] = [];
  let p = 0;
  const read = () => {
    let v = 0;
    let scale = 1;
    for (;;) {
      const b = bytes[p++]!;
      v += (b & 0x7f) * scale;
      scale *= 128;
      if (b < 0x80) return v;
    }
  };
  while (p < bytes.length) {
    const start = p;
    const tag = read();
    const wt = tag & 7;
    let content: Uint8Array | undefined;
    if (wt === 0) read();
    else if (wt === 1) p += 8;
    else if (wt === 5) p += 4;
    else {
      const len = read();
      content = bytes.subarray(p, p + len);
      p += len;
    }
    out.push({ no: tag >>> 3, raw: bytes.subarray(start, p), content });
  }
  return out;
}

/**
 * Rewrites a message so that some of its singular embedded messages arrive
 * in two occurrences: the first part of its fields where it was, the rest
 * after the message's other fields. Protobuf merges the occurrences back,
 * so the decoded value must not change.
 */
function split(type: string, bytes: Uint8Array, random: () => number): Uint8Array {
  const out: Uint8Array[] = [];
  const tail: Uint8Array[] = [];
  for (const f of fields(bytes)) {
    const embedded = EMBEDDED[type]?.[f.no];
    if (embedded === undefined || f.content === undefined) {
      out.push(f.raw);
      continue;
    }
    const [sub, repeated] = embedded;
    const content = split(sub, f.content, random);
    if (repeated || random() < 0.4) {
      out.push(ld(f.no, content));
      continue;
    }
    const parts = fields(content);
    const k = Math.floor(random() * (parts.length + 1));
    out.push(ld(f.no, concat(...parts.slice(0, k).map((x) => x.raw))));
    tail.push(ld(f.no, concat(...parts.slice(k).map((x) => x.raw))));
  }
  return concat(...out, ...tail);
}

/** A source of numbers in [0, 1) drawn by fast-check (so a failure shrinks and replays). */
const randomness = fc
  .infiniteStream(fc.integer({ min: 0, max: 999 }))
  .map((stream) => () => stream.next().value / 1000);

/** The envelope with a U+FEFF put before some of its strings (keys, values, header fields, namespaces). */
function withBoms(e: Envelope, random: () => number): Envelope {
  const bom = (s: string) => (random() < 0.5 ? `\ufeff${s}` : s);
  const value = (v: AttributeValue): AttributeValue => {
    if (typeof v === "string") return bom(v);
    if (Array.isArray(v)) return v.map(value);
    if (v instanceof Map) return map(v);
    return v;
  };
  const map = (m: Attributes): Attributes => {
    const out: Attributes = new Map();
    for (const [k, v] of m) {
      const key = bom(k);
      out.set(m.has(key) || out.has(key) ? k : key, value(v));
    }
    return out;
  };
  const h = e.header;
  return {
    header: {
      ...h,
      schema: { ...h.schema, type: bom(h.schema.type) },
      producer: { ...h.producer, version: bom(h.producer.version) },
      resource: {
        ...h.resource,
        serviceName: bom(h.resource.serviceName),
        attributes: map(h.resource.attributes),
      },
    },
    body: {
      attributes: map(e.body.attributes),
      extensions: e.body.extensions.map((x) => ({
        ...x,
        namespace: bom(x.namespace),
        attributes: map(x.attributes),
      })),
    },
  };
}

/** True when some attribute list in the protobuf-es message has a key twice. */
function hasDuplicateKeys(m: ReturnType<typeof fromBinary<typeof EnvelopeSchema>>): boolean {
  const lists = [m.header?.resource?.attributes ?? [], m.body?.attributes ?? []];
  for (const x of m.body?.extensions ?? []) lists.push(x.attributes);
  return lists.some((list) => new Set(list.map((a) => a.key)).size !== list.length);
}

describe("differential against @bufbuild/protobuf: merges and U+FEFF", () => {
  test("embedded messages split into several occurrences decode to the same envelope", () => {
    fc.assert(
      fc.property(arbitraryEnvelope, randomness, (original, random) => {
        const e = withBoms(original, random);
        const canonical = protobufCodec.encodeEnvelope(e);
        const input = split("Envelope", canonical, random);
        const ours = protobufCodec.decodeEnvelope(input, budget(), 0);
        expect(ours).toEqual(e);
        expect(fromProtobufEs(fromBinary(EnvelopeSchema, input))).toEqual(e);
        // Written back in one occurrence each: the canonical bytes.
        expect(hex(protobufCodec.encodeEnvelope(ours))).toBe(hex(canonical));
      }),
      { numRuns: 300, seed: 20261204 },
    );
  });

  test("two envelopes one after the other merge as protobuf-es merges them", () => {
    let merged = 0;
    fc.assert(
      fc.property(arbitraryEnvelope, arbitraryEnvelope, randomness, (a, b, random) => {
        const input = concat(
          protobufCodec.encodeEnvelope(withBoms(a, random)),
          protobufCodec.encodeEnvelope(withBoms(b, random)),
        );
        const reference = fromBinary(EnvelopeSchema, input);
        if (hasDuplicateKeys(reference)) {
          // protobuf-es keeps both entries of a repeated field; the contract rejects the second key.
          expect(thrown(() => protobufCodec.decodeEnvelope(input, budget(), 0)).code).toBe(
            "duplicate_key",
          );
          return;
        }
        merged++;
        expect(protobufCodec.decodeEnvelope(input, budget(), 0)).toEqual(fromProtobufEs(reference));
      }),
      { numRuns: 200, seed: 20261205 },
    );
    expect(merged).toBeGreaterThan(20);
  });

  test.each([
    // [what, the AnyValue occurrences of one KeyValue, the merged value]
    ["a later member replaces an earlier one", [str(1, "a"), unhex("1805")], 5n],
    ["an empty occurrence changes nothing", [str(1, "a"), new Uint8Array(0)], "a"],
    ["an empty first occurrence takes the second", [new Uint8Array(0), unhex("1001")], true],
    [
      "arrays set twice append",
      [ld(5, ld(1, unhex("1801"))), ld(5, ld(1, unhex("1802")))],
      [1n, 2n],
    ],
    [
      "array, string, array: the oneof changed in between, so the array starts over",
      [ld(5, ld(1, unhex("1801"))), str(1, "x"), ld(5, ld(1, unhex("1802")))],
      [2n],
    ],
    [
      "maps set twice merge their entries",
      [ld(6, ld(1, kv("a", unhex("1801")))), ld(6, ld(1, kv("b", unhex("1802"))))],
      new Map([
        ["a", 1n],
        ["b", 2n],
      ]),
    ],
    [
      "array members of one AnyValue append too",
      [concat(ld(5, ld(1, unhex("1801"))), ld(5, ld(1, unhex("1802"))))],
      [1n, 2n],
    ],
    ["a leading U+FEFF is kept (short)", [str(1, "\ufeffa")], "\ufeffa"],
    [
      "a leading U+FEFF is kept (long, decoded natively)",
      [str(1, `\ufeff${"z".repeat(100)}`)],
      `\ufeff${"z".repeat(100)}`,
    ],
    ["U+FEFF alone", [str(1, "\ufeff")], "\ufeff"],
  ])("KeyValue.value: %s", (_, values, expected) => {
    // A whole envelope whose body arrives twice: empty, then with the attribute.
    const body = ld(1, kv("k", ...(values as Uint8Array[])));
    const input = concat(protobufCodec.encodeEnvelope(minimal()), ld(2, body));
    const ours = protobufCodec.decodeEnvelope(input, budget(), 0).body.attributes;
    expect(ours).toEqual(new Map([["k", expected]]));
    expect(fromProtobufEs(fromBinary(EnvelopeSchema, input)).body.attributes).toEqual(ours);
  });

  test("U+FEFF keys and header strings are kept, and a key with and without it are two keys", () => {
    const body = concat(ld(1, kv("\ufeffk", str(1, "a"))), ld(1, kv("k", str(1, "b"))));
    expect(protobufCodec.decodeBody(body, budget(), 0).attributes).toEqual(
      new Map([
        ["\ufeffk", "a"],
        ["k", "b"],
      ]),
    );
    const header = ld(1, concat(str(1, "\ufefft"), str(3, "\ufeff1.0.0")));
    expect(protobufCodec.decodeHeader(header, budget(), 0).schema).toEqual({
      type: "\ufefft",
      subtype: "",
      version: "\ufeff1.0.0",
    });
  });

  test("unknown fields of a message that arrives twice are kept from both, in order", () => {
    // Header.status twice, each with an unknown field 9 (varint).
    const header = concat(ld(7, unhex("0801 4801")), ld(7, unhex("4802 1201 78")));
    const h = protobufCodec.decodeHeader(header, budget(), 0);
    expect(h.status).toEqual({
      code: 1,
      message: "x",
      $unknown: { codec: "protobuf", data: unhex("4801 4802") },
    });
    expect(hex(protobufCodec.encodeHeader(h))).toBe("3a09 0801 120178 48014802".replace(/ /g, ""));
  });

  test("two occurrences of an AnyValue holding only unknown members keep both", () => {
    const body = ld(1, kv("k", unhex("7801"), unhex("7802")));
    const value = protobufCodec.decodeBody(body, budget(), 0).attributes.get("k");
    expect(value).toEqual(new UnknownValue("protobuf", unhex("7801 7802")));
    expect(
      hex(protobufCodec.encodeBody({ attributes: new Map([["k", value!]]), extensions: [] })),
    ).toBe(hex(ld(1, kv("k", unhex("7801 7802")))));
  });
});

function minimal(): Envelope {
  return {
    header: {
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      eventId: new Uint8Array(16).fill(1),
      timeUnixNano: 1n,
      producer: { language: "ts", version: "0.1.0" },
      resource: { serviceName: "s", attributes: new Map() },
    },
    body: { attributes: new Map(), extensions: [] },
  };
}

describe("every entry is charged to the budget", () => {
  const attribute = ld(1, kv("a", unhex("1001")));

  test.each([
    // [what, the i-th one of it, the entries each costs]
    ["extensions", () => ld(2, new Uint8Array(0)), 1],
    ["unknown fields of the body", () => unhex("1800"), 1],
    ["unknown fields of an extension", () => ld(2, unhex("2000")), 2],
    [
      "unknown fields of a KeyValue (skipped, not kept)",
      (i: number) => ld(1, concat(kv(`k${i}`, unhex("1001")), unhex("1800"))),
      2,
    ],
    ["unknown fields of an AnyValue", (i: number) => ld(1, kv(`k${i}`, unhex("1001 7801"))), 2],
  ])("%s count against maxAttributes", (_, one, perOne) => {
    const times = 10;
    const input = concat(...Array.from({ length: times }, (_, i) => one(i)));
    const limit = times * perOne;
    expect(() =>
      protobufCodec.decodeBody(input, budget({ maxAttributes: limit }), 0),
    ).not.toThrow();
    const error = thrown(() =>
      protobufCodec.decodeBody(input, budget({ maxAttributes: limit - 1 }), 0),
    );
    expect(error.code).toBe("limit_exceeded");
  });

  test("attributes, extensions and unknown fields share one count", () => {
    const input = concat(attribute, ld(2, ld(3, kv("a", unhex("1001")))), unhex("1800"));
    // 1 attribute + 1 extension + 1 extension attribute + 1 unknown field = 4 entries.
    expect(() => protobufCodec.decodeBody(input, budget({ maxAttributes: 4 }), 0)).not.toThrow();
    expect(
      thrown(() => protobufCodec.decodeBody(input, budget({ maxAttributes: 3 }), 0)).code,
    ).toBe("limit_exceeded");
  });

  test("each field inside an unknown group is an entry", () => {
    // Unknown field 5 as a group holding three varint fields: 2b (08 00)x3 2c.
    const group = unhex("2b 0800 0800 0800 2c");
    expect(() => protobufCodec.decodeBody(group, budget({ maxAttributes: 4 }), 0)).not.toThrow();
    const error = thrown(() => protobufCodec.decodeBody(group, budget({ maxAttributes: 3 }), 100));
    expect([error.code, error.offset]).toEqual(["limit_exceeded", 105]);
  });

  test("a million unknown fields fail at the limit, having kept one range per run of them", () => {
    const input = new Uint8Array(2_000_000);
    for (let i = 0; i < input.length; i += 2) input[i] = 0x18; // field 3, varint 0
    const error = thrown(() => protobufCodec.decodeBody(input, budget(), 0));
    expect([error.code, error.offset]).toEqual([
      "limit_exceeded",
      2 * DEFAULT_LIMITS.maxAttributes,
    ]);
    const under = input.subarray(0, 2 * 1000);
    const body = protobufCodec.decodeBody(under, budget(), 0);
    expect(body.$unknown).toEqual({ codec: "protobuf", data: under });
  });
});

describe("maxKeyLength bounds attribute keys and extension namespaces, from the length prefix", () => {
  const limits = { maxKeyLength: 4 };

  test.each([
    // [what, the input for key k, the offset of the key's length prefix]
    ["an attribute key", (k: string) => ld(1, kv(k, unhex("1001"))), 3],
    ["a nested map key", (k: string) => ld(1, kv("m", ld(6, ld(1, kv(k, unhex("1001")))))), 12],
    ["an extension namespace", (k: string) => ld(2, str(1, k)), 3],
  ])("%s", (_, build, offset) => {
    expect(() => protobufCodec.decodeBody(build("abcd"), budget(limits), 0)).not.toThrow();
    expect(() => protobufCodec.decodeBody(build("ééé"), budget(limits), 0)).toThrow(); // 6 bytes
    const error = thrown(() => protobufCodec.decodeBody(build("abcde"), budget(limits), 0));
    expect([error.code, error.offset, error.detail]).toEqual([
      "limit_exceeded",
      offset,
      "a key of 5 bytes is longer than maxKeyLength (4)",
    ]);
  });

  test("checked before the key is decoded: a long key of invalid UTF-8 is over the limit, not invalid", () => {
    const key = new Uint8Array(2000).fill(0xff);
    const input = ld(1, concat(ld(1, key), ld(2, unhex("1001"))));
    expect(thrown(() => protobufCodec.decodeBody(input, budget(), 0)).code).toBe("limit_exceeded");
  });

  test("string values are not keys: a long value is fine", () => {
    const long = "v".repeat(5000);
    const input = ld(1, kv("k", str(1, long)));
    expect(protobufCodec.decodeBody(input, budget(), 0).attributes.get("k")).toBe(long);
  });
});

describe("a raised maxDepth never overflows the stack", () => {
  /** An AnyValue nested `depth` deep: arrays, or maps with key "k", around `true`. */
  function nestedBytes(kind: "array" | "map", depth: number): Uint8Array {
    let v: Uint8Array = unhex("1001");
    for (let i = 0; i < depth; i++)
      v = kind === "array" ? ld(5, ld(1, v)) : ld(6, ld(1, kv("k", v)));
    return v;
  }
  function nested(kind: "array" | "map", depth: number): AttributeValue {
    let v: AttributeValue = true;
    for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : new Map([["k", v]]);
    return v;
  }

  test.each(["array", "map"] as const)("%s nested 256 deep decodes with maxDepth 256", (kind) => {
    const bytes = ld(1, kv("v", nestedBytes(kind, 256)));
    const decoded = protobufCodec.decodeBody(bytes, budget({ maxDepth: 256 }), 0);
    expect(decoded.attributes.get("v")).toEqual(nested(kind, 256));
    expect(thrown(() => protobufCodec.decodeBody(bytes, budget({ maxDepth: 255 }), 0)).code).toBe(
      "limit_exceeded",
    );
    // The writer checks attribute values for the encoder, at the default limits.
    const error = thrown(() => protobufCodec.encodeBody(decoded));
    expect([error.code, error.detail]).toEqual(["limit_exceeded", "nested deeper than 32"]);
  });

  test("a value that contains itself ends in limit_exceeded when written", () => {
    const cyclic: AttributeValue[] = [];
    cyclic.push(cyclic);
    const error = thrown(() =>
      protobufCodec.encodeBody({ attributes: new Map([["v", cyclic]]), extensions: [] }),
    );
    expect(error.code).toBe("limit_exceeded");
  });
});

describe("the writer rejects strings no codec can carry", () => {
  test.each([
    ["a lone high surrogate (short)", "a\ud800"],
    ["a lone low surrogate first", "\udc00a"],
    ["in long text (native encoder)", `${"é".repeat(40)}\ud800x`],
  ])("%s -> invalid_utf8, as a key and as a value", (_, text) => {
    for (const attributes of [new Map([[text, "v"]]), new Map([["k", text]])]) {
      const error = thrown(() => protobufCodec.encodeBody({ attributes, extensions: [] }));
      expect([error.code, error.detail]).toEqual([
        "invalid_utf8",
        "string has a lone surrogate and is not valid Unicode",
      ]);
    }
  });
});

describe("malformed attribute messages: the exact error, at the exact byte", () => {
  const error = (input: string | Uint8Array, limits: Partial<Limits> = {}) => {
    const bytes = typeof input === "string" ? unhex(input) : input;
    const e = thrown(() => protobufCodec.decodeBody(bytes, budget(limits), 100));
    return [e.code, e.detail, e.offset];
  };
  const wrongType = (no: number, wt: number, expected: number) =>
    `field ${no} has wire type ${wt}, expected ${expected}`;

  test.each([
    ["KeyValue.key as a varint", "0a02 0801", wrongType(1, 0, 2), 102],
    ["KeyValue.value as a varint", "0a05 0a0161 1001", wrongType(2, 0, 2), 105],
    ["AnyValue.string_value as a varint", "0a07 0a0161 1202 0800", wrongType(1, 0, 2), 107],
    ["AnyValue.bool_value as bytes", "0a08 0a0161 1203 120100", wrongType(2, 2, 0), 107],
    ["AnyValue.int_value as fixed32", "0a0a 0a0161 1205 1d00000000", wrongType(3, 5, 0), 107],
    ["AnyValue.double_value as a varint", "0a07 0a0161 1202 2000", wrongType(4, 0, 1), 107],
    ["AnyValue.array_value as a varint", "0a07 0a0161 1202 2800", wrongType(5, 0, 2), 107],
    ["AnyValue.kvlist_value as a varint", "0a07 0a0161 1202 3000", wrongType(6, 0, 2), 107],
    ["AnyValue.bytes_value as a varint", "0a07 0a0161 1202 3800", wrongType(7, 0, 2), 107],
    ["ArrayValue.values as a varint", "0a09 0a0161 1204 2a02 0800", wrongType(1, 0, 2), 109],
    ["KeyValueList.values as a varint", "0a09 0a0161 1204 3202 0800", wrongType(1, 0, 2), 109],
  ])("%s", (_, input, detail, offset) => {
    expect(error(input)).toEqual(["invalid_protobuf", detail, offset]);
  });

  test.each([
    ["a field number 0", "0000", "field number 0", 100],
    ["an end group with no start, in the body", "1c", "unexpected end group 3", 100],
    [
      "an end group with no start, in an AnyValue",
      "0a06 0a0161 1201 4c",
      "unexpected end group 9",
      107,
    ],
  ])("%s", (_, input, detail, offset) => {
    expect(error(input)).toEqual(["invalid_protobuf", detail, offset]);
  });

  test.each([
    ["KeyValue.value", "0a05 0a0161 1209"],
    ["AnyValue.array_value", "0a07 0a0161 1202 2a09"],
    ["AnyValue.kvlist_value", "0a07 0a0161 1202 3209"],
    ["ArrayValue.values", "0a09 0a0161 1204 2a02 0a09"],
    ["KeyValueList.values", "0a09 0a0161 1204 3202 0a09"],
  ])("a %s length past its message's end is truncated at the length", (what, input) => {
    const offset = 100 + unhex(input).length - 1;
    expect(error(input)).toEqual(["truncated", `${what} runs past the end of its message`, offset]);
  });

  test("no value, an empty array element and a repeated key: the messages name the key", () => {
    expect(error("0a03 0a0161")).toEqual([
      "invalid_value",
      'attribute "a" has no value (an AnyValue with none of its members set, or none at all)',
      102,
    ]);
    expect(error("0a09 0a0161 1204 2a02 0a00")).toEqual([
      "invalid_value",
      "array element (AnyValue) has no value set",
      109,
    ]);
    expect(error("0a07 0a0162 1202 1001 0a07 0a0162 1202 1000")).toEqual([
      "duplicate_key",
      'attribute key "b" appears twice in one map',
      111,
    ]);
  });

  test("too deep: the offset of the array or map that goes past maxDepth", () => {
    // a: [[...]] with maxDepth 1: the inner array (or map), at byte 11, is one too deep.
    expect(error("0a0d 0a0161 1208 2a06 0a04 2a02 1001", { maxDepth: 1 })).toEqual([
      "limit_exceeded",
      "attribute value nested deeper than 1",
      111,
    ]);
    expect(error("0a0d 0a0161 1208 2a06 0a04 3202 1001", { maxDepth: 1 })).toEqual([
      "limit_exceeded",
      "attribute value nested deeper than 1",
      111,
    ]);
  });

  test("a key over maxStringLength is reported as a key only while maxKeyLength is the smaller limit", () => {
    const input = "0a0d 0a07 61626364656667 1202 1001";
    expect(error(input, { maxKeyLength: 10, maxStringLength: 5 })).toEqual([
      "limit_exceeded",
      "string of 7 bytes is over the limit of 5",
      103,
    ]);
    expect(error(input, { maxKeyLength: 5, maxStringLength: 5 })).toEqual([
      "limit_exceeded",
      "a key of 7 bytes is longer than maxKeyLength (5)",
      103,
    ]);
  });

  test("an envelope without a header is missing_field at its start", () => {
    const e = thrown(() => protobufCodec.decodeEnvelope(unhex("1200"), budget(), 100));
    expect([e.code, e.detail, e.offset]).toEqual(["missing_field", "envelope has no header", 100]);
  });
});

describe("unknown fields inside attribute messages are skipped, not kept", () => {
  test.each([
    ["a KeyValue", "0a09 0a0161 1202 1001 1801", true, "0a07 0a0161 1202 1001"],
    [
      "an ArrayValue",
      "0a0d 0a0161 1208 2a06 1801 0a02 1001",
      [true],
      "0a0b 0a0161 1206 2a04 0a02 1001",
    ],
    [
      "a KeyValueList",
      "0a12 0a0161 120d 320b 1801 0a07 0a0162 1202 1001",
      new Map([["b", true]]),
      "0a10 0a0161 120b 3209 0a07 0a0162 1202 1001",
    ],
  ])("in %s", (_, input, value, reencoded) => {
    const body = protobufCodec.decodeBody(unhex(input), budget(), 0);
    expect(body.attributes.get("a")).toEqual(value);
    expect(body.$unknown).toBeUndefined();
    expect(hex(protobufCodec.encodeBody(body))).toBe(reencoded.replace(/ /g, ""));
  });

  test("unknown fields before a nested message with none of its own stay with the outer one", () => {
    // Envelope: unknown field 5 (varint), then a body with no unknown fields.
    const input = unhex("2801 1200");
    const header = protobufCodec.encodeHeader(minimal().header);
    const bytes = concat(input, ld(1, header));
    const e = protobufCodec.decodeEnvelope(bytes, budget(), 0);
    expect(e.$unknown).toEqual({ codec: "protobuf", data: unhex("2801") });
    expect(e.body.$unknown).toBeUndefined();
    expect(e.header.$unknown).toBeUndefined();
  });

  test("unknown fields apart from each other are kept in order, without what lies between", () => {
    const input = unhex("1801 2001 0a07 0a0161 1202 1001 2801");
    const body = protobufCodec.decodeBody(input, budget(), 0);
    expect(body.$unknown).toEqual({ codec: "protobuf", data: unhex("1801 2001 2801") });
    expect(hex(protobufCodec.encodeBody(body))).toBe("0a070a016112021001180120012801");
  });
});
