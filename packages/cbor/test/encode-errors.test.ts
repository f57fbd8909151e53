// Errors of the writing side, message for message: the code, the field path
// (none at the root, as the decoder reports it) and the wording users read.
import { cborCodec, createCborCodec, encodeCborItem } from "@envelope/cbor";
import {
  type AttributeValue,
  type Envelope,
  type EnvelopeError,
  UnknownValue,
} from "@envelope/core";
import { describe, expect, test } from "vitest";
import { fromHex, minimalEnvelope, thrown } from "./helpers.js";

const deterministic = createCborCodec({ deterministic: true });

/** Encodes the minimal envelope after `change`, with both profiles; both must fail alike. */
function envelopeError(change: (e: Envelope) => unknown): EnvelopeError {
  const errors = [cborCodec, deterministic].map((codec) => {
    const e = minimalEnvelope();
    change(e);
    return thrown(() => codec.encodeEnvelope(e));
  });
  expect(errors[1]!.message).toBe(errors[0]!.message);
  return errors[0]!;
}

class Point {}
const set = (key: string, value: unknown) => (e: Envelope) => {
  e.body.attributes.set(key, value as AttributeValue);
};

const flags = (traceFlags: unknown) => (e: Envelope) =>
  Object.assign(e.header, {
    trace: { traceId: new Uint8Array(16), spanId: new Uint8Array(8), traceFlags },
  });

// [case, change to the minimal envelope, full message]
const FIELD_ERRORS: Array<[string, (e: Envelope) => unknown, string]> = [
  [
    "string field a number",
    (e) => Object.assign(e.header.schema, { type: 1 as never }),
    "[invalid_value] expected a string, got number (at header.schema.type)",
  ],
  [
    "string field null",
    (e) => Object.assign(e.header.schema, { subtype: null as never }),
    "[invalid_value] expected a string, got null (at header.schema.subtype)",
  ],
  [
    "string field a plain object",
    (e) => Object.assign(e.header.schema, { version: {} as never }),
    "[invalid_value] expected a string, got Object (at header.schema.version)",
  ],
  [
    "string field a class instance",
    (e) => Object.assign(e.header.producer, { language: new Point() as never }),
    "[invalid_value] expected a string, got Point (at header.producer.language)",
  ],
  [
    "string field a null-prototype object",
    (e) => Object.assign(e.header.producer, { version: Object.create(null) as never }),
    "[invalid_value] expected a string, got object (at header.producer.version)",
  ],
  [
    "optional string field a number",
    (e) => Object.assign(e.header.schema, { url: 5 as never }),
    "[invalid_value] expected a string, got number (at header.schema.url)",
  ],
  [
    "optional string of resource",
    (e) => Object.assign(e.header.resource, { region: false as never }),
    "[invalid_value] expected a string, got boolean (at header.resource.region)",
  ],
  [
    "bytes field a string",
    (e) => Object.assign(e.header, { eventId: "00" as never }),
    "[invalid_value] expected a Uint8Array, got string (at header.eventId)",
  ],
  [
    "bytes field an array",
    (e) => Object.assign(e.header, { eventId: [1, 2] as never }),
    "[invalid_value] expected a Uint8Array, got Array (at header.eventId)",
  ],
  [
    "uint32 not an integer",
    (e) =>
      Object.assign(e.header, {
        trace: { traceId: new Uint8Array(16), spanId: new Uint8Array(8), traceFlags: 1.5 },
      }),
    "[invalid_value] expected an integer 0..2^32-1, got 1.5 (at header.trace.traceFlags)",
  ],
  [
    "uint32 above 2^32-1",
    flags(2 ** 32),
    "[invalid_value] expected an integer 0..2^32-1, got 4294967296 (at header.trace.traceFlags)",
  ],
  [
    "uint32 negative",
    (e) =>
      Object.assign(e.header, {
        trace: { traceId: new Uint8Array(16), spanId: new Uint8Array(8), traceFlags: -1 },
      }),
    "[invalid_value] expected an integer 0..2^32-1, got -1 (at header.trace.traceFlags)",
  ],
  [
    "uint32 a bigint",
    flags(1n as never),
    "[invalid_value] expected an integer 0..2^32-1, got bigint (at header.trace.traceFlags)",
  ],
  [
    "status code a string",
    (e) => Object.assign(e.header, { status: { code: "ok" as never, message: "" } }),
    "[invalid_value] expected an integer 0..2^32-1, got string (at header.status.code)",
  ],
  [
    "uint64 a number",
    (e) => Object.assign(e.header, { timeUnixNano: 5 as never }),
    "[invalid_value] expected a bigint 0..2^64-1, got number (at header.timeUnixNano)",
  ],
  [
    "uint64 negative",
    (e) => Object.assign(e.header, { timeUnixNano: -1n }),
    "[invalid_value] expected a bigint 0..2^64-1, got -1 (at header.timeUnixNano)",
  ],
  [
    "uint64 above 2^64-1",
    (e) => Object.assign(e.header, { timeUnixNano: 2n ** 64n }),
    "[invalid_value] expected a bigint 0..2^64-1, got 18446744073709551616 (at header.timeUnixNano)",
  ],
  [
    "message not an object",
    (e) => Object.assign(e.header, { producer: "ts" as never }),
    "[invalid_value] expected an object, got string (at header.producer)",
  ],
  [
    "header not an object",
    (e) => Object.assign(e, { header: 1 as never }),
    "[invalid_value] expected an object, got number (at header)",
  ],
  [
    "body not an object",
    (e) => Object.assign(e, { body: true as never }),
    "[invalid_value] expected an object, got boolean (at body)",
  ],
  [
    "attributes not a Map",
    (e) => Object.assign(e.body, { attributes: {} as never }),
    "[invalid_value] expected a Map, got Object (at body.attributes)",
  ],
  [
    "resource attributes not a Map",
    (e) => Object.assign(e.header.resource, { attributes: [] as never }),
    "[invalid_value] expected a Map, got Array (at header.resource.attributes)",
  ],
  [
    "extensions not an array",
    (e) => Object.assign(e.body, { extensions: {} as never }),
    "[invalid_value] expected an array, got Object (at body.extensions)",
  ],
  [
    "extension not an object",
    (e) => Object.assign(e.body, { extensions: [null as never] }),
    "[invalid_value] expected an object, got null (at body.extensions[0])",
  ],
  [
    "extension namespace not a string",
    (e) =>
      Object.assign(e.body, {
        extensions: [{ namespace: 1 as never, version: "1.0.0", attributes: new Map() }],
      }),
    "[invalid_value] expected a string, got number (at body.extensions[0].namespace)",
  ],
  [
    "status code negative",
    (e) => Object.assign(e.header, { status: { code: -1, message: "" } }),
    "[invalid_value] expected an integer 0..2^32-1, got -1 (at header.status.code)",
  ],
  [
    "UnknownValue of another codec",
    set("x", new UnknownValue("json", [])),
    '[invalid_value] cannot encode UnknownValue as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"])',
  ],
  [
    "non-string key at the top of an attribute map",
    (e) => e.body.attributes.set(2 as never, 1n),
    "[invalid_value] attribute keys must be strings, got number (at body.attributes)",
  ],
  [
    "int64 above range",
    set("x", 2n ** 63n),
    '[invalid_value] 9223372036854775808 is outside the int64 range (at body.attributes["x"])',
  ],
  [
    "int64 below range",
    set("x", -(2n ** 63n) - 1n),
    '[invalid_value] -9223372036854775809 is outside the int64 range (at body.attributes["x"])',
  ],
  [
    "undefined value",
    set("x", undefined),
    '[invalid_value] cannot encode undefined as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"])',
  ],
  [
    "null value",
    set("x", null),
    '[invalid_value] cannot encode null as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"])',
  ],
  [
    "object value",
    set("x", {}),
    '[invalid_value] cannot encode Object as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"])',
  ],
  [
    "class instance value",
    set("x", new Point()),
    '[invalid_value] cannot encode Point as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"])',
  ],
  [
    "function value",
    set("x", () => 1),
    '[invalid_value] cannot encode function as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"])',
  ],
  [
    "deep bad value",
    set("x", [1n, new Map([["y", [Symbol("s")]]])]),
    '[invalid_value] cannot encode symbol as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at body.attributes["x"][1]["y"][0])',
  ],
  [
    "non-string key in a nested map",
    set("x", new Map([[1 as never, 1n]])),
    '[invalid_value] attribute keys must be strings, got number (at body.attributes["x"])',
  ],
  [
    "non-string key among others",
    set(
      "x",
      new Map<unknown, unknown>([
        ["a", 1n],
        [null, 1n],
      ]) as never,
    ),
    '[invalid_value] attribute keys must be strings, got null (at body.attributes["x"])',
  ],
];

const unknownAt = (where: "envelope" | "producer", data: unknown) => (e: Envelope) => {
  const u = { codec: "cbor", data } as never;
  if (where === "envelope") e.$unknown = u;
  else e.header.producer.$unknown = u;
};

const UNKNOWN_ERRORS: Array<[string, (e: Envelope) => unknown, string]> = [
  [
    "envelope: a known key",
    unknownAt("envelope", [[1, fromHex("01")]]),
    "[invalid_value] key 1 is a known field of this message (at $unknown[0])",
  ],
  [
    "envelope: not a list",
    unknownAt("envelope", {}),
    "[invalid_value] CBOR unknown fields must be a list of [key, bytes] (at $unknown)",
  ],
  [
    "producer: not a list",
    unknownAt("producer", "9"),
    "[invalid_value] CBOR unknown fields must be a list of [key, bytes] (at header.producer.$unknown)",
  ],
  [
    "producer: an entry not an array",
    unknownAt("producer", [[9, fromHex("01")], 9]),
    "[invalid_value] expected a [key, bytes] pair (at header.producer.$unknown[1])",
  ],
  [
    "producer: a pair too short",
    unknownAt("producer", [[9]]),
    "[invalid_value] expected a [key, bytes] pair (at header.producer.$unknown[0])",
  ],
  [
    "producer: a pair too long",
    unknownAt("producer", [[9, fromHex("01"), 0]]),
    "[invalid_value] expected a [key, bytes] pair (at header.producer.$unknown[0])",
  ],
  [
    "producer: a text key",
    unknownAt("producer", [["k", fromHex("01")]]),
    "[invalid_value] an unknown key must be an integer (at header.producer.$unknown[0])",
  ],
  [
    "producer: a fractional key",
    unknownAt("producer", [[1.5, fromHex("01")]]),
    "[invalid_value] an unknown key must be an integer (at header.producer.$unknown[0])",
  ],
  [
    "producer: an unsafe number key",
    unknownAt("producer", [[2 ** 53, fromHex("01")]]),
    "[invalid_value] an unknown key must be an integer (at header.producer.$unknown[0])",
  ],
  [
    "producer: known key 1",
    unknownAt("producer", [[1, fromHex("01")]]),
    "[invalid_value] key 1 is a known field of this message (at header.producer.$unknown[0])",
  ],
  [
    "producer: known key 2 as a bigint",
    unknownAt("producer", [[2n, fromHex("01")]]),
    "[invalid_value] key 2 is a known field of this message (at header.producer.$unknown[0])",
  ],
  [
    "producer: key above 2^64-1",
    unknownAt("producer", [[2n ** 64n, fromHex("01")]]),
    "[invalid_value] an unknown key must fit a CBOR integer (at header.producer.$unknown[0])",
  ],
  [
    "producer: key below -2^64",
    unknownAt("producer", [[-(2n ** 64n) - 1n, fromHex("01")]]),
    "[invalid_value] an unknown key must fit a CBOR integer (at header.producer.$unknown[0])",
  ],
  [
    "producer: a key twice (number and bigint)",
    unknownAt("producer", [
      [9, fromHex("01")],
      [9n, fromHex("02")],
    ]),
    "[invalid_value] key 9 appears twice (at header.producer.$unknown[1])",
  ],
  [
    "producer: value not bytes",
    unknownAt("producer", [[9, 1]]),
    "[invalid_value] an unknown value must be the raw bytes of one CBOR item (at header.producer.$unknown[0])",
  ],
  [
    "producer: value two items",
    unknownAt("producer", [[9, fromHex("0102")]]),
    "[invalid_value] an unknown value is not one well-formed CBOR item: [trailing_bytes] 1 byte(s) after the CBOR item (at byte 1) (at header.producer.$unknown[0])",
  ],
  [
    "producer: value a lone break",
    unknownAt("producer", [[9, fromHex("ff")]]),
    "[invalid_value] an unknown value is not one well-formed CBOR item: [invalid_cbor] unexpected break stop code (at byte 0) (at header.producer.$unknown[0])",
  ],
  [
    "producer: value empty",
    unknownAt("producer", [[9, new Uint8Array(0)]]),
    "[invalid_value] an unknown value is not one well-formed CBOR item: [truncated] the input ends inside a CBOR item (at byte 0) (at header.producer.$unknown[0])",
  ],
];

describe("unknown fields are checked before they are written back", () => {
  test.each(UNKNOWN_ERRORS)("%s", (_, change, message) => {
    expect(envelopeError(change).message).toBe(message);
  });
});

test("an unknown value that is not one item keeps the reader's error as the cause", () => {
  const error = envelopeError(unknownAt("producer", [[9, fromHex("0102")]]));
  expect((error.cause as EnvelopeError).message).toBe(
    "[trailing_bytes] 1 byte(s) after the CBOR item (at byte 1)",
  );
});

describe("field and attribute errors name the path", () => {
  test.each(FIELD_ERRORS)("%s", (_, change, message) => {
    expect(envelopeError(change).message).toBe(message);
  });
});

const ROOT_ERRORS: Array<[string, () => unknown, string]> = [
  [
    "envelope not an object",
    () => cborCodec.encodeEnvelope(1 as never),
    "[invalid_value] expected an object, got number",
  ],
  [
    "envelope null",
    () => deterministic.encodeEnvelope(null as never),
    "[invalid_value] expected an object, got null",
  ],
  [
    "item null",
    () => encodeCborItem(null as never),
    "[invalid_value] cannot encode null as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map)",
  ],
  [
    "item undefined",
    () => encodeCborItem(undefined as never),
    "[invalid_value] cannot encode undefined as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map)",
  ],
  [
    "item a plain object",
    () => encodeCborItem({} as never),
    "[invalid_value] cannot encode Object as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map)",
  ],
  [
    "item above int64",
    () => encodeCborItem(2n ** 63n),
    "[invalid_value] 9223372036854775808 is outside the int64 range",
  ],
  [
    "item a map with a non-string key",
    () => encodeCborItem(new Map([[1 as never, 1n]])),
    "[invalid_value] attribute keys must be strings, got number",
  ],
  [
    "item in an array",
    () => encodeCborItem([1n, [null as never]]),
    "[invalid_value] cannot encode null as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at [1][0])",
  ],
  [
    "item in a map",
    () => encodeCborItem(new Map([["a", new Map([["b", undefined as never]])]])),
    '[invalid_value] cannot encode undefined as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at ["a"]["b"])',
  ],
  [
    "item in a sorted map",
    () =>
      encodeCborItem(
        new Map<string, AttributeValue>([
          ["b", 1n],
          ["a", [2n, {} as never]],
        ]),
        { deterministic: true },
      ),
    '[invalid_value] cannot encode Object as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map) (at ["a"][1])',
  ],
  [
    "item non-string key in a sorted map",
    () =>
      encodeCborItem(
        new Map<string, AttributeValue>([
          ["b", 1n],
          [3 as never, 1n],
        ]),
        { deterministic: true },
      ),
    "[invalid_value] attribute keys must be strings, got number",
  ],
];

describe("errors at the root have no path", () => {
  test.each(ROOT_ERRORS)("%s", (_, run, message) => {
    const error = thrown(run);
    expect(error.message).toBe(message);
    expect(error.path).toBe(/ \(at (.+)\)$/.exec(message)?.[1]);
  });
});
