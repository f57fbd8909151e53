/**
 * The hand-written part of the protobuf binary encoder (docs/spec.md, "Codec:
 * protobuf binary"): the field helpers the generated writers call
 * (gen/envelope/v1/envelope_codec.ts, scripts/protoc-gen-envelope.mjs) and the
 * attribute model (KeyValue, AnyValue, ArrayValue, KeyValueList written from
 * Maps and values). Fields are written in field-number order, defaults
 * omitted, unknown fields appended after the known ones: the bytes Go's
 * proto.Marshal and prost write.
 */
import {
  type Attributes,
  type AttributeValue,
  DEFAULT_LIMITS,
  EnvelopeError,
  type HasUnknown,
  UnknownValue,
} from "@envelope/core";
import type { ProtoWriter } from "./wire/writer.js";

/**
 * Appends a message's unknown fields read by the protobuf codec. Callers
 * load `$unknown` themselves: a load at each call site sees one object
 * shape, where one load in here sees all of them (megamorphic).
 */
export function unknown(w: ProtoWriter, u: NonNullable<HasUnknown["$unknown"]>): void {
  if (u.codec === "protobuf") w.raw(u.data as Uint8Array);
}

export function optionalString(w: ProtoWriter, tag: number, value: string | undefined): void {
  if (value !== undefined) {
    w.byte(tag);
    w.string(value);
  }
}

export function nonEmptyString(w: ProtoWriter, tag: number, value: string | undefined): void {
  if (value !== undefined && value.length > 0) {
    w.byte(tag);
    w.string(value);
  }
}

export function nonEmptyBytes(w: ProtoWriter, tag: number, value: Uint8Array | undefined): void {
  if (value !== undefined && value.length > 0) {
    w.byte(tag);
    w.bytes(value);
  }
}

/**
 * Keys and string values up to this many UTF-16 units are written inline.
 * Measured: inline beats a call into ProtoWriter.string (which goes native
 * past 20) up to about 24 units here.
 */
const SHORT_TEXT = 24;

/**
 * Writes each entry as a KeyValue with the given field tag. The common case,
 * a short ASCII key (and often a short ASCII string value), is written with
 * one room check and no calls: the KeyValue tag, its length byte (patched by
 * `join`), `0a <n> key`, then `12 <n+2> 0a <n> value`. Anything else takes
 * the general path (ProtoWriter.string, fork/join); the differential test
 * against protobuf-es covers both.
 */
export function writeAttributes(
  w: ProtoWriter,
  tag: number,
  attributes: Attributes,
  depth: number,
): void {
  // Map#forEach is measurably faster than for-of here (no entry arrays).
  attributes.forEach((value, key) => {
    const klen = key.length;
    w.ensure(4 + klen);
    const buf = w.buf;
    const at = w.pos;
    const mark = at + 1 - w.start; // as fork() returns it
    buf[at] = tag;
    const keyAt = at + 2;
    w.pos = keyAt;
    if (klen > 0) {
      let i = 0;
      if (klen <= SHORT_TEXT) {
        const q = keyAt + 2;
        // Stryker disable next-line ConditionalExpression,EqualityOperator: a key the loop does not finish is written by the general path, the same bytes
        for (; i < klen; i++) {
          const c = key.charCodeAt(i);
          if (c >= 0x80) break;
          buf[q + i] = c;
        }
      }
      if (i === klen) {
        buf[keyAt] = 0x0a;
        buf[keyAt + 1] = klen;
        w.pos = keyAt + 2 + klen;
      } else {
        w.byte(0x0a);
        w.string(key);
      }
    }
    // Stryker disable next-line StringLiteral: with any other type name every value takes the general path, the same bytes
    if (typeof value !== "string" || !shortAsciiValue(w, value)) {
      w.byte(0x12);
      const v = w.fork();
      writeValue(w, value, depth);
      w.join(v);
    }
    w.join(mark);
  });
}

/**
 * Writes field 2 of a KeyValue holding an AnyValue with a short ASCII string
 * (`12 <n+2> 0a <n> text`) in one go and returns true; false, having written
 * nothing, for any other string.
 */
// Stryker disable next-line BlockStatement: a value it does not write is written by the general path, the same bytes
export function shortAsciiValue(w: ProtoWriter, value: string): boolean {
  const len = value.length;
  if (len > SHORT_TEXT) return false;
  w.ensure(4 + len);
  const buf = w.buf;
  const q = w.pos + 4;
  for (let i = 0; i < len; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0x80) return false;
    buf[q + i] = c;
  }
  const at = w.pos;
  buf[at] = 0x12;
  buf[at + 1] = len + 2;
  buf[at + 2] = 0x0a;
  buf[at + 3] = len;
  w.pos = q + len;
  return true;
}

/**
 * The depth of the values inside an array or map at `depth`; past
 * DEFAULT_LIMITS.maxDepth it is an error, as in validation (a Map that
 * contains itself ends here, not in a stack overflow). The encoder relies on
 * it: this codec checks attribute values for it (`checksAttributes`), and
 * an encoder validates at the default limits, so a value decoded under a
 * raised `maxDepth` is not written deeper than 32 (the CBOR and JSON
 * writers are held to the same by validation).
 */
function enter(depth: number): number {
  const next = depth + 1;
  if (next > MAX_DEPTH) {
    throw new EnvelopeError("limit_exceeded", `nested deeper than ${MAX_DEPTH}`);
  }
  return next;
}

const MAX_DEPTH = DEFAULT_LIMITS.maxDepth;

/**
 * Writes the fields of an AnyValue. (typeof comparisons, not
 * `switch (typeof value)`: V8 compiles `typeof v === "x"` to a type check,
 * but a switch to a call that builds the type name.)
 */
export function writeValue(w: ProtoWriter, value: AttributeValue, depth: number): void {
  if (typeof value === "string") {
    w.byte(0x0a);
    w.string(value);
  } else if (typeof value === "bigint") {
    if (BigInt.asIntN(64, value) !== value) {
      throw new EnvelopeError("invalid_value", "int64 out of range");
    }
    w.byte(0x18);
    w.int64(value);
  } else if (typeof value === "number") {
    w.byte(0x21);
    w.double(value);
  } else if (typeof value === "boolean") {
    w.byte(0x10);
    w.byte(value ? 1 : 0);
  } else if (typeof value === "object") {
    writeObjectValue(w, value, depth);
  } else {
    throw new EnvelopeError("invalid_value", `unsupported attribute value type ${typeof value}`);
  }
}

/** Writes the fields of an AnyValue holding bytes, an array, a map or a value of an unknown kind. */
function writeObjectValue(w: ProtoWriter, value: AttributeValue, depth: number): void {
  if (value instanceof Uint8Array) {
    w.byte(0x3a);
    w.bytes(value);
    return;
  }
  if (Array.isArray(value)) {
    const inner = enter(depth);
    w.byte(0x2a);
    const m = w.fork();
    for (let i = 0; i < value.length; i++) {
      w.byte(0x0a);
      const v = w.fork();
      writeValue(w, value[i]!, inner);
      w.join(v);
    }
    w.join(m);
    return;
  }
  if (value instanceof Map) {
    const inner = enter(depth);
    w.byte(0x32);
    const m = w.fork();
    writeAttributes(w, 0x0a, value, inner);
    w.join(m);
    return;
  }
  if (value instanceof UnknownValue) {
    if (value.codec === "protobuf") {
      w.raw(value.data as Uint8Array);
      return;
    }
    throw new EnvelopeError(
      "invalid_value",
      `an attribute value of a kind unknown to this version was read by the ${value.codec} codec and cannot be written as protobuf`,
    );
  }
  throw new EnvelopeError(
    "invalid_value",
    `unsupported attribute value type ${value === null ? "null" : "object"}`,
  );
}
