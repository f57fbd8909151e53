// Differential tests against cbor-x with the standard RFC 8949 options: where
// the envelope mapping and cbor-x agree on how to write a value, the bytes
// must be identical, and each side must read the other's bytes to the same values.
//
// Where they differ by design (so excluded from byte comparison): cbor-x writes
// integral doubles, including -0, as integers (the mapping keeps every double
// a float64), writes lone surrogates of short strings as invalid UTF-8 (the
// mapping writes U+FFFD), and knows no int64 kind (a JS number below 2^32 is
// written as the same shortest integer as our bigint; a bigint always as 9 bytes,
// which is also the shortest form from 2^32 up).
import { cborCodec, decodeCborItem, encodeCborItem } from "@envelope/cbor";
import {
  type Attributes,
  type AttributeValue,
  type Envelope,
  type Extension,
  type Header,
  isEnvelopeError,
} from "@envelope/core";
import { Decoder, Encoder } from "cbor-x";
import { describe, expect, test } from "vitest";
import { budget, fullEnvelope, minimalEnvelope, toHex } from "./helpers.js";

const std = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  variableMapSize: true,
  ...({ useTag259ForMaps: false } as object),
});
const asMaps = new Decoder({ useRecords: false, mapsAsObjects: false });
const cborx = (value: unknown): Uint8Array => Uint8Array.from(std.encode(value) as Uint8Array);

/** The value cbor-x is given for a model value: plain numbers for ints below 2^32, Maps kept. */
function plain(value: AttributeValue): unknown {
  if (typeof value === "bigint")
    return value >= -(2n ** 32n) && value < 2n ** 32n ? Number(value) : value;
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, plain(v)]));
  return value;
}

/** cbor-x's decoded value in model terms: integral numbers came from CBOR integers (no integral doubles here). */
function model(value: unknown): unknown {
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(model);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, model(v)]));
  if (value instanceof Uint8Array) return Uint8Array.from(value);
  return value;
}

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  "a",
  "b",
  "Z",
  "0",
  " ",
  "_",
  ".",
  "é",
  "ß",
  "水",
  "🎉",
  "\u0000",
  "\u007f",
  "\u0080",
  "\uffff",
  "𐅑",
];
const INTS = [
  0n,
  1n,
  23n,
  24n,
  255n,
  256n,
  65535n,
  65536n,
  2n ** 31n - 1n,
  2n ** 32n - 1n,
  2n ** 32n,
  2n ** 53n,
  2n ** 63n - 1n,
];

class Values {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = prng(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  text(): string {
    const lengths = [0, 1, 5, 23, 24, 31, 32, 33, 63, 64, 65, 100, 255, 256, 300];
    const n = lengths[this.int(lengths.length)]!;
    let s = "";
    const ascii = this.next() < 0.6;
    while (s.length < n)
      s += ascii ? String.fromCharCode(0x20 + this.int(95)) : ALPHABET[this.int(ALPHABET.length)];
    return s;
  }
  value(depth: number): AttributeValue {
    switch (this.int(depth >= 3 ? 6 : 8)) {
      case 0:
        return this.text();
      case 1:
        return this.next() < 0.5;
      case 2: {
        const v = INTS[this.int(INTS.length)]! + BigInt(this.int(3)) - 1n;
        const signed = this.next() < 0.5 ? -v : v;
        return signed >= -(2n ** 63n) && signed < 2n ** 63n ? signed : 0n;
      }
      case 3: {
        const specials = [
          Number.NaN,
          Number.POSITIVE_INFINITY,
          Number.NEGATIVE_INFINITY,
          0.1,
          -2.5,
          1e-300,
          5e-324,
        ];
        if (this.next() < 0.2) return specials[this.int(specials.length)]!;
        return (this.next() - 0.5) * 10 ** this.int(12) + 0.5; // never integral
      }
      case 4:
        return Uint8Array.from({ length: [0, 1, 23, 24, 300][this.int(5)]! }, () => this.int(256));
      case 5:
        return this.text();
      case 6:
        return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      default:
        return this.map(this.int(5), depth + 1);
    }
  }
  map(n: number, depth: number): Attributes {
    const out: Attributes = new Map();
    while (out.size < n) out.set(this.text(), this.value(depth));
    return out;
  }
}

describe("attribute values against cbor-x", () => {
  const values = new Values(2024);
  const samples = Array.from({ length: 3000 }, () => values.value(0));

  test("same bytes as cbor-x for every value both write the same way", () => {
    for (const v of samples) expect(toHex(encodeCborItem(v))).toBe(toHex(cborx(plain(v))));
  });

  test("we read cbor-x's bytes to the original value", () => {
    for (const v of samples) {
      const back = decodeCborItem(cborx(plain(v)));
      expect(back).toEqual(v);
    }
  });

  test("cbor-x reads our bytes to the same value", () => {
    for (const v of samples) expect(model(asMaps.decode(encodeCborItem(v)))).toEqual(v);
  });

  test("where cbor-x reads our deterministic bytes, values are equal too", () => {
    for (const v of samples) {
      const decoded = model(asMaps.decode(encodeCborItem(v, { deterministic: true })));
      // Shortest floats may be integral (1.0 as f93c00): compare as numbers then.
      expect(normalizeNumbers(decoded)).toEqual(normalizeNumbers(v));
    }
  });

  test("long text: Node's fast path and the portable encoder agree (checked through TextEncoder)", () => {
    const encoder = new TextEncoder();
    for (const text of [
      "a".repeat(33),
      `${"é".repeat(40)}x`,
      "🎉".repeat(100),
      `\ufeff${"z".repeat(70)}`,
    ]) {
      const bytes = encodeCborItem(text);
      const utf8 = encoder.encode(text);
      expect(toHex(bytes.subarray(bytes.length - utf8.length))).toBe(toHex(utf8));
    }
  });
});

function normalizeNumbers(value: unknown): unknown {
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map(normalizeNumbers);
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, normalizeNumbers(v)]));
  return value;
}

/** The envelope as cbor-x input: integer-keyed Maps, fields present exactly when protobuf writes them. */
function envelopeForCborX(e: Envelope): Map<number, unknown> {
  return new Map<number, unknown>([
    [1, headerForCborX(e.header)],
    [2, bodyForCborX(e.body)],
  ]);
}

function fields(entries: Array<[number, unknown, boolean]>): Map<number, unknown> {
  return new Map(entries.filter(([, , present]) => present).map(([k, v]) => [k, v]));
}

function headerForCborX(h: Header): Map<number, unknown> {
  const s = h.schema;
  const p = h.producer;
  const t = h.trace;
  const r = h.resource;
  return fields([
    [
      1,
      fields([
        [1, s.type, s.type !== ""],
        [2, s.subtype, s.subtype !== ""],
        [3, s.version, s.version !== ""],
        [4, s.url, s.url !== undefined],
      ]),
      true,
    ],
    [2, h.eventId, h.eventId.length > 0],
    [3, plain(h.timeUnixNano), h.timeUnixNano !== 0n],
    [
      4,
      fields([
        [1, p.language, p.language !== ""],
        [2, p.version, p.version !== ""],
      ]),
      true,
    ],
    [
      5,
      t &&
        fields([
          [1, t.traceId, t.traceId.length > 0],
          [2, t.spanId, t.spanId.length > 0],
          [3, t.parentSpanId, (t.parentSpanId?.length ?? 0) > 0],
          [4, t.traceFlags, t.traceFlags !== 0],
          [5, t.traceState, (t.traceState ?? "") !== ""],
        ]),
      t !== undefined,
    ],
    [
      6,
      fields([
        [1, r.serviceName, r.serviceName !== ""],
        [2, r.serviceVersion, r.serviceVersion !== undefined],
        [3, r.environment, r.environment !== undefined],
        [4, r.region, r.region !== undefined],
        [5, r.host, r.host !== undefined],
        [6, plain(r.attributes), r.attributes.size > 0],
      ]),
      true,
    ],
    [
      7,
      h.status &&
        fields([
          [1, h.status.code, h.status.code !== 0],
          [2, h.status.message, h.status.message !== ""],
        ]),
      h.status !== undefined,
    ],
  ]);
}

function bodyForCborX(b: Envelope["body"]): Map<number, unknown> {
  const extension = (x: Extension) =>
    fields([
      [1, x.namespace, x.namespace !== ""],
      [2, x.version, x.version !== ""],
      [3, plain(x.attributes), x.attributes.size > 0],
    ]);
  return fields([
    [1, plain(b.attributes), b.attributes.size > 0],
    [2, b.extensions.map(extension), b.extensions.length > 0],
  ]);
}

describe("whole envelopes against cbor-x", () => {
  const values = new Values(7);
  const envelopes: Envelope[] = [minimalEnvelope()];
  for (let i = 0; i < 200; i++) {
    const e = minimalEnvelope();
    e.header.timeUnixNano = 1_700_000_000_000_000_000n + BigInt(i);
    e.header.resource.attributes = values.map(values.int(4), 0);
    e.body.attributes = values.map(values.int(12), 0);
    e.body.extensions = [
      { namespace: "x", version: "1.0.0", attributes: values.map(values.int(3), 0) },
    ];
    if (i % 3 === 0) e.header.status = { code: 1, message: values.text() };
    envelopes.push(e);
  }
  const full = fullEnvelope();
  // cbor-x writes -0 and integral doubles as integers: leave those out of the full envelope here.
  for (const key of ["latency_ms", "neg_zero"]) full.body.attributes.delete(key);
  (full.body.attributes.get("tags") as AttributeValue[])[2] = 2.5;
  envelopes.push(full);

  test("same bytes as cbor-x over the equivalent integer-keyed maps", () => {
    for (const e of envelopes) {
      expect(toHex(cborCodec.encodeEnvelope(e))).toBe(toHex(cborx(envelopeForCborX(e))));
    }
  });

  test("we read cbor-x's bytes to the original envelope, in order", () => {
    for (const e of envelopes) {
      const back = cborCodec.decodeEnvelope(cborx(envelopeForCborX(e)), budget(), 0);
      expect(back).toEqual(e);
      expect([...back.body.attributes.keys()]).toEqual([...e.body.attributes.keys()]);
    }
  });

  test("cbor-x reads our bytes to the same maps", () => {
    for (const e of envelopes) {
      expect(model(asMaps.decode(cborCodec.encodeEnvelope(e)))).toEqual(model(envelopeForCborX(e)));
    }
  });
});

describe("UTF-8 validation against the platform's fatal decoder", () => {
  const fatal = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  const next = prng(31337);
  // Bytes biased towards UTF-8 structure: ASCII, continuation bytes, lead bytes, edge leads.
  const pool = [
    0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xee, 0xef,
    0xf0, 0xf4, 0xf5, 0xff,
  ];

  test.each([
    3, 12, 31, 33, 80,
  ])("random text strings of %d bytes: same verdict and same string", (length) => {
    for (let i = 0; i < 4000; i++) {
      const content = Uint8Array.from({ length }, () =>
        next() < 0.5 ? pool[Math.floor(next() * pool.length)]! : Math.floor(next() * 256),
      );
      const item = new Uint8Array(length + 2);
      item.set([0x78, length]);
      item.set(content, 2);
      let expected: string | undefined;
      try {
        expected = fatal.decode(content);
      } catch {
        expected = undefined;
      }
      let actual: unknown;
      try {
        actual = decodeCborItem(item);
      } catch (error) {
        if (!isEnvelopeError(error, "invalid_utf8")) throw error;
        actual = undefined;
      }
      if (actual !== expected) throw new Error(`verdicts differ on ${toHex(content)}`);
    }
  }, 60_000);
});
