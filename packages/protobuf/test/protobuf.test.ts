import { fromBinary, toBinary } from "@bufbuild/protobuf";
import {
  CODEC_IDS,
  DEFAULT_LIMITS,
  DecodeBudget,
  type Envelope,
  isEnvelopeError,
  resolveLimits,
  UnknownValue,
} from "@envelope/core";
import { createProtobufCodec, protobufCodec } from "@envelope/protobuf";
import { EnvelopeSchema } from "@envelope/protobuf/schema";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { envelope as arbitraryEnvelope } from "../../../test/support/arbitrary.js";
import { fromProtobufEs, toProtobufEs } from "../../../test/support/protobuf-es.js";
import { writeAttributes } from "../src/to-binary.js";
import { ProtoWriter } from "../src/wire/writer.js";

const budget = () => new DecodeBudget(DEFAULT_LIMITS);
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));

function minimal(): Envelope {
  return {
    header: {
      schema: { type: "ping", subtype: "ping", version: "1.0.0" },
      eventId: new Uint8Array(16).fill(1),
      timeUnixNano: 1n,
      producer: { language: "ts", version: "0.1.0" },
      resource: { serviceName: "s", attributes: new Map() },
    },
    body: { attributes: new Map(), extensions: [] },
  };
}

describe("differential: schema-specialised codec vs @bufbuild/protobuf generic path", () => {
  test("identical bytes and identical decoded values for random envelopes", () => {
    fc.assert(
      fc.property(arbitraryEnvelope, (e) => {
        const ours = protobufCodec.encodeEnvelope(e);
        const reference = toBinary(EnvelopeSchema, toProtobufEs(e));
        expect(hex(ours)).toBe(hex(reference));
        expect(protobufCodec.decodeEnvelope(reference, budget(), 0)).toEqual(e);
        expect(fromProtobufEs(fromBinary(EnvelopeSchema, ours))).toEqual(e);
      }),
      { numRuns: 300, seed: 20261121 },
    );
  });
});

describe("exact bytes", () => {
  test("header of the minimal envelope, worked out by hand from the field table", () => {
    const expected = [
      "0a13", // schema, 19 bytes
      "0a0470696e67", // type "ping"
      "120470696e67", // subtype "ping"
      "1a05312e302e30", // version "1.0.0"
      "1210", // event_id, 16 bytes
      "01010101010101010101010101010101",
      "190100000000000000", // time_unix_nano fixed64 1
      "220b", // producer, 11 bytes
      "0a027473", // language "ts"
      "1205302e312e30", // version "0.1.0"
      "3203", // resource, 3 bytes
      "0a0173", // service_name "s"
    ].join("");
    expect(hex(protobufCodec.encodeHeader(minimal().header))).toBe(expected);
  });

  test("attribute values: int64 extremes, doubles, bytes, nested kinds", () => {
    const body = {
      attributes: new Map<string, never>([
        ["i", -1n as never],
        ["d", 1 as never],
        ["z", -0 as never],
        ["b", new Uint8Array([0xff]) as never],
        ["e", "" as never],
        ["a", [] as never],
        ["m", new Map() as never],
      ]),
      extensions: [],
    };
    const expected = [
      "0a10 0a0169 120b 18ffffffffffffffffff01", // i: int_value -1, 10-byte varint
      "0a0e 0a0164 1209 21000000000000f03f", // d: double 1.0
      "0a0e 0a017a 1209 210000000000000080", // z: double -0
      "0a08 0a0162 1203 3a01ff", // b: bytes ff
      "0a07 0a0165 1202 0a00", // e: empty string is still written (oneof member)
      "0a07 0a0161 1202 2a00", // a: empty array
      "0a07 0a016d 1202 3200", // m: empty map
    ].join("");
    expect(hex(protobufCodec.encodeBody(body))).toBe(expected.replace(/ /g, ""));
    expect(protobufCodec.decodeBody(unhex(expected), budget(), 0)).toEqual(body);
  });

  test("every NaN is written as the quiet NaN 0x7FF8000000000000, a NaN payload is not kept", () => {
    const withPayload = unhex("0a0e 0a016e 1209 21 010000000000f87f");
    const decoded = protobufCodec.decodeBody(withPayload, budget(), 0);
    expect(decoded.attributes.get("n")).toBeNaN();
    expect(hex(protobufCodec.encodeBody(decoded))).toBe("0a0e0a016e120921000000000000f87f");
  });

  test("a reused codec gives the same bytes as a fresh one, and its output is not aliased", () => {
    const codec = createProtobufCodec();
    const a = codec.encodeEnvelope(minimal());
    const b = codec.encodeEnvelope(minimal());
    expect(hex(a)).toBe(hex(b));
    a[0] = 0;
    expect(b[0]).toBe(0x0a);
  });

  test("strings over 127 bytes get a two-byte length (the writer moves the content)", () => {
    const e = minimal();
    e.body.attributes.set("long", "é".repeat(100)); // 200 UTF-8 bytes
    const ours = protobufCodec.encodeEnvelope(e);
    expect(hex(ours)).toBe(hex(toBinary(EnvelopeSchema, toProtobufEs(e))));
  });
});

describe("the output slab and the string and int64 paths", () => {
  const reference = (e: Envelope) => hex(toBinary(EnvelopeSchema, toProtobufEs(e)));

  test("int64 and fixed64 extremes: the same bytes as protobuf-es, and back", () => {
    const e = minimal();
    (e.header as { timeUnixNano: bigint }).timeUnixNano = 2n ** 64n - 1n;
    const values = [
      -(2n ** 63n),
      2n ** 63n - 1n,
      2n ** 53n + 1n,
      -(2n ** 53n) - 1n,
      127n,
      128n,
      -1n,
    ];
    for (const [i, v] of values.entries()) e.body.attributes.set(`i${i}`, v);
    const ours = protobufCodec.encodeEnvelope(e);
    expect(hex(ours)).toBe(reference(e));
    expect(hex(ours)).toContain("19ffffffffffffffff22"); // time_unix_nano: fixed64 all ones, then producer
    // i0 = INT64_MIN: a ten-byte varint, 0x80 nine times then 0x01
    expect(hex(ours)).toContain("0a11 0a026930 120b 18 80808080808080808001".replace(/ /g, ""));
    expect(protobufCodec.decodeEnvelope(ours, budget(), 0)).toEqual(e);
  });

  test("results stay valid while the codec writes thousands more, across new slabs", () => {
    const codec = createProtobufCodec();
    const envelopes: Envelope[] = [];
    const outputs: Uint8Array[] = [];
    for (let i = 0; i < 3000; i++) {
      const e = minimal();
      // Mostly small; every 100th about 70 KB, larger than a slab, so an
      // output moves to a new slab in the middle of being written.
      const n = i % 100 === 99 ? 2000 : i % 7;
      for (let j = 0; j < n; j++)
        e.body.attributes.set(`k${j}`, `v${i}.${j}.${"x".repeat(j % 30)}`);
      envelopes.push(e);
      outputs.push(codec.encodeEnvelope(e));
    }
    envelopes.forEach((e, i) => {
      expect(hex(outputs[i]!)).toBe(reference(e));
    });
    // Results share slabs; none overlaps another.
    const spans = outputs
      .map((o) => [o.buffer, o.byteOffset, o.byteOffset + o.byteLength] as const)
      .sort((a, b) => (a[0] === b[0] ? a[1] - b[1] : 0));
    for (let i = 1; i < spans.length; i++) {
      if (spans[i]![0] === spans[i - 1]![0])
        expect(spans[i]![1]).toBeGreaterThanOrEqual(spans[i - 1]![2]);
    }
    expect(new Set(outputs.map((o) => o.buffer)).size).toBeLessThan(outputs.length / 10);
  });

  test("an encode that fails leaves the next output intact", () => {
    const codec = createProtobufCodec();
    const bad = minimal();
    bad.body.attributes.set("s", "x".repeat(40));
    bad.body.attributes.set("bad", Symbol("no") as never);
    expect(() => codec.encodeEnvelope(bad)).toThrow(/unsupported attribute value type symbol/);
    const good = codec.encodeEnvelope(minimal());
    expect(hex(good)).toBe(reference(minimal()));
  });

  test("keys and values that start ASCII and turn non-ASCII leave the inline path cleanly", () => {
    const e = minimal();
    // Around the inline limits (20 in ProtoWriter.string, 24 in writeAttributes).
    const edges = [19, 20, 21, 23, 24, 25].flatMap((n) => ["a".repeat(n), `${"a".repeat(n - 1)}é`]);
    for (const text of ["abcé", "é", "x😀", "", ...edges]) {
      e.body.attributes.set(text, text);
      e.body.attributes.set(`${text}#`, [text, text]);
    }
    const ours = protobufCodec.encodeEnvelope(e);
    expect(hex(ours)).toBe(reference(e));
    expect(protobufCodec.decodeEnvelope(ours, budget(), 0)).toEqual(e);
  });

  const strings = [
    "",
    "a".repeat(20), // longest string copied in JavaScript
    "a".repeat(21), // shortest written natively
    "ascii and a bit longer than the short-string limit",
    "é".repeat(21), // 42 bytes
    "𝄞 clef and é in a long-enough string",
    "x".repeat(127),
    "x".repeat(128), // two-byte length
    "é".repeat(70), // 140 bytes: the length prefix moves from one to two bytes
    "日本語".repeat(50), // 450 bytes
  ];

  test.each(
    strings.map((s) => [s.length, s] as const),
  )("a %i-unit string: native and portable paths give TextEncoder's bytes", (_, s) => {
    const utf8 = new TextEncoder().encode(s);
    for (const w of [new ProtoWriter(64), new ProtoWriter(64, null)]) {
      w.begin();
      w.byte(0x0a);
      w.string(s);
      const out = w.result();
      expect(out[0]).toBe(0x0a);
      const lengthBytes = utf8.length < 128 ? 1 : 2;
      expect(hex(out.subarray(1 + lengthBytes))).toBe(hex(utf8));
      const len = lengthBytes === 1 ? out[1]! : (out[1]! & 0x7f) | (out[2]! << 7);
      expect(len).toBe(utf8.length);
    }
  });

  test.each([
    "\ud800",
    `${"a".repeat(30)}\udc00`,
    `${"é".repeat(30)}\ud83d`,
    "ab\ud800cd",
  ])("a lone surrogate (%j) is rejected on both paths", (s) => {
    const text = JSON.parse(`"${s}"`) as string;
    for (const w of [new ProtoWriter(64), new ProtoWriter(64, null)]) {
      w.begin();
      try {
        w.string(text);
        expect.unreachable();
      } catch (error) {
        expect(isEnvelopeError(error, "invalid_utf8")).toBe(true);
      }
    }
  });

  test("decoded bytes are copies: changing the input afterwards changes nothing", () => {
    const e = minimal();
    (e.header as { trace?: unknown }).trace = {
      traceId: new Uint8Array(16).fill(7),
      spanId: new Uint8Array(8).fill(8),
      traceFlags: 1,
    };
    e.body.attributes.set("b", new Uint8Array([1, 2, 3]));
    const input = new Uint8Array(protobufCodec.encodeEnvelope(e));
    const decoded = protobufCodec.decodeEnvelope(input, budget(), 0);
    input.fill(0xee);
    expect(decoded).toEqual(e);
    expect(decoded.header.eventId.buffer).not.toBe(input.buffer);
  });

  test("short bytes values share a slab that is never written again; a detached slab is replaced", () => {
    const e = minimal();
    const input = protobufCodec.encodeEnvelope(e);
    const ids = Array.from(
      { length: 1000 },
      () => protobufCodec.decodeEnvelope(input, budget(), 0).header.eventId,
    );
    for (const id of ids) expect(hex(id)).toBe("01".repeat(16));
    expect(new Set(ids.map((id) => id.buffer)).size).toBeLessThan(10);
    // Transferring a value's ArrayBuffer detaches the slab; the next decode gets a new one.
    structuredClone(ids.at(-1)!.buffer, { transfer: [ids.at(-1)!.buffer] });
    const after = protobufCodec.decodeEnvelope(input, budget(), 0).header.eventId;
    expect(hex(after)).toBe("01".repeat(16));
  });
});

describe("unknown fields survive decode and re-encode", () => {
  test("in the header, the schema and the body", () => {
    const header = protobufCodec.encodeHeader(minimal().header);
    // Header field 8 (string "t1") and SchemaRef field 5 (varint 7) from a newer producer.
    const newerHeader = new Uint8Array([...header, 0x42, 0x02, 0x74, 0x31]);
    const decoded = protobufCodec.decodeHeader(newerHeader, budget(), 0);
    expect(decoded.$unknown).toEqual({
      codec: "protobuf",
      data: new Uint8Array([0x42, 0x02, 0x74, 0x31]),
    });
    expect(hex(protobufCodec.encodeHeader(decoded))).toBe(hex(newerHeader));

    const body = unhex("1a03 0a0178" + "0a07 0a0161 1202 1001"); // field 3 (unknown) then a bool attribute
    const decodedBody = protobufCodec.decodeBody(body, budget(), 0);
    expect(decodedBody.attributes.get("a")).toBe(true);
    expect(hex(protobufCodec.encodeBody(decodedBody))).toBe("0a070a01611202100" + "11a030a0178");
  });

  test("an AnyValue of a kind this version does not know is kept whole", () => {
    const body = unhex("0a09 0a0175 1204 4a02 6869"); // value: field 9 (unknown kind) "hi"
    const decoded = protobufCodec.decodeBody(body, budget(), 0);
    const value = decoded.attributes.get("u");
    expect(value).toBeInstanceOf(UnknownValue);
    expect(value).toEqual(new UnknownValue("protobuf", unhex("4a026869")));
    expect(hex(protobufCodec.encodeBody(decoded))).toBe(hex(body));
  });
});

function decodeError(bytes: Uint8Array, limits = DEFAULT_LIMITS) {
  try {
    protobufCodec.decodeBody(bytes, new DecodeBudget(limits), 100);
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, offset: error.offset, message: error.message };
  }
  throw new Error("expected an EnvelopeError");
}

describe("decodeSections: the two sections of a frame, read in place", () => {
  // Header and body sections as the frame holds them, with unrelated bytes
  // before and after: the reader reads in place (no copy, no subarray).
  function sectioned(e: Envelope, before: number, after: number) {
    const header = protobufCodec.encodeHeader(e.header);
    const body = protobufCodec.encodeBody(e.body);
    const bytes = new Uint8Array(before + header.length + body.length + after).fill(0x41);
    bytes.set(header, before);
    bytes.set(body, before + header.length);
    return {
      bytes,
      headerStart: before,
      bodyStart: before + header.length,
      end: before + header.length + body.length,
    };
  }

  test("decodes the same envelope wherever the sections sit in the input", () => {
    const e = minimal();
    e.body.attributes.set("a.key.longer.than.twelve", "a value longer than twelve");
    e.body.attributes.set("k", "v");
    for (const before of [0, 24, 1000]) {
      const { bytes, headerStart, bodyStart, end } = sectioned(e, before, 7);
      expect(protobufCodec.decodeSections!(bytes, headerStart, bodyStart, end, budget())).toEqual(
        e,
      );
    }
  });

  test("error offsets are absolute in the input", () => {
    const e = minimal();
    e.body.attributes.set("k", "v");
    const { bytes, headerStart, bodyStart, end } = sectioned(e, 24, 0);
    // The body is one KeyValue: 0a 08 | key 0a 01 "k" | value 12 03 (0a 01 "v").
    expect(hex(bytes.subarray(bodyStart, end))).toBe("0a080a016b12030a0176");
    bytes[bodyStart + 6] = 0x09; // AnyValue length 9: past the end of the KeyValue
    let caught: unknown;
    try {
      protobufCodec.decodeSections!(bytes, headerStart, bodyStart, end, budget());
    } catch (error) {
      caught = error;
    }
    expect(isEnvelopeError(caught, "truncated")).toBe(true);
    // The offset of the length that runs past the end, counted from the start of the input.
    expect((caught as { offset: number }).offset).toBe(bodyStart + 6);
  });
});

describe("bad input: only EnvelopeError, with a code and an offset", () => {
  test.each([
    ["length past the end", "0a05 0a01", "truncated", 101],
    ["varint cut short (unknown field)", "0a02 1880", "truncated", 103],
    ["tag varint cut short", "80", "truncated", 100],
    ["field number 0", "0000", "invalid_protobuf", 100],
    ["wire type mismatch on a known field", "0d00000000", "invalid_protobuf", 100],
    ["invalid wire type 7 in an unknown field", "7f", "invalid_protobuf", 101],
    [
      "varint longer than 10 bytes",
      "0a11 0a0161 120c 18ffffffffffffffffffff01",
      "invalid_protobuf",
      108,
    ],
    [
      "varint of 10 bytes past 64 bits",
      "0a10 0a0161 120b 18ffffffffffffffffff02",
      "invalid_protobuf",
      108,
    ],
    ["invalid UTF-8 in a key", "0a06 0a02c328 1200", "invalid_utf8", 104],
    ["attribute without a value", "0a03 0a0161", "invalid_value", 102],
    ["AnyValue with nothing set", "0a05 0a0161 1200", "invalid_value", 102],
    ["array element with nothing set", "0a09 0a0161 1204 2a02 0a00", "invalid_value", 109],
    ["duplicate key", "0a07 0a0161 1202 1001 0a07 0a0161 1202 1000", "duplicate_key", 111],
    ["mismatched end group in an unknown field", "2b 34", "invalid_protobuf", 101],
  ])("%s -> %s", (_name, input, code, offset) => {
    const error = decodeError(unhex(input));
    expect(error.code).toBe(code);
    expect(error.offset).toBe(offset);
  });

  test("nesting deeper than the limit -> limit_exceeded", () => {
    // An array inside an array inside ... (depth 3) with maxDepth 2.
    let value = unhex("1001"); // bool
    for (let i = 0; i < 3; i++)
      value = new Uint8Array([0x2a, value.length + 2, 0x0a, value.length, ...value]);
    const kv = new Uint8Array([0x0a, 0x01, 0x61, 0x12, value.length, ...value]);
    const body = new Uint8Array([0x0a, kv.length, ...kv]);
    expect(decodeError(body, resolveLimits({ maxDepth: 2 })).code).toBe("limit_exceeded");
    expect(
      protobufCodec
        .decodeBody(body, new DecodeBudget(resolveLimits({ maxDepth: 3 })), 0)
        .attributes.get("a"),
    ).toEqual([[[true]]]);
  });

  test("more attributes than the limit -> limit_exceeded", () => {
    const one = unhex("0a07 0a0161 1202 1001");
    const two = unhex("0a07 0a0162 1202 1001");
    expect(
      decodeError(new Uint8Array([...one, ...two]), resolveLimits({ maxAttributes: 1 })).code,
    ).toBe("limit_exceeded");
  });

  test("a string longer than the limit -> limit_exceeded before it is read", () => {
    expect(
      decodeError(unhex("0a09 0a05 6161616161 1200"), resolveLimits({ maxStringLength: 4 })).code,
    ).toBe("limit_exceeded");
  });

  test("random bytes never throw anything but EnvelopeError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          protobufCodec.decodeEnvelope(bytes, budget(), 0);
        } catch (error) {
          expect(isEnvelopeError(error)).toBe(true);
        }
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe("the codec object", () => {
  test("names itself, and checks attribute values while it writes them", () => {
    expect(protobufCodec.name).toBe("protobuf");
    expect(protobufCodec.id).toBe(CODEC_IDS.protobuf);
    expect(protobufCodec.checksAttributes).toBe(true);
  });

  test("encodeSections: reserved room, then the header and the body as encodeHeader and encodeBody write them, then the trailer", () => {
    const codec = createProtobufCodec();
    const e = minimal();
    e.body.attributes.set("k", "v");
    const header = hex(codec.encodeHeader(e.header));
    const body = hex(codec.encodeBody(e.body));
    // Twice: the second output does not start at the slab's start.
    for (let i = 0; i < 2; i++) {
      const s = codec.encodeSections!(e, 24, 4);
      expect([s.headerLength, s.bodyLength]).toEqual([header.length / 2, body.length / 2]);
      expect(s.bytes.length).toBe(24 + s.headerLength + s.bodyLength + 4);
      expect(hex(s.bytes.subarray(24, 24 + s.headerLength))).toBe(header);
      expect(hex(s.bytes.subarray(24 + s.headerLength, s.bytes.length - 4))).toBe(body);
    }
  });

  test("an encode started from inside another (a Map subclass calling back) gets its own writer", () => {
    const codec = createProtobufCodec();
    const inner = minimal();
    inner.body.attributes.set("inner", "x".repeat(30));
    const innerBytes: Uint8Array[] = [];
    class Calling extends Map<string, never> {
      override forEach(...args: Parameters<Map<string, never>["forEach"]>): void {
        innerBytes.push(codec.encodeBody(inner.body));
        super.forEach(...args);
      }
    }
    const outer = minimal();
    const attributes = new Calling([["outer", "y".repeat(30) as never]]);
    (outer.body as { attributes: unknown }).attributes = attributes;
    // The header is written before the body's attributes call back.
    const outerBytes = codec.encodeEnvelope(outer);
    const plain = { ...outer, body: { ...outer.body, attributes: new Map(attributes) } };
    expect(hex(outerBytes)).toBe(hex(createProtobufCodec().encodeEnvelope(plain)));
    expect(hex(innerBytes[0]!)).toBe(hex(createProtobufCodec().encodeBody(inner.body)));
  });
});

describe("attribute values on the way out", () => {
  const bodyBytes = (attributes: Map<string, unknown>) =>
    hex(protobufCodec.encodeBody({ attributes: attributes as never, extensions: [] }));
  const failure = (value: unknown) => {
    try {
      protobufCodec.encodeBody({ attributes: new Map([["k", value as never]]), extensions: [] });
    } catch (error) {
      if (isEnvelopeError(error)) return [error.code, error.detail];
      throw error;
    }
    throw new Error("expected an EnvelopeError");
  };

  test("keys and values of every size, written on a tiny slab, are the bytes protobuf-es writes", () => {
    const attributes = new Map<string, unknown>();
    for (const n of [1, 3, 23, 24, 25, 126, 130, 300]) {
      attributes.set("k".repeat(n), "v".repeat(n));
      attributes.set(`${"q".repeat(n)}\u0080`, `${"w".repeat(n)}\u0080`);
    }
    attributes.set("\u0080", "\u0080");
    const e = minimal();
    for (const [k, v] of attributes) e.body.attributes.set(k, v as never);
    const expected = hex(toBinary(EnvelopeSchema, toProtobufEs(e)));
    const w = new ProtoWriter(8);
    w.begin();
    writeAttributes(w, 0x0a, e.body.attributes, 0);
    const ours = hex(w.result());
    expect(expected.endsWith(ours)).toBe(true);
    expect(bodyBytes(attributes)).toBe(ours);
  });

  test("values nest 32 deep, no deeper", () => {
    const nested = (n: number): unknown => (n === 0 ? true : [nested(n - 1)]);
    expect(() => bodyBytes(new Map([["a", nested(32)]]))).not.toThrow();
    expect(failure(nested(33))).toEqual(["limit_exceeded", "nested deeper than 32"]);
    const map = (n: number): unknown => (n === 0 ? true : new Map([["m", map(n - 1)]]));
    expect(() => bodyBytes(new Map([["a", map(32)]]))).not.toThrow();
    expect(failure(map(33))).toEqual(["limit_exceeded", "nested deeper than 32"]);
  });

  test("values no protobuf AnyValue holds are invalid_value", () => {
    expect(failure(2n ** 63n)).toEqual(["invalid_value", "int64 out of range"]);
    expect(failure(-(2n ** 63n) - 1n)).toEqual(["invalid_value", "int64 out of range"]);
    expect(failure(Symbol("s"))).toEqual([
      "invalid_value",
      "unsupported attribute value type symbol",
    ]);
    expect(failure(null)).toEqual(["invalid_value", "unsupported attribute value type null"]);
    expect(failure({ codec: "protobuf" })).toEqual([
      "invalid_value",
      "unsupported attribute value type object",
    ]);
    expect(failure(new UnknownValue("cbor", new Uint8Array([1])))).toEqual([
      "invalid_value",
      "an attribute value of a kind unknown to this version was read by the cbor codec and cannot be written as protobuf",
    ]);
  });

  test("unknown fields another codec read are not written as protobuf", () => {
    const header = {
      ...minimal().header,
      $unknown: { codec: "cbor" as const, data: new Uint8Array([0xa0]) },
    };
    expect(hex(protobufCodec.encodeHeader(header))).toBe(
      hex(protobufCodec.encodeHeader(minimal().header)),
    );
  });
});
