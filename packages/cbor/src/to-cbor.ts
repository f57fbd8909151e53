/**
 * The CBOR mapping, writing side (docs/spec.md, section "Codec: CBOR").
 *
 * Every message is a map keyed by its protobuf field numbers; a field is
 * written exactly when protobuf binary would write it. Keys are written in
 * ascending order (which is also the deterministic order: 0x01 < ... < 0x07),
 * unknown keys after them, or in sorted position in the deterministic profile.
 *
 * The message writers are generated from the proto with the readers
 * (gen/envelope/v1/envelope_cbor.ts, scripts/protoc-gen-envelope.mjs; the key
 * table is docs/spec.md's); they call the type checks exported here and
 * `EnvelopeWriter.attributes` for attribute maps.
 *
 * Attribute maps are CBOR maps with text keys and natively typed values:
 * text, true/false, integer (int64, shortest form), float (float64 always by
 * default; shortest exact float in the deterministic profile), byte string,
 * array, map.
 */
import {
  type Attributes,
  type AttributeValue,
  EnvelopeError,
  MAX_DEPTH_CEILING,
} from "@envelope/core";
import type { PathSegment } from "./wire/reader.js";
import { CborWriter, MT_ARRAY, MT_MAP, MT_NEGINT, MT_UINT } from "./wire/writer.js";

const UINT64_MAX = 0xffff_ffff_ffff_ffffn;
const INT64_MIN = -0x8000_0000_0000_0000n;
const INT64_MAX = 0x7fff_ffff_ffff_ffffn;
const keyEncoder = new TextEncoder();

/** Where an encode error is: the field path, or nothing at the root (as the decoder reports it). */
function at(path: string): { path?: string } {
  return path === "" ? {} : { path };
}

export function bad(path: string, message: string): never {
  throw new EnvelopeError("invalid_value", message, at(path));
}

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}

/** `true` when a proto3 string field is to be written (non-empty); checks the type. */
export function hasText(value: unknown, path: string): value is string {
  if (typeof value === "string") return value !== "";
  if (value === undefined) return false;
  return bad(path, `expected a string, got ${describe(value)}`);
}

/** `true` when an `optional` string field is present; checks the type. */
export function presentText(value: unknown, path: string): value is string {
  if (typeof value === "string") return true;
  if (value === undefined) return false;
  return bad(path, `expected a string, got ${describe(value)}`);
}

/** `true` when a proto3 bytes field is to be written (non-empty); checks the type. */
export function hasBytes(value: unknown, path: string): value is Uint8Array {
  if (value instanceof Uint8Array) return value.length > 0;
  if (value === undefined) return false;
  return bad(path, `expected a Uint8Array, got ${describe(value)}`);
}

/** `true` when a uint32 field is to be written (non-zero); checks the type and range. */
export function hasUint32(value: unknown, path: string): value is number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 0xffff_ffff)
    return value !== 0;
  if (value === undefined) return false;
  return bad(
    path,
    `expected an integer 0..2^32-1, got ${typeof value === "number" ? value : describe(value)}`,
  );
}

/** `true` when a uint64 field is to be written (non-zero); checks the type and range. */
export function hasUint64(value: unknown, path: string): value is bigint {
  if (typeof value === "bigint" && value >= 0n && value <= UINT64_MAX) return value !== 0n;
  if (value === undefined) return false;
  return bad(
    path,
    `expected a bigint 0..2^64-1, got ${typeof value === "bigint" ? value : describe(value)}`,
  );
}

/** `true` when a message field is present; checks that it is an object. */
export function hasMessage(value: unknown, path: string): value is object {
  if (typeof value === "object" && value !== null) return true;
  if (value === undefined) return false;
  return bad(path, `expected an object, got ${describe(value)}`);
}

/** `true` when an attribute map is to be written (non-empty); checks the type. */
export function hasAttributes(value: unknown, path: string): value is Attributes {
  if (value instanceof Map) return value.size > 0;
  if (value === undefined) return false;
  return bad(path, `expected a Map, got ${describe(value)}`);
}

function formatPath(prefix: string, segments: PathSegment[], level: number): string {
  let path = prefix;
  for (let i = 0; i < level; i++) {
    path += `[${JSON.stringify(segments[i])}]`; // an index prints as itself
  }
  return path;
}

/** An attribute map entry with what its encoded key sorts by. */
interface SortEntry {
  readonly key: string;
  readonly value: AttributeValue;
  /** UTF-8 length of the key. */
  readonly length: number;
  /** The key's UTF-8 bytes; only for non-ASCII keys (an ASCII key compares as itself). */
  readonly utf8: Uint8Array | undefined;
}

function sortEntry(key: string, value: AttributeValue): SortEntry {
  // Stryker disable next-line EqualityOperator: charCodeAt past the end is NaN, never >= 0x80
  for (let i = 0; i < key.length; i++) {
    // Stryker disable next-line ConditionalExpression: UTF-8 bytes of an ASCII key compare as the key does (cost only)
    if (key.charCodeAt(i) >= 0x80) {
      const utf8 = keyEncoder.encode(key);
      return { key, value, length: utf8.length, utf8 };
    }
  }
  return { key, value, length: key.length, utf8: undefined };
}

/**
 * Bytewise order of encoded text keys: all have major type 3, so a shorter
 * length sorts first (its head is smaller or shorter), then the UTF-8 bytes
 * decide. For two ASCII keys that is JavaScript's own string order.
 */
function compareEncodedKeys(a: SortEntry, b: SortEntry): number {
  if (a.length !== b.length) return a.length - b.length;
  // An ASCII key against a non-ASCII one compares the same as text or as bytes;
  // only two non-ASCII keys need their bytes (UTF-16 order puts U+10000 before U+FFFF).
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: text order is right whenever one key is ASCII
  if (a.utf8 === undefined && b.utf8 === undefined)
    // Stryker disable next-line ConditionalExpression,EqualityOperator: V8 sorts by whether the result is negative (checked up to 1000 keys); keys are distinct
    return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
  const x = a.utf8 ?? keyEncoder.encode(a.key);
  const y = b.utf8 ?? keyEncoder.encode(b.key);
  // Stryker disable next-line EqualityOperator: same lengths, and distinct keys differ before the end
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== y[i]) return x[i]! - y[i]!;
  }
  return 0;
}

/**
 * Writes envelope messages with one {@link CborWriter}. One per codec
 * instance; `segments` tracks where in an attribute value it is, for error paths.
 */
export class EnvelopeWriter {
  readonly w: CborWriter;
  readonly deterministic: boolean;
  // Stryker disable next-line ArrayDeclaration: a segment is always set before a path reads it
  private readonly segments: PathSegment[] = [];
  // Stryker disable next-line StringLiteral: attributes() and item() set the prefix before any write
  private prefix = "";
  private levelBase = 0;

  constructor(deterministic: boolean, writer: CborWriter = new CborWriter()) {
    this.deterministic = deterministic;
    this.w = writer;
  }

  /** An attribute map at `path` (a field of a message). */
  attributes(map: Attributes, path: string): void {
    this.prefix = path;
    this.levelBase = 0;
    this.map(map, 0);
  }

  /** A single attribute value (the generic item encoder); errors report paths below `prefix`. */
  item(value: AttributeValue, prefix: string): void {
    this.prefix = prefix;
    this.levelBase = 1;
    this.value(value, 1);
  }

  private path(level: number): string {
    return formatPath(this.prefix, this.segments.slice(this.levelBase), level - this.levelBase);
  }

  /** A map whose entries are path level `level` (its keys go in `segments[level]`). */
  private map(map: Attributes, level: number): void {
    const w = this.w;
    const segments = this.segments;
    w.head(MT_MAP, map.size);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: sorting one entry or none changes nothing
    if (this.deterministic && map.size > 1) {
      this.sortedMap(map, level);
      return;
    }
    for (const [key, value] of map) {
      segments[level] = key;
      if (typeof key !== "string")
        bad(this.path(level), `attribute keys must be strings, got ${describe(key)}`);
      w.text(key);
      this.value(value, level + 1);
    }
  }

  /** Deterministic profile: keys sorted by their encoded bytes (RFC 8949 section 4.2.1). */
  private sortedMap(map: Attributes, level: number): void {
    const w = this.w;
    const entries: SortEntry[] = [];
    for (const [key, value] of map) {
      this.segments[level] = key;
      if (typeof key !== "string")
        bad(this.path(level), `attribute keys must be strings, got ${describe(key)}`);
      entries.push(sortEntry(key, value));
    }
    entries.sort(compareEncodedKeys);
    for (const entry of entries) {
      this.segments[level] = entry.key;
      w.text(entry.key);
      this.value(entry.value, level + 1);
    }
  }

  /** A value at path level `level` (its path is `segments[0, level)`). */
  private value(v: AttributeValue, level: number): void {
    const w = this.w;
    switch (typeof v) {
      case "string":
        w.text(v);
        return;
      case "number":
        if (this.deterministic) w.floatShortest(v);
        else w.float64(v);
        return;
      case "boolean":
        w.byte(v ? 0xf5 : 0xf4);
        return;
      case "bigint":
        this.int64(v, level);
        return;
      case "object":
        if (v instanceof Uint8Array) {
          w.bytes(v);
          return;
        }
        if (Array.isArray(v)) {
          if (level > MAX_DEPTH_CEILING) this.tooDeep(level);
          w.head(MT_ARRAY, v.length);
          const segments = this.segments;
          for (let i = 0; i < v.length; i++) {
            segments[level] = i;
            this.value(v[i]!, level + 1);
          }
          return;
        }
        if (v instanceof Map) {
          if (level > MAX_DEPTH_CEILING) this.tooDeep(level);
          this.map(v, level);
          return;
        }
    }
    bad(
      this.path(level),
      `cannot encode ${describe(v)} as an attribute value (the CBOR mapping has string, bool, int64, double, bytes, array, map)`,
    );
  }

  /**
   * Validation holds encoded values to the configured `maxDepth`; the writer
   * itself goes as deep as any decoder may be configured to read, so whatever
   * was decoded can be written back, and past that (a Map that contains
   * itself) it stops with `limit_exceeded`, never a stack overflow.
   */
  private tooDeep(level: number): never {
    throw new EnvelopeError("limit_exceeded", `nested deeper than ${MAX_DEPTH_CEILING}`, {
      path: this.path(level),
    });
  }

  /** int64: major 0 or 1 in the shortest form, never a float. */
  private int64(v: bigint, level: number): void {
    const n = Number(v);
    // Exact: a bigint within ±2^32 converts without rounding. A shortcut only:
    // the bigint path below writes the same bytes for these values.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,UnaryOperator,BlockStatement: same bytes either way
    if (n >= -0x1_0000_0000 && n <= 0xffff_ffff) {
      if (n >= 0) this.w.head(MT_UINT, n);
      else this.w.head(MT_NEGINT, -1 - n);
      return;
    }
    if (v < INT64_MIN || v > INT64_MAX) bad(this.path(level), `${v} is outside the int64 range`);
    // Stryker disable next-line EqualityOperator: 0 took the shortcut above
    if (v >= 0n) this.w.headBig(MT_UINT, v);
    else this.w.headBig(MT_NEGINT, -1n - v);
  }
}
