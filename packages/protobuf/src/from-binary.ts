/**
 * The hand-written part of the protobuf binary decoder (docs/spec.md, "Codec:
 * protobuf binary"): the read context, unknown-field keeping and the
 * attribute model (KeyValue, AnyValue, ArrayValue, KeyValueList read into
 * Maps and values). The readers of the other messages are generated from
 * the proto (gen/envelope/v1/envelope_codec.ts, scripts/protoc-gen-envelope.mjs)
 * and call these. Reads straight into the model, checks every length
 * against its message's end and the limits before it allocates, and keeps
 * unknown fields.
 *
 * Each message loop switches on the whole tag (field number and wire type),
 * so a known field with the expected wire type costs one comparison; anything
 * else goes to `other()`, which rejects a known field with the wrong wire
 * type and keeps an unknown one.
 *
 * A message field that appears more than once is merged, as protobuf
 * requires (protobuf-go, prost and @bufbuild/protobuf all do): each reader
 * takes the message read so far and reads the next occurrence into it, so
 * scalars take the last value, repeated fields and attribute lists append,
 * and sub-messages merge in turn. Every entry (attribute, array element,
 * extension, unknown field) is charged to the decode's budget.
 */
import {
  type Attributes,
  type AttributeValue,
  type DecodeBudget,
  EnvelopeError,
  excerpt,
  type HasUnknown,
  UnknownValue,
} from "@envelope/core";
import type { ProtoReader } from "./wire/reader.js";

export const EMPTY = new Uint8Array(0);

/** State of one decode call. */
export class Ctx {
  readonly maxString: number;
  readonly maxBytes: number;
  readonly maxDepth: number;
  /** The limit of a key: maxKeyLength, or maxStringLength when that is smaller (see `key`). */
  readonly maxKey: number;
  readonly keyWhat: "key" | "string";
  /**
   * The unknown fields of the message being read, as `[start, end)` pairs of
   * positions in the input (adjacent fields share one pair), copied into
   * one byte string at the end of the message (see `attachUnknown`).
   */
  unknown: number[] | undefined = undefined;
  /** The value an AnyValue being read merges into (see `readAnyValue`). */
  merging: AttributeValue | undefined = undefined;
  constructor(
    readonly r: ProtoReader,
    readonly budget: DecodeBudget,
  ) {
    const l = budget.limits;
    this.maxString = l.maxStringLength;
    this.maxBytes = l.maxBytesLength;
    this.maxDepth = l.maxDepth;
    this.maxKey = Math.min(l.maxKeyLength, l.maxStringLength);
    this.keyWhat = l.maxKeyLength <= l.maxStringLength ? "key" : "string";
  }

  /** Counts one entry at `at` (see DecodeBudget.countEntry). */
  count(at: number): void {
    this.budget.countEntry(this.r.base + at);
  }
}

/** Wire types of the known fields of each message, by field number. */
export type Known = readonly (number | undefined)[];
const KEY_VALUE: Known = [undefined, 2, 2];
const ANY_VALUE: Known = [undefined, 2, 0, 0, 1, 2, 2, 2];
const LIST: Known = [undefined, 2];

/**
 * A field the message loop did not take: a known field with the wrong wire
 * type is an error; an unknown field counts as an entry, is skipped and,
 * when `keep`, its raw bytes (tag included) are collected for re-encoding.
 */
export function other(
  c: Ctx,
  known: Known,
  tag: number,
  at: number,
  end: number,
  keep: boolean,
): void {
  const no = tag >>> 3;
  const wt = tag & 7;
  if (no === 0) c.r.fail("field number 0", at);
  const expected = known[no];
  if (expected !== undefined) c.r.fail(`field ${no} has wire type ${wt}, expected ${expected}`, at);
  if (wt === 4) c.r.fail(`unexpected end group ${no}`, at);
  c.count(at);
  c.r.skip(wt, no, end, c.budget);
  if (keep) {
    c.unknown ??= [];
    const ranges = c.unknown;
    const n = ranges.length;
    if (n > 0 && ranges[n - 1] === at) ranges[n - 1] = c.r.pos;
    else ranges.push(at, c.r.pos);
  }
}

/**
 * Moves the unknown fields collected since `mark` onto `target` as one copied
 * byte string. (Small: it runs at the end of every message; the copying is
 * in `keepUnknown`.)
 */
export function attachUnknown(c: Ctx, target: HasUnknown, mark: number[] | undefined): void {
  const ranges = c.unknown;
  c.unknown = mark;
  if (ranges !== undefined && ranges !== mark) keepUnknown(target, ranges, c.r.buf);
}

/** Copies `ranges` of `buf` after the unknown fields `target` already has (from an earlier occurrence of it). */
function keepUnknown(target: HasUnknown, ranges: number[], buf: Uint8Array): void {
  const before = target.$unknown?.data as Uint8Array | undefined;
  let size = before?.length ?? 0;
  for (let i = 0; i < ranges.length; i += 2) size += ranges[i + 1]! - ranges[i]!;
  const data = new Uint8Array(size);
  let at = 0;
  if (before !== undefined) {
    data.set(before);
    at = before.length;
  }
  for (let i = 0; i < ranges.length; i += 2) {
    data.set(buf.subarray(ranges[i]!, ranges[i + 1]!), at);
    at += ranges[i + 1]! - ranges[i]!;
  }
  target.$unknown = { codec: "protobuf", data };
}

/** Enters a length-delimited sub-message; returns its end. */
export function sub(c: Ctx, end: number, what: string): number {
  const len = c.r.length(end, what);
  return c.r.pos + len;
}

export function str(c: Ctx, end: number): string {
  return c.r.string(end, c.maxString);
}

/** An attribute key or extension namespace (also bounded by maxKeyLength). */
export function key(c: Ctx, end: number): string {
  return c.r.string(end, c.maxKey, c.keyWhat);
}

export function bytes(c: Ctx, end: number): Uint8Array {
  return c.r.bytes(end, c.maxBytes);
}

/**
 * Reads one KeyValue into `into`. Unknown fields of a KeyValue have no place
 * in the model and are skipped (docs/spec.md, "Unknown fields").
 */
export function readKeyValue(
  c: Ctx,
  end: number,
  into: Attributes,
  depth: number,
  at: number,
): void {
  c.count(at);
  const r = c.r;
  const start = r.pos;
  let k = "";
  let value: AttributeValue | undefined;
  while (r.pos < end) {
    const tagAt = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) k = key(c, end);
    else if (tag === 0x12) {
      c.merging = value;
      value = readAnyValue(c, sub(c, end, "KeyValue.value"), depth);
    } else other(c, KEY_VALUE, tag, tagAt, end, false);
  }
  // Checked here, not per occurrence: an empty first occurrence may be merged with a later one.
  if (value === undefined) noValue(r, k, start);
  // One hash operation: a set that does not grow the map found the key already there.
  const size = into.size;
  into.set(k, value);
  if (into.size === size) duplicateKey(r, k, start);
}

function noValue(r: ProtoReader, key: string, at: number): never {
  throw new EnvelopeError(
    "invalid_value",
    `attribute ${excerpt(JSON.stringify(key))} has no value (an AnyValue with none of its members set, or none at all)`,
    { offset: r.base + at },
  );
}

function duplicateKey(r: ProtoReader, key: string, at: number): never {
  throw new EnvelopeError(
    "duplicate_key",
    `attribute key ${excerpt(JSON.stringify(key))} appears twice in one map`,
    {
      offset: r.base + at,
    },
  );
}

function enter(c: Ctx, depth: number, at: number): number {
  const next = depth + 1;
  if (next > c.maxDepth) tooDeep(c, at);
  return next;
}

function tooDeep(c: Ctx, at: number): never {
  throw new EnvelopeError("limit_exceeded", `attribute value nested deeper than ${c.maxDepth}`, {
    offset: c.r.base + at,
  });
}

/**
 * Reads an AnyValue, merged into `c.merging` (the value of an earlier
 * occurrence of the same KeyValue.value, if any; taken from the context, not
 * passed: a fourth argument made every decode about 3% slower). As in protobuf, the last member of the
 * oneof wins, and an array or map member set again while it is the one set
 * appends to it. An AnyValue holding only fields this version does not know
 * becomes an `UnknownValue` with its raw bytes, written back as it was; one
 * with no fields at all gives `undefined` (the caller decides: an array
 * element must have a value, a KeyValue's value may still come).
 */
function readAnyValue(c: Ctx, end: number, depth: number): AttributeValue | undefined {
  const r = c.r;
  const start = r.pos;
  let value = c.merging;
  if (value !== undefined) c.merging = undefined;
  let sawUnknown = false;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    switch (tag) {
      case 0x0a:
        value = str(c, end);
        break;
      case 0x10:
        value = r.bool(end);
        break;
      case 0x18:
        value = r.int64(end);
        break;
      case 0x21:
        value = r.double(end);
        break;
      case 0x2a:
        value = readArray(
          c,
          sub(c, end, "AnyValue.array_value"),
          enter(c, depth, at),
          Array.isArray(value) ? value : [],
        );
        break;
      case 0x32:
        value = readKvList(
          c,
          sub(c, end, "AnyValue.kvlist_value"),
          enter(c, depth, at),
          value instanceof Map ? value : new Map(),
        );
        break;
      case 0x3a:
        value = bytes(c, end);
        break;
      default:
        other(c, ANY_VALUE, tag, at, end, false);
        sawUnknown = true;
    }
  }
  if (sawUnknown) {
    if (value === undefined) return new UnknownValue("protobuf", r.buf.slice(start, end));
    // Only an earlier occurrence can be an UnknownValue: unknown members after unknown members join it.
    if (value instanceof UnknownValue) return joinUnknown(value, r, start, end);
  }
  return value;
}

function noArrayValue(r: ProtoReader, at: number): never {
  throw new EnvelopeError("invalid_value", "array element (AnyValue) has no value set", {
    offset: r.base + at,
  });
}

/** Two occurrences of an AnyValue holding only unknown members, merged: their bytes one after the other. */
function joinUnknown(prev: UnknownValue, r: ProtoReader, start: number, end: number): UnknownValue {
  const before = prev.data as Uint8Array;
  const data = new Uint8Array(before.length + end - start);
  data.set(before);
  data.set(r.buf.subarray(start, end), before.length);
  return new UnknownValue("protobuf", data);
}

function readArray(c: Ctx, end: number, depth: number, out: AttributeValue[]): AttributeValue[] {
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) {
      c.count(at);
      const value = readAnyValue(c, sub(c, end, "ArrayValue.values"), depth);
      out.push(value ?? noArrayValue(r, at));
    } else other(c, LIST, tag, at, end, false);
  }
  return out;
}

function readKvList(c: Ctx, end: number, depth: number, out: Attributes): Attributes {
  const r = c.r;
  while (r.pos < end) {
    const at = r.pos;
    const tag = r.uint32(end);
    if (tag === 0x0a) readKeyValue(c, sub(c, end, "KeyValueList.values"), out, depth, at);
    else other(c, LIST, tag, at, end, false);
  }
  return out;
}

/** Fails for a missing required field (see the `required` binding in scripts/protoc-gen-envelope.mjs). */
export function missingField(c: Ctx, message: string, field: string): never {
  throw new EnvelopeError("missing_field", `${message.toLowerCase()} has no ${field}`, {
    offset: c.r.base,
  });
}
