/**
 * The CBOR mapping, reading side (docs/spec.md, section "Codec: CBOR"): a
 * strict single-pass decoder straight into the model. The readers of the
 * messages are generated from the proto (gen/envelope/v1/envelope_cbor.ts,
 * scripts/protoc-gen-envelope.mjs) and call the helpers here; the attribute
 * maps and values are read here.
 *
 * Readers accept any well-formed encoding of the mapping (definite or
 * indefinite lengths, non-shortest heads, any float width, keys in any order,
 * explicitly written defaults) and reject, with `EnvelopeError`: what is not
 * well-formed or not valid UTF-8, trailing bytes, truncation, duplicate keys,
 * wrong types, tags, simple values other than false/true, null and undefined,
 * text keys in message maps, and anything over a limit. Proto3 defaults apply
 * to absent fields; required-field and id checks are validation's job
 * (docs/spec.md, "Validation"), as for every codec.
 */
import { type Attributes, type AttributeValue, EnvelopeError } from "@envelope/core";
import type { CborKey, CborUnknownEntry, CborUnknownFields } from "./unknown.js";
import { float16ToNumber } from "./wire/float.js";
import { BREAK, type CborReader, MAJOR_NAMES } from "./wire/reader.js";

export const EMPTY_BYTES = new Uint8Array(0);

/** Reads a message map's head; returns its entry count, or -1 for an indefinite-length map. */
export function messageHead(r: CborReader, path: string, what: string): number {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 5) r.wrongType(initial, at, path, what);
  const count = r.arg;
  r.checkCount(count, at, path); // an indefinite length (-1) passes
  return count;
}

/**
 * Reads a message map key: an integer, a `number` when it is a safe integer,
 * else a `bigint` (so equal keys are equal values, see {@link UnknownKeys}).
 */
export function messageKey(r: CborReader, path: string): CborKey {
  const at = r.pos;
  const initial = r.head(path);
  const major = initial >> 5;
  if (major <= 1) {
    if (r.arg < 0) r.fail("invalid_cbor", "an integer cannot have an indefinite length", at, path);
    // -1 - arg is safe for arg up to 2^53 - 2.
    if (major === 0 ? r.arg <= Number.MAX_SAFE_INTEGER : r.arg < Number.MAX_SAFE_INTEGER)
      return major === 0 ? r.arg : -1 - r.arg;
    const big = r.argBigInt();
    return major === 0 ? big : -1n - big;
  }
  if (initial === BREAK) r.fail("invalid_cbor", "unexpected break stop code", at, path);
  if (major === 3) {
    r.fail(
      "invalid_cbor",
      "message maps have integer keys (field numbers); a text key is not part of the CBOR mapping",
      at,
      path,
    );
  }
  return r.fail(
    "invalid_cbor",
    `message map keys must be integers, got ${MAJOR_NAMES[major]}`,
    at,
    path,
  );
}

/** Marks known key `key` (1..31) seen; fails on a second occurrence. */
export function seenOnce(
  r: CborReader,
  seen: number,
  key: number,
  at: number,
  path: string,
): number {
  const bit = 1 << key;
  if ((seen & bit) !== 0) r.fail("duplicate_key", `key ${key} appears twice`, at, path);
  return seen | bit;
}

/**
 * The unknown keys of one message map so far: a set of them, for duplicate
 * detection in constant time (a map may hold as many unknown keys as the
 * entry limit allows), and where each value is in the input. Keys are
 * canonical, a safe integer always a `number` and anything else a `bigint`,
 * so equal keys are equal in the set.
 */
export interface UnknownKeys {
  readonly keys: Set<CborKey>;
  /** `[start, end)` of each value in the input, in key order. */
  readonly ranges: number[];
}

/**
 * Notes an unknown key and where its (well-formed) value is. The key is an
 * entry, and its value is walked as known data is (entries, depth, key and
 * string lengths).
 */
export function readUnknown(
  r: CborReader,
  key: CborKey,
  list: UnknownKeys | undefined,
  at: number,
  path: string,
): UnknownKeys {
  const out = list ?? { keys: new Set(), ranges: [] };
  r.countEntry(at, path);
  if (out.keys.has(key)) r.fail("duplicate_key", `key ${key} appears twice`, at, path);
  out.keys.add(key);
  const start = r.pos;
  // The error path `path[key]` is made only on failure: level 1 of the reader's segments.
  r.pathPrefix = path;
  r.pathStart = 0;
  r.segments[0] = key;
  r.skip(1, 1);
  out.ranges.push(start, r.pos);
  return out;
}

/**
 * The `$unknown` of a message: its unknown entries with their values copied
 * out of the input, all into one buffer (one allocation per message, not
 * per entry).
 */
export function unknownFields(r: CborReader, u: UnknownKeys): CborUnknownFields {
  const ranges = u.ranges;
  let size = 0;
  for (let i = 0; i < ranges.length; i += 2) size += ranges[i + 1]! - ranges[i]!;
  const buffer = new ArrayBuffer(size);
  const copy = new Uint8Array(buffer);
  const bytes = r.bytes;
  const data: CborUnknownEntry[] = [];
  let at = 0;
  let i = 0;
  for (const key of u.keys) {
    const start = ranges[i++]!;
    const end = ranges[i++]!;
    // Values are mostly a few bytes: a loop beats making a subarray to `set` from.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: both ways copy the same bytes
    if (end - start <= 32) for (let j = start; j < end; j++) copy[at++] = bytes[j]!;
    else {
      copy.set(bytes.subarray(start, end), at);
      at += end - start;
    }
    // A view made from the buffer costs about half of a `subarray`.
    data.push([key, new Uint8Array(buffer, at - (end - start), end - start)]);
  }
  return { codec: "cbor", data };
}

export function textField(r: CborReader, path: string): string {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 3) r.wrongType(initial, at, path, "a text string");
  return r.text(at, path);
}

/** A text field that is a key (an extension namespace): bounded by maxKeyLength too. */
export function keyField(r: CborReader, path: string): string {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 3) r.wrongType(initial, at, path, "a text string");
  return r.key(at, path);
}

export function bytesField(r: CborReader, path: string): Uint8Array {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 2) r.wrongType(initial, at, path, "a byte string");
  return r.byteString(at, path);
}

export function uintField(r: CborReader, path: string, max: number): number {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 0) r.wrongType(initial, at, path, "an unsigned integer");
  if (r.arg < 0) r.fail("invalid_cbor", "an integer cannot have an indefinite length", at, path);
  if (r.arg > max) r.fail("invalid_value", `${r.argBigInt()} is out of range 0..${max}`, at, path);
  return r.arg;
}

export function uint64Field(r: CborReader, path: string): bigint {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 0) r.wrongType(initial, at, path, "an unsigned integer");
  if (r.arg < 0) r.fail("invalid_cbor", "an integer cannot have an indefinite length", at, path);
  return r.argBigInt();
}

/** Fails for a missing required field (the `required` binding in scripts/protoc-gen-envelope.mjs). */
export function missingField(r: CborReader, message: string, path: string, key: number): never {
  const field = path.slice(path.lastIndexOf(".") + 1);
  throw new EnvelopeError(
    "missing_field",
    `${message.toLowerCase()} has no ${field} (key ${key})`,
    {
      path,
      offset: r.base,
    },
  );
}

/** Reads an attribute map field at `path`. */
export function readAttributes(r: CborReader, path: string): Attributes {
  const at = r.pos;
  const initial = r.head(path);
  if (initial >> 5 !== 5) r.wrongType(initial, at, path, "an attribute map (text keys)");
  r.pathPrefix = path;
  r.pathStart = 0;
  return readMap(r, at, 0);
}

/**
 * Reads the entries of a map whose head was just read at `at`; its keys are
 * path level `level`, its values level `level + 1`.
 */
function readMap(r: CborReader, at: number, level: number): Attributes {
  const map: Attributes = new Map();
  const count = r.arg;
  if (count >= 0) {
    r.checkCount(count, at, level);
    r.checkEntries(count, at, level);
    for (let i = 0; i < count; i++) readEntry(r, map, level);
  } else {
    while (!r.atBreak(level)) readEntry(r, map, level);
  }
  return map;
}

function readEntry(r: CborReader, map: Attributes, level: number): void {
  const at = r.pos;
  r.countEntry(at, level);
  const initial = r.head(level);
  if (initial >> 5 !== 3) {
    if (initial === BREAK) r.fail("invalid_cbor", "unexpected break stop code", at, level);
    r.fail(
      "invalid_cbor",
      `attribute map keys must be text strings, got ${MAJOR_NAMES[initial >> 5]}`,
      at,
      level,
    );
  }
  const key = r.key(at, level);
  r.segments[level] = key;
  const size = map.size;
  map.set(key, readValue(r, level + 1));
  if (map.size === size)
    r.fail("duplicate_key", `key ${JSON.stringify(key)} appears twice`, at, level + 1);
}

function readArray(r: CborReader, at: number, level: number): AttributeValue[] {
  const count = r.arg;
  const segments = r.segments;
  if (count >= 0) {
    r.checkCount(count, at, level);
    r.checkEntries(count, at, level);
    r.budget.entries += count;
    // Stryker disable next-line ArrayDeclaration: a preallocated array fills the same way
    const out: AttributeValue[] = new Array(count);
    for (let i = 0; i < count; i++) {
      segments[level] = i;
      out[i] = readValue(r, level + 1);
    }
    return out;
  }
  const out: AttributeValue[] = [];
  for (let i = 0; !r.atBreak(level); i++) {
    r.countEntry(r.pos, level);
    segments[level] = i;
    out.push(readValue(r, level + 1));
  }
  return out;
}

function outsideInt64(r: CborReader, at: number, level: number): never {
  return r.fail("invalid_value", "integer outside the int64 range", at, level);
}

/**
 * Reads one attribute value at path level `level` (an array or map here has
 * nesting depth `level`). CBOR integers become `bigint` (int64 range only),
 * floats of any width `number`; tags, null, undefined and other simple values
 * are not part of the mapping (`invalid_cbor`).
 */
export function readValue(r: CborReader, level: number): AttributeValue {
  const at = r.pos;
  const initial = r.head(level);
  switch (initial >> 5) {
    case 0:
      // Stryker disable next-line EqualityOperator: 2^53-1 is exact both ways
      if (r.arg <= Number.MAX_SAFE_INTEGER) {
        if (r.arg < 0) break;
        return BigInt(r.arg);
      }
      if (r.argHigh >= 0x8000_0000) outsideInt64(r, at, level);
      return r.argBigInt();
    case 1:
      // Stryker disable next-line EqualityOperator: 2^53-1 is exact both ways
      if (r.arg <= Number.MAX_SAFE_INTEGER) {
        if (r.arg < 0) break;
        return BigInt(-1 - r.arg);
      }
      if (r.argHigh >= 0x8000_0000) outsideInt64(r, at, level);
      return -1n - r.argBigInt();
    case 2:
      return r.byteString(at, level);
    case 3:
      return r.text(at, level);
    case 4:
      if (level > r.limits.maxDepth) r.tooDeep(at, level);
      return readArray(r, at, level);
    case 5:
      if (level > r.limits.maxDepth) r.tooDeep(at, level);
      return readMap(r, at, level);
    case 6:
      if (r.arg < 0) break;
      return r.fail(
        "invalid_cbor",
        `tag ${r.argBigInt()}: tags are not part of the envelope CBOR mapping`,
        at,
        level,
      );
    default:
      switch (initial & 0x1f) {
        case 20:
          return false;
        case 21:
          return true;
        case 25:
          return float16ToNumber(r.arg);
        case 26:
          return r.view.getFloat32(at + 1);
        case 27:
          return r.view.getFloat64(at + 1);
        case 22:
          return r.fail(
            "invalid_cbor",
            "null is not an attribute value (the contract has no null)",
            at,
            level,
          );
        case 23:
          return r.fail("invalid_cbor", "undefined is not an attribute value", at, level);
        case 24:
          if (r.arg < 32)
            r.fail("invalid_cbor", `simple value ${r.arg} must use the one-byte form`, at, level);
          return r.fail(
            "invalid_cbor",
            `simple value ${r.arg} is not an attribute value`,
            at,
            level,
          );
        case 31:
          return r.fail("invalid_cbor", "unexpected break stop code", at, level);
        default:
          return r.fail(
            "invalid_cbor",
            `simple value ${initial & 0x1f} is not an attribute value`,
            at,
            level,
          );
      }
  }
  // Additional information 31 on an integer or a tag.
  return r.fail(
    "invalid_cbor",
    `${MAJOR_NAMES[initial >> 5]} cannot have an indefinite length`,
    at,
    level,
  );
}
