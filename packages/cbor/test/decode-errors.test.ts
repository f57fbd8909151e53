// Errors of the reading side, message for message: the code, the wording, the
// field or attribute path (none at the root) and the byte offset users read.
import {
  type CborUnknownFields,
  cborCodec,
  checkCborWellFormed,
  decodeCborItem,
} from "@envelope/cbor";
import type { Limits } from "@envelope/core";
import { describe, expect, test } from "vitest";
import { budget, fromHex, thrown } from "./helpers.js";

type Decoder = "envelope" | "header" | "body" | "item" | "well-formed";

function decode(kind: Decoder, hex: string, limits?: Partial<Limits>): unknown {
  const bytes = fromHex(hex);
  switch (kind) {
    case "envelope":
      return cborCodec.decodeEnvelope(bytes, budget(limits), 0);
    case "header":
      return cborCodec.decodeHeader(bytes, budget(limits), 0);
    case "body":
      return cborCodec.decodeBody(bytes, budget(limits), 0);
    case "item":
      return decodeCborItem(bytes, limits);
    case "well-formed":
      return checkCborWellFormed(bytes, limits);
  }
}

// [case, decoder, input hex, limits, full message]
const ERRORS: Array<[string, Decoder, string, Partial<Limits> | undefined, string]> = [
  [
    "well-formed: chunked key over maxKeyLength 0",
    "well-formed",
    "a1 7f 61 61 ff 01",
    { maxKeyLength: 0 },
    "[limit_exceeded] a key of 1 bytes is longer than maxKeyLength (0) (at byte 1)",
  ],
  [
    "well-formed: invalid UTF-8 after ASCII",
    "well-formed",
    "63 61 c3 28",
    undefined,
    "[invalid_utf8] text string is not valid UTF-8 (at byte 2)",
  ],
  // message maps
  [
    "envelope without a header",
    "envelope",
    "a0",
    undefined,
    "[missing_field] envelope has no header (key 1) (at header, at byte 0)",
  ],
  [
    "message map count past the input",
    "header",
    "a3 01 a0",
    undefined,
    "[truncated] the input ends inside a CBOR item (at header, at byte 0)",
  ],
  [
    "indefinite integer key",
    "header",
    "a1 1f 00",
    undefined,
    "[invalid_cbor] an integer cannot have an indefinite length (at header, at byte 1)",
  ],
  [
    "break as a message key",
    "header",
    "a1 ff",
    undefined,
    "[invalid_cbor] unexpected break stop code (at header, at byte 1)",
  ],
  [
    "text message key",
    "header",
    "a1 6474797065 00",
    undefined,
    "[invalid_cbor] message maps have integer keys (field numbers); a text key is not part of the CBOR mapping (at header, at byte 1)",
  ],
  [
    "byte string message key",
    "header",
    "a1 40 00",
    undefined,
    "[invalid_cbor] message map keys must be integers, got a byte string (at header, at byte 1)",
  ],
  [
    "float message key",
    "envelope",
    "a1 f93c00 00",
    undefined,
    "[invalid_cbor] message map keys must be integers, got a float or simple value (at byte 1)",
  ],
  [
    "known key twice",
    "header",
    "a2 02 40 02 40",
    undefined,
    "[duplicate_key] key 2 appears twice (at header.eventId, at byte 3)",
  ],
  [
    "unknown key twice",
    "header",
    "a2 09 00 09 00",
    undefined,
    "[duplicate_key] key 9 appears twice (at header, at byte 3)",
  ],
  [
    "unknown key twice, negative",
    "body",
    "a2 20 00 20 00",
    undefined,
    "[duplicate_key] key -1 appears twice (at body, at byte 3)",
  ],
  [
    "bad value of a bigint unknown key",
    "header",
    "a1 1bffffffffffffffff ff",
    undefined,
    "[invalid_cbor] unexpected break stop code (at header[18446744073709551615], at byte 10)",
  ],
  [
    "bad value of an unknown key deep inside",
    "header",
    "a1 09 81 a1 6161 1c",
    undefined,
    "[invalid_cbor] reserved additional information 28 (initial byte 0x1c) (at header[9], at byte 6)",
  ],
  // field types
  [
    "text field of another type",
    "header",
    "a1 01 a1 01 01",
    undefined,
    "[invalid_value] expected a text string, got an unsigned integer (at header.schema.type, at byte 4)",
  ],
  [
    "extension namespace of another type",
    "body",
    "a1 02 81 a1 01 40",
    undefined,
    "[invalid_value] expected a text string, got a byte string (at body.extensions[0].namespace, at byte 5)",
  ],
  [
    "bytes field of another type",
    "header",
    "a1 02 6130",
    undefined,
    "[invalid_value] expected a byte string, got a text string (at header.eventId, at byte 2)",
  ],
  [
    "uint32 field of another type",
    "header",
    "a1 05 a1 04 6131",
    undefined,
    "[invalid_value] expected an unsigned integer, got a text string (at header.trace.traceFlags, at byte 4)",
  ],
  [
    "uint32 field, indefinite",
    "header",
    "a1 05 a1 04 1f",
    undefined,
    "[invalid_cbor] an integer cannot have an indefinite length (at header.trace.traceFlags, at byte 4)",
  ],
  [
    "uint32 field above range",
    "header",
    "a1 05 a1 04 1b0000000100000000",
    undefined,
    "[invalid_value] 4294967296 is out of range 0..4294967295 (at header.trace.traceFlags, at byte 4)",
  ],
  [
    "uint64 field of another type",
    "header",
    "a1 03 20",
    undefined,
    "[invalid_value] expected an unsigned integer, got a negative integer (at header.timeUnixNano, at byte 2)",
  ],
  [
    "uint64 field, indefinite",
    "header",
    "a1 03 1f",
    undefined,
    "[invalid_cbor] an integer cannot have an indefinite length (at header.timeUnixNano, at byte 2)",
  ],
  [
    "message field of another type",
    "header",
    "a1 04 80",
    undefined,
    "[invalid_value] expected a Producer map, got an array (at header.producer, at byte 2)",
  ],
  [
    "break as a message field value",
    "header",
    "a1 04 ff",
    undefined,
    "[invalid_cbor] unexpected break stop code (at header.producer, at byte 2)",
  ],
  [
    "attributes of another type",
    "body",
    "a1 01 80",
    undefined,
    "[invalid_value] expected an attribute map (text keys), got an array (at body.attributes, at byte 2)",
  ],
  // attribute maps and values
  [
    "break as an attribute key",
    "body",
    "a1 01 a1 ff",
    undefined,
    "[invalid_cbor] unexpected break stop code (at body.attributes, at byte 3)",
  ],
  [
    "integer attribute key",
    "body",
    "a1 01 a1 01 01",
    undefined,
    "[invalid_cbor] attribute map keys must be text strings, got an unsigned integer (at body.attributes, at byte 3)",
  ],
  [
    "attribute key twice",
    "body",
    "a1 01 a2 6161 01 6161 02",
    undefined,
    '[duplicate_key] key "a" appears twice (at body.attributes["a"], at byte 6)',
  ],
  [
    "attribute key twice, nested",
    "body",
    "a1 01 a1 6161 81 a2 6162 01 6162 02",
    undefined,
    '[duplicate_key] key "b" appears twice (at body.attributes["a"][0]["b"], at byte 10)',
  ],
  [
    "integer above int64",
    "item",
    "1b8000000000000000",
    undefined,
    "[invalid_value] integer outside the int64 range (at byte 0)",
  ],
  [
    "integer below int64",
    "item",
    "3b8000000000000000",
    undefined,
    "[invalid_value] integer outside the int64 range (at byte 0)",
  ],
  [
    "tag 0",
    "item",
    "c0 00",
    undefined,
    "[invalid_cbor] tag 0: tags are not part of the envelope CBOR mapping (at byte 0)",
  ],
  [
    "tag",
    "item",
    "c1 00",
    undefined,
    "[invalid_cbor] tag 1: tags are not part of the envelope CBOR mapping (at byte 0)",
  ],
  [
    "big tag",
    "item",
    "db ffffffffffffffff 00",
    undefined,
    "[invalid_cbor] tag 18446744073709551615: tags are not part of the envelope CBOR mapping (at byte 0)",
  ],
  [
    "indefinite tag",
    "item",
    "df 00",
    undefined,
    "[invalid_cbor] a tag cannot have an indefinite length (at byte 0)",
  ],
  [
    "indefinite unsigned integer",
    "item",
    "1f",
    undefined,
    "[invalid_cbor] an unsigned integer cannot have an indefinite length (at byte 0)",
  ],
  [
    "indefinite negative integer",
    "item",
    "3f",
    undefined,
    "[invalid_cbor] a negative integer cannot have an indefinite length (at byte 0)",
  ],
  [
    "null",
    "item",
    "f6",
    undefined,
    "[invalid_cbor] null is not an attribute value (the contract has no null) (at byte 0)",
  ],
  [
    "undefined",
    "item",
    "f7",
    undefined,
    "[invalid_cbor] undefined is not an attribute value (at byte 0)",
  ],
  [
    "simple value 16",
    "item",
    "f0",
    undefined,
    "[invalid_cbor] simple value 16 is not an attribute value (at byte 0)",
  ],
  [
    "two-byte simple value 24",
    "item",
    "f818",
    undefined,
    "[invalid_cbor] simple value 24 must use the one-byte form (at byte 0)",
  ],
  [
    "two-byte simple value 32",
    "item",
    "f820",
    undefined,
    "[invalid_cbor] simple value 32 is not an attribute value (at byte 0)",
  ],
  ["lone break", "item", "ff", undefined, "[invalid_cbor] unexpected break stop code (at byte 0)"],
  [
    "reserved additional information",
    "item",
    "81 1c",
    undefined,
    "[invalid_cbor] reserved additional information 28 (initial byte 0x1c) (at [0], at byte 1)",
  ],
  [
    "reserved additional information 30",
    "item",
    "fe",
    undefined,
    "[invalid_cbor] reserved additional information 30 (initial byte 0xfe) (at byte 0)",
  ],
  [
    "null inside an indefinite array",
    "item",
    "9f 01 f6 ff",
    undefined,
    "[invalid_cbor] null is not an attribute value (the contract has no null) (at [1], at byte 2)",
  ],
  [
    "null in a map in an indefinite array",
    "item",
    "9f a1 6161 f6 ff",
    undefined,
    '[invalid_cbor] null is not an attribute value (the contract has no null) (at [0]["a"], at byte 4)',
  ],
  [
    "indefinite array without its break",
    "item",
    "9f 01",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 2)",
  ],
  [
    "array count past the input",
    "item",
    "83 01",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 0)",
  ],
  [
    "trailing bytes",
    "item",
    "01 02 03",
    undefined,
    "[trailing_bytes] 2 byte(s) after the CBOR item (at byte 1)",
  ],
  [
    "body trailing bytes",
    "body",
    "a0 00",
    undefined,
    "[trailing_bytes] 1 byte(s) after the CBOR item (at byte 1)",
  ],
  // strings
  [
    "text past the input",
    "item",
    "63 6161",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 0)",
  ],
  [
    "invalid UTF-8",
    "item",
    "63 61 ff 61",
    undefined,
    "[invalid_utf8] text string is not valid UTF-8 (at byte 2)",
  ],
  [
    "a lone continuation byte after ASCII",
    "item",
    "68 61616161616161 80",
    undefined,
    "[invalid_utf8] text string is not valid UTF-8 (at byte 8)",
  ],
  [
    "text chunk of another type",
    "item",
    "7f 41 61 ff",
    undefined,
    "[invalid_cbor] a chunk of an indefinite-length text string must be a definite-length text string (at byte 1)",
  ],
  [
    "text chunk indefinite",
    "item",
    "7f 7f ff ff",
    undefined,
    "[invalid_cbor] a chunk of an indefinite-length text string must be a definite-length text string (at byte 1)",
  ],
  [
    "text chunk past the input",
    "item",
    "7f 62 61",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 1)",
  ],
  [
    "text chunk to the end, no break",
    "item",
    "7f 61 61",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 3)",
  ],
  [
    "invalid UTF-8 inside a chunk",
    "item",
    "7f 63 6161ff ff",
    undefined,
    "[invalid_utf8] text string is not valid UTF-8 (at byte 4)",
  ],
  [
    "bytes chunk of another type",
    "item",
    "5f 61 61 ff",
    undefined,
    "[invalid_cbor] a chunk of an indefinite-length byte string must be a definite-length byte string (at byte 1)",
  ],
  [
    "bytes chunk past the input",
    "item",
    "5f 42 01",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 1)",
  ],
  [
    "bytes chunk to the end, no break",
    "item",
    "5f 41 01",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 3)",
  ],
  [
    "string over maxStringLength",
    "item",
    "63 616161",
    { maxStringLength: 2 },
    "[limit_exceeded] text string longer than maxStringLength (2 bytes) (at byte 0)",
  ],
  [
    "chunked string over maxStringLength",
    "item",
    "7f 62 6161 61 61 ff",
    { maxStringLength: 2 },
    "[limit_exceeded] text string longer than maxStringLength (2 bytes) (at byte 0)",
  ],
  [
    "bytes over maxBytesLength",
    "item",
    "43 010203",
    { maxBytesLength: 2 },
    "[limit_exceeded] byte string longer than maxBytesLength (2 bytes) (at byte 0)",
  ],
  [
    "chunked bytes over maxBytesLength",
    "item",
    "5f 42 0102 41 03 ff",
    { maxBytesLength: 2 },
    "[limit_exceeded] byte string longer than maxBytesLength (2 bytes) (at byte 0)",
  ],
  [
    "key over maxKeyLength",
    "item",
    "a1 63 616161 01",
    { maxKeyLength: 2 },
    "[limit_exceeded] a key of 3 bytes is longer than maxKeyLength (2) (at byte 1)",
  ],
  [
    "chunked key over maxKeyLength",
    "item",
    "a1 7f 62 6161 61 61 ff 01",
    { maxKeyLength: 2 },
    "[limit_exceeded] a key of 3 bytes is longer than maxKeyLength (2) (at byte 1)",
  ],
  [
    "chunked key over maxKeyLength 0",
    "item",
    "a1 7f 61 61 ff 01",
    { maxKeyLength: 0 },
    "[limit_exceeded] a key of 1 bytes is longer than maxKeyLength (0) (at byte 1)",
  ],
  // limits
  [
    "deeper than maxDepth",
    "item",
    "81 81 01",
    { maxDepth: 1 },
    "[limit_exceeded] nested deeper than maxDepth (1) (at [0], at byte 1)",
  ],
  [
    "more entries than maxAttributes",
    "item",
    "83 01 02 03",
    { maxAttributes: 2 },
    "[limit_exceeded] more than 2 entries (attributes, array elements, extensions, unknown fields) (at byte 0)",
  ],
  [
    "more entries than maxAttributes, indefinite",
    "item",
    "9f 01 02 03 ff",
    { maxAttributes: 2 },
    "[limit_exceeded] more than 2 entries (attributes, array elements, extensions, unknown fields) (at byte 3)",
  ],
  // the well-formedness check
  [
    "well-formed: lone break",
    "well-formed",
    "ff",
    undefined,
    "[invalid_cbor] unexpected break stop code (at byte 0)",
  ],
  [
    "well-formed: indefinite integer",
    "well-formed",
    "3f",
    undefined,
    "[invalid_cbor] an integer cannot have an indefinite length (at byte 0)",
  ],
  [
    "well-formed: indefinite tag",
    "well-formed",
    "df 00",
    undefined,
    "[invalid_cbor] a tag cannot have an indefinite length (at byte 0)",
  ],
  [
    "well-formed: two-byte simple value 31",
    "well-formed",
    "f81f",
    undefined,
    "[invalid_cbor] simple value 31 must use the one-byte form (at byte 0)",
  ],
  [
    "well-formed: truncated",
    "well-formed",
    "82 01",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 0)",
  ],
  [
    "well-formed: count past the input",
    "well-formed",
    "83 01",
    undefined,
    "[truncated] the input ends inside a CBOR item (at byte 0)",
  ],
  [
    "well-formed: trailing bytes",
    "well-formed",
    "00 00",
    undefined,
    "[trailing_bytes] 1 byte(s) after the CBOR item (at byte 1)",
  ],
  [
    "well-formed: string chunk of another type",
    "well-formed",
    "7f 41 61 ff",
    undefined,
    "[invalid_cbor] a chunk of an indefinite-length string must be a definite-length string of the same type (at byte 1)",
  ],
  [
    "well-formed: text over maxStringLength",
    "well-formed",
    "63 616161",
    { maxStringLength: 2 },
    "[limit_exceeded] text string longer than maxStringLength (2 bytes) (at byte 0)",
  ],
  [
    "well-formed: bytes over maxBytesLength",
    "well-formed",
    "43 010203",
    { maxBytesLength: 2 },
    "[limit_exceeded] byte string longer than maxBytesLength (2 bytes) (at byte 0)",
  ],
  [
    "well-formed: chunked text over maxStringLength",
    "well-formed",
    "7f 62 6161 61 61 ff",
    { maxStringLength: 2 },
    "[limit_exceeded] text string longer than maxStringLength (2 bytes) (at byte 0)",
  ],
  [
    "well-formed: chunked bytes over maxBytesLength",
    "well-formed",
    "5f 42 0102 41 03 ff",
    { maxBytesLength: 2 },
    "[limit_exceeded] byte string longer than maxBytesLength (2 bytes) (at byte 0)",
  ],
  [
    "well-formed: text key over maxKeyLength",
    "well-formed",
    "a1 63 616161 01",
    { maxKeyLength: 2 },
    "[limit_exceeded] a key of 3 bytes is longer than maxKeyLength (2) (at byte 1)",
  ],
  [
    "well-formed: chunked key over maxKeyLength",
    "well-formed",
    "a1 7f 62 6161 61 61 ff 01",
    { maxKeyLength: 2 },
    "[limit_exceeded] a key of 3 bytes is longer than maxKeyLength (2) (at byte 1)",
  ],
  [
    "well-formed: invalid UTF-8",
    "well-formed",
    "62 c328",
    undefined,
    "[invalid_utf8] text string is not valid UTF-8 (at byte 1)",
  ],
  [
    "well-formed: tag deeper than maxDepth",
    "well-formed",
    "c1 c1 00",
    { maxDepth: 1 },
    "[limit_exceeded] nested deeper than maxDepth (1) (at byte 1)",
  ],
  [
    "well-formed: array key deeper than maxDepth",
    "well-formed",
    "a1 80 00",
    { maxDepth: 1 },
    "[limit_exceeded] nested deeper than maxDepth (1) (at byte 1)",
  ],
  [
    "well-formed: too many entries",
    "well-formed",
    "83 01 02 03",
    { maxAttributes: 2 },
    "[limit_exceeded] more than 2 entries (attributes, array elements, extensions, unknown fields) (at byte 0)",
  ],
];

describe("every decode error, exactly", () => {
  test.each(ERRORS)("%s", (_, kind, hex, limits, message) => {
    const error = thrown(() => decode(kind, hex, limits));
    expect(error.message).toBe(message);
    // The path is the one in the message, and absent at the root.
    expect(error.path).toBe(/ \(at (.+), at byte \d+\)$/.exec(message)?.[1]);
  });
});

// [case, decoder, input hex, limits, decoded value]
const ACCEPTED: Array<[string, Decoder, string, Partial<Limits>, unknown]> = [
  [
    "well-formed: empty text with maxStringLength 0",
    "well-formed",
    "60",
    { maxStringLength: 0 },
    undefined,
  ],
  ["text of exactly maxStringLength", "item", "62 6161", { maxStringLength: 2 }, "aa"],
  [
    "chunked text of exactly maxStringLength",
    "item",
    "7f 61 61 61 61 ff",
    { maxStringLength: 2 },
    "aa",
  ],
  [
    "bytes of exactly maxBytesLength",
    "item",
    "42 0102",
    { maxBytesLength: 2 },
    Uint8Array.of(1, 2),
  ],
  [
    "chunked bytes of exactly maxBytesLength",
    "item",
    "5f 41 01 41 02 ff",
    { maxBytesLength: 2 },
    Uint8Array.of(1, 2),
  ],
  [
    "chunked key of exactly maxKeyLength",
    "item",
    "a1 7f 61 61 61 62 ff 01",
    { maxKeyLength: 2 },
    new Map([["ab", 1n]]),
  ],
  [
    "bytes longer than maxStringLength",
    "item",
    "43 010203",
    { maxStringLength: 1 },
    Uint8Array.of(1, 2, 3),
  ],
  [
    "well-formed: text of exactly maxStringLength",
    "well-formed",
    "62 6161",
    { maxStringLength: 2 },
    undefined,
  ],
  [
    "well-formed: chunked text of exactly maxStringLength",
    "well-formed",
    "7f 61 61 61 61 ff",
    { maxStringLength: 2 },
    undefined,
  ],
  [
    "well-formed: bytes longer than maxStringLength",
    "well-formed",
    "43 010203",
    { maxStringLength: 1 },
    undefined,
  ],
  [
    "well-formed: chunked key of exactly maxKeyLength",
    "well-formed",
    "a1 7f 61 61 61 62 ff 01",
    { maxKeyLength: 2 },
    undefined,
  ],
  [
    "well-formed: chunked key under maxKeyLength",
    "well-formed",
    "a1 7f 61 61 ff 01",
    { maxKeyLength: 2 },
    undefined,
  ],
  ["well-formed: two-byte simple value 32", "well-formed", "f820", {}, undefined],
  ["well-formed: a tag at maxDepth", "well-formed", "c1 00", { maxDepth: 1 }, undefined],
  [
    "well-formed: a map at maxDepth with scalar keys",
    "well-formed",
    "a1 00 00",
    { maxDepth: 1 },
    undefined,
  ],
];

describe("at a limit is within it", () => {
  test.each(ACCEPTED)("%s", (_, kind, hex, limits, value) => {
    expect(decode(kind, hex, limits)).toEqual(value);
  });
});

describe("message keys keep their exact value and type", () => {
  test("a safe integer key is a number, past ±(2^53-1) a bigint", () => {
    const header = cborCodec.decodeHeader(
      fromHex(
        "a4 1b001fffffffffffff f5 3b001ffffffffffffe f5 3b001fffffffffffff f5 1b0020000000000000 f5",
      ),
      budget(),
      0,
    );
    expect((header.$unknown as CborUnknownFields).data.map(([key]) => key)).toEqual([
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      -(2n ** 53n),
      2n ** 53n,
    ]);
  });
});

describe("only EnvelopeError escapes", () => {
  /** An input whose `slice` (used to copy byte strings out) throws `failure`. */
  const faulty = (failure: unknown) => {
    class Faulty extends Uint8Array {
      override slice(): never {
        throw failure;
      }
    }
    return new Faulty(fromHex("a1 01 a1 6161 41 00"));
  };

  test("anything unexpected becomes invalid_cbor at the offset reached, with the cause", () => {
    const boom = new Error("boom");
    const error = thrown(() => cborCodec.decodeBody(faulty(boom), budget(), 10));
    expect(error.message).toBe("[invalid_cbor] cannot decode: boom (at byte 17)");
    expect(error.cause).toBe(boom);
    expect(thrown(() => cborCodec.decodeBody(faulty("text"), budget(), 0)).message).toBe(
      "[invalid_cbor] cannot decode: text (at byte 7)",
    );
  });

  test("a RangeError (the call stack exhausted) becomes limit_exceeded", () => {
    const overflow = new RangeError("Maximum call stack size exceeded");
    const error = thrown(() => cborCodec.decodeBody(faulty(overflow), budget(), 10));
    expect(error.message).toBe(
      "[limit_exceeded] nested too deeply for the call stack (at byte 17)",
    );
    expect(error.cause).toBe(overflow);
  });

  test("an input that is not a Uint8Array is invalid_argument at the section's offset", () => {
    const error = thrown(() => cborCodec.decodeBody([0xa0] as never, budget(), 7));
    expect(error.message).toBe("[invalid_argument] expected a Uint8Array (at byte 7)");
  });
});
