/**
 * The strict CBOR reader: item heads, strings, and a well-formedness walk
 * (RFC 8949 section 3 and Appendix C), with limits checked before anything
 * is allocated. All state lives on the instance (one per decode call), so
 * decoding is re-entrant; nothing here touches cbor-x or any global setting.
 *
 * Offsets in errors are absolute: `base` is where `bytes` starts in the input
 * the caller was given.
 */
import {
  type DecodeBudget,
  EnvelopeError,
  type ErrorCode,
  isEnvelopeError,
  type Limits,
} from "@envelope/core";
import { byteString, decodeUtf8, findInvalidUtf8 } from "./utf8.js";

/**
 * ASCII text strings at least this long are cut from a one-byte string of the
 * whole input (see {@link byteString}): one native call per input instead of
 * one per string. V8 makes cuts of 13 or more characters "sliced strings" that
 * keep the whole-input string alive, so inputs over {@link SLICE_INPUT_MAX}
 * decode every string on its own and a kept string never pins more than that.
 */
const SLICE_TEXT = 8;
const SLICE_INPUT_MAX = 1 << 20;

/** Initial bytes with a name worth printing in a type error. */
export const MAJOR_NAMES = [
  "an unsigned integer",
  "a negative integer",
  "a byte string",
  "a text string",
  "an array",
  "a map",
  "a tag",
  "a float or simple value",
] as const;

/** The break stop code (major 7, additional information 31). */
export const BREAK = 0xff;

/** A path segment of an attribute value: a map key or an array index. */
export type PathSegment = string | number;

/**
 * Where an error is: a field path given as text, or, as a number `n`, the
 * attribute path made of the reader's `segments[pathStart, n)` after `pathPrefix`.
 */
export type Where = string | number;

function formatSegment(segment: PathSegment | bigint): string {
  return typeof segment === "string" ? `[${JSON.stringify(segment)}]` : `[${segment}]`;
}

/** Reads one CBOR input. Not exported from the package. */
export class CborReader {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly end: number;
  readonly base: number;
  readonly limits: Limits;
  readonly budget: DecodeBudget;
  pos = 0;
  /** Argument of the last head: a count, length or integer; -1 for an indefinite length. Exact below 2^53. */
  arg = 0;
  /** High and low 32 bits of the last 8-byte argument (for exact 64-bit integers). */
  argHigh = 0;
  argLow = 0;
  /**
   * Path segments, indexed by nesting level (see {@link Where}): attribute
   * keys and array indexes, or the key of an unknown message entry.
   */
  // Stryker disable next-line ArrayDeclaration: a segment is always set before a path reads it
  readonly segments: (PathSegment | bigint)[] = [];
  // Stryker disable next-line StringLiteral: set before any attribute or unknown value is read
  pathPrefix = "";
  pathStart = 0;
  /** The input as a one-byte string, made on first use (see {@link SLICE_TEXT}). */
  private whole: string | undefined = undefined;
  constructor(bytes: Uint8Array, budget: DecodeBudget, base: number) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.end = bytes.length;
    this.base = base;
    this.budget = budget;
    this.limits = budget.limits;
  }

  /** The path an error at `where` reports. */
  path(where: Where): string | undefined {
    if (typeof where === "string") return where === "" ? undefined : where;
    let path = this.pathPrefix;
    for (let i = this.pathStart; i < where; i++) path += formatSegment(this.segments[i]!);
    return path === "" ? undefined : path;
  }

  /** Throws an {@link EnvelopeError} at byte `at` of `bytes`. */
  fail(code: ErrorCode, message: string, at: number, where: Where = ""): never {
    const path = this.path(where);
    throw new EnvelopeError(
      code,
      message,
      // Stryker disable next-line ConditionalExpression: a path of undefined is no path either way
      path === undefined ? { offset: this.base + at } : { offset: this.base + at, path },
    );
  }

  truncated(at: number, where: Where): never {
    return this.fail("truncated", "the input ends inside a CBOR item", at, where);
  }

  /**
   * Reads an item head at `pos` and returns its initial byte; the argument is
   * left in `arg` (-1 for additional information 31, which the caller checks
   * against the major type). Rejects the reserved additional information 28..30.
   */
  head(where: Where): number {
    const p = this.pos;
    if (p >= this.end) this.truncated(p, where);
    const initial = this.bytes[p]!;
    const info = initial & 0x1f;
    if (info < 24) {
      this.arg = info;
      this.pos = p + 1;
      return initial;
    }
    switch (info) {
      case 24:
        if (p + 2 > this.end) this.truncated(p, where);
        this.arg = this.bytes[p + 1]!;
        this.pos = p + 2;
        return initial;
      case 25:
        if (p + 3 > this.end) this.truncated(p, where);
        this.arg = (this.bytes[p + 1]! << 8) | this.bytes[p + 2]!;
        this.pos = p + 3;
        return initial;
      case 26:
        if (p + 5 > this.end) this.truncated(p, where);
        this.arg = this.view.getUint32(p + 1);
        this.pos = p + 5;
        return initial;
      case 27: {
        if (p + 9 > this.end) this.truncated(p, where);
        const high = this.view.getUint32(p + 1);
        const low = this.view.getUint32(p + 5);
        this.argHigh = high;
        this.argLow = low;
        this.arg = high * 0x1_0000_0000 + low;
        this.pos = p + 9;
        return initial;
      }
      case 31:
        this.arg = -1;
        this.pos = p + 1;
        return initial;
      default:
        return this.fail(
          "invalid_cbor",
          `reserved additional information ${info} (initial byte 0x${initial.toString(16)})`, // always 2 digits (>= 0x1c)
          p,
          where,
        );
    }
  }

  /** The last head's argument as an exact bigint (0 .. 2^64-1). */
  argBigInt(): bigint {
    // Stryker disable next-line EqualityOperator: 2^53-1 is exact both ways
    return this.arg <= Number.MAX_SAFE_INTEGER
      ? BigInt(this.arg)
      : (BigInt(this.argHigh) << 32n) | BigInt(this.argLow);
  }

  /** True (and consumes it) when the next byte is a break; used inside indefinite-length items. */
  atBreak(where: Where): boolean {
    const p = this.pos;
    if (p >= this.end) this.truncated(p, where);
    if (this.bytes[p] === BREAK) {
      this.pos = p + 1;
      return true;
    }
    return false;
  }

  /** Fails unless the whole input was consumed. */
  expectEnd(): void {
    if (this.pos !== this.end) {
      this.fail("trailing_bytes", `${this.end - this.pos} byte(s) after the CBOR item`, this.pos);
    }
  }

  /**
   * Counts one entry (an attribute, array element, extension, unknown key,
   * item of an unknown value or string chunk) against `maxAttributes`, as
   * DecodeBudget.countEntry does, with the path in the error.
   */
  countEntry(at: number, where: Where): void {
    if (++this.budget.entries > this.limits.maxAttributes) this.tooManyEntries(at, where);
  }

  /** Fails unless `count` more entries fit the budget (checked before a definite container is read). */
  checkEntries(count: number, at: number, where: Where): void {
    if (count > this.limits.maxAttributes - this.budget.entries) this.tooManyEntries(at, where);
  }

  tooManyEntries(at: number, where: Where): never {
    return this.fail(
      "limit_exceeded",
      `more than ${this.limits.maxAttributes} entries (attributes, array elements, extensions, unknown fields)`,
      at,
      where,
    );
  }

  /**
   * Checks a definite container count against the input left before anything
   * is allocated or looped over: every element or entry takes at least one
   * byte. (Not two per map entry: a map cut short by a misplaced break or a
   * bad key is reported as that, in reading order, rather than as truncated.)
   */
  checkCount(count: number, at: number, where: Where): void {
    if (count > this.end - this.pos) this.truncated(at, where);
  }

  /**
   * Reads the content of a text string whose head was just read at `at`, as
   * an attribute key or extension namespace: its length is checked against
   * `maxKeyLength` before the string is made (for an indefinite length,
   * chunk by chunk).
   */
  key(at: number, where: Where): string {
    const length = this.arg;
    if (length > this.limits.maxKeyLength) this.keyTooLong(length, at, where);
    return length < 0
      ? this.indefiniteText(at, where, this.limits.maxKeyLength)
      : this.text(at, where);
  }

  keyTooLong(length: number, at: number, where: Where): never {
    return this.fail(
      "limit_exceeded",
      `a key of ${length} bytes is longer than maxKeyLength (${this.limits.maxKeyLength})`,
      at,
      where,
    );
  }

  /** Reads the content of a text string whose head was just read at `at`. */
  text(at: number, where: Where): string {
    const length = this.arg;
    if (length < 0) return this.indefiniteText(at, where, -1);
    const p = this.pos;
    if (length > this.end - p) this.truncated(at, where);
    if (length > this.limits.maxStringLength) this.stringTooLong(at, where);
    const end = p + length;
    let text: string | undefined;
    // Which way an ASCII string is made is cost only: both give the same string.
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: same string either way
    if (length >= SLICE_TEXT && this.end <= SLICE_INPUT_MAX && this.isAscii(p, end)) {
      this.whole ??= byteString(this.bytes);
      text = this.whole.substring(p, end);
    } else {
      text = decodeUtf8(this.bytes, p, end);
      if (text === undefined) this.invalidUtf8(p, end, where);
    }
    this.pos = end;
    return text;
  }

  /**
   * True when `bytes[start, end)` is all ASCII; four bytes at a time. A false
   * "no" costs only time (the text is then decoded as UTF-8); a false "yes" is a bug.
   */
  // Stryker disable BlockStatement,BooleanLiteral,ConditionalExpression: a wrong "no" is cost only
  isAscii(start: number, end: number): boolean {
    const view = this.view;
    let i = start;
    // Stryker disable next-line EqualityOperator: fewer words leave more to the byte loop
    for (; i + 4 <= end; i += 4) if ((view.getUint32(i) & 0x8080_8080) !== 0) return false;
    const bytes = this.bytes;
    // Stryker disable next-line EqualityOperator: one byte past the range can only turn a "yes" into a "no"
    for (; i < end; i++) {
      if (bytes[i]! >= 0x80) return false;
    }
    return true;
  }
  // Stryker restore BlockStatement,BooleanLiteral,ConditionalExpression

  /** An indefinite-length text string; `maxKey` >= 0 bounds it as a key. Each chunk is an entry. */
  private indefiniteText(at: number, where: Where, maxKey: number): string {
    let text = "";
    let total = 0;
    while (!this.atBreak(where)) {
      const chunkAt = this.pos;
      this.countEntry(chunkAt, where);
      const initial = this.head(where);
      if (initial >> 5 !== 3 || this.arg < 0) {
        this.fail(
          "invalid_cbor",
          "a chunk of an indefinite-length text string must be a definite-length text string",
          chunkAt,
          where,
        );
      }
      const length = this.arg;
      const p = this.pos;
      if (length > this.end - p) this.truncated(chunkAt, where);
      total += length;
      if (total > this.limits.maxStringLength) this.stringTooLong(at, where);
      if (maxKey >= 0 && total > maxKey) this.keyTooLong(total, at, where);
      const chunk = decodeUtf8(this.bytes, p, p + length);
      if (chunk === undefined) this.invalidUtf8(p, p + length, where);
      text += chunk;
      this.pos = p + length;
    }
    return text;
  }

  /** Reads the content of a byte string whose head was just read at `at`; always a copy. */
  byteString(at: number, where: Where): Uint8Array {
    const length = this.arg;
    if (length < 0) return this.indefiniteBytes(at, where);
    const p = this.pos;
    if (length > this.end - p) this.truncated(at, where);
    if (length > this.limits.maxBytesLength) this.bytesTooLong(at, where);
    this.pos = p + length;
    return this.bytes.slice(p, p + length);
  }

  /** An indefinite-length byte string; each chunk is an entry (an empty one costs a `subarray` here). */
  private indefiniteBytes(at: number, where: Where): Uint8Array {
    const chunks: Uint8Array[] = [];
    let total = 0;
    while (!this.atBreak(where)) {
      const chunkAt = this.pos;
      this.countEntry(chunkAt, where);
      const initial = this.head(where);
      if (initial >> 5 !== 2 || this.arg < 0) {
        this.fail(
          "invalid_cbor",
          "a chunk of an indefinite-length byte string must be a definite-length byte string",
          chunkAt,
          where,
        );
      }
      const length = this.arg;
      const p = this.pos;
      if (length > this.end - p) this.truncated(chunkAt, where);
      total += length;
      if (total > this.limits.maxBytesLength) this.bytesTooLong(at, where);
      chunks.push(this.bytes.subarray(p, p + length));
      this.pos = p + length;
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const chunk of chunks) {
      out.set(chunk, o);
      o += chunk.length;
    }
    return out;
  }

  stringTooLong(at: number, where: Where): never {
    return this.fail(
      "limit_exceeded",
      `text string longer than maxStringLength (${this.limits.maxStringLength} bytes)`,
      at,
      where,
    );
  }

  bytesTooLong(at: number, where: Where): never {
    return this.fail(
      "limit_exceeded",
      `byte string longer than maxBytesLength (${this.limits.maxBytesLength} bytes)`,
      at,
      where,
    );
  }

  invalidUtf8(start: number, end: number, where: Where): never {
    const bad = findInvalidUtf8(this.bytes, start, end);
    return this.fail(
      "invalid_utf8",
      "text string is not valid UTF-8",
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a range decodeUtf8 refused always has a bad byte, past the head
      bad < 0 ? start : bad,
      where,
    );
  }

  /** Fails because the item with initial byte `initial` at `at` is not `expected`. */
  wrongType(initial: number, at: number, where: Where, expected: string): never {
    if (initial === BREAK) this.fail("invalid_cbor", "unexpected break stop code", at, where);
    return this.fail(
      "invalid_value",
      `expected ${expected}, got ${MAJOR_NAMES[initial >> 5]}`,
      at,
      where,
    );
  }

  /**
   * Skips one well-formed item (any CBOR: tags, simple values and all), checking
   * it as RFC 8949 Appendix C does, plus strict UTF-8 in text strings and the
   * limits, as for known data: each array element, map entry and string chunk
   * is an entry, text map keys are bounded by `maxKeyLength`, and strings,
   * bytes and nesting by theirs. `depth` is the nesting level an array, map
   * or tag at this position would have. Allocates nothing.
   */
  skip(depth: number, where: Where = ""): void {
    const at = this.pos;
    const initial = this.head(where);
    const major = initial >> 5;
    switch (major) {
      case 0:
      case 1:
        if (this.arg < 0)
          this.fail("invalid_cbor", "an integer cannot have an indefinite length", at, where);
        return;
      case 2:
      case 3:
        this.skipString(major, at, where);
        return;
      case 4:
      case 5: {
        if (depth > this.limits.maxDepth) this.tooDeep(at, where);
        const count = this.arg;
        // An indefinite length (-1) passes both checks.
        this.checkCount(count, at, where);
        this.checkEntries(count, at, where);
        for (let i = 0; count < 0 ? !this.atBreak(where) : i < count; i++) {
          this.countEntry(this.pos, where);
          if (major === 5) this.skipKey(depth + 1, where);
          this.skip(depth + 1, where); // a break here is "unexpected break"
        }
        return;
      }
      case 6:
        if (this.arg < 0)
          this.fail("invalid_cbor", "a tag cannot have an indefinite length", at, where);
        if (depth > this.limits.maxDepth) this.tooDeep(at, where);
        this.skip(depth + 1, where);
        return;
      default: {
        const info = initial & 0x1f;
        if (info === 31) this.fail("invalid_cbor", "unexpected break stop code", at, where);
        if (info === 24 && this.arg < 32) {
          this.fail(
            "invalid_cbor",
            `simple value ${this.arg} must use the one-byte form`,
            at,
            where,
          );
        }
      }
    }
  }

  /** Skips a map key: any item, and a text key no longer than `maxKeyLength`, as an attribute key. */
  private skipKey(depth: number, where: Where): void {
    const p = this.pos;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: at the end, skip() reports the same truncation
    if (p >= this.end || this.bytes[p]! >> 5 !== 3) {
      this.skip(depth, where);
      return;
    }
    this.head(where);
    if (this.arg > this.limits.maxKeyLength) this.keyTooLong(this.arg, p, where);
    this.skipString(3, p, where, this.limits.maxKeyLength);
  }

  /** Skips a string's content; `maxKey` >= 0 bounds a text key. Each chunk of an indefinite length is an entry. */
  private skipString(major: number, at: number, where: Where, maxKey = -1): void {
    const max = major === 3 ? this.limits.maxStringLength : this.limits.maxBytesLength;
    if (this.arg >= 0) {
      this.skipChunk(major, this.arg, at, at, max, where);
      return;
    }
    let total = 0;
    while (!this.atBreak(where)) {
      const chunkAt = this.pos;
      this.countEntry(chunkAt, where);
      const initial = this.head(where);
      if (initial >> 5 !== major || this.arg < 0) {
        this.fail(
          "invalid_cbor",
          "a chunk of an indefinite-length string must be a definite-length string of the same type",
          chunkAt,
          where,
        );
      }
      total += this.arg;
      if (maxKey >= 0 && total > maxKey) this.keyTooLong(total, at, where);
      this.skipChunk(major, this.arg, chunkAt, at, total > max ? -1 : max, where);
    }
  }

  private skipChunk(
    major: number,
    length: number,
    chunkAt: number,
    at: number,
    max: number,
    where: Where,
  ): void {
    const p = this.pos;
    if (length > this.end - p) this.truncated(chunkAt, where);
    if (length > max) {
      // (max -1: the chunks before are already over the limit)
      if (major === 3) this.stringTooLong(at, where);
      this.bytesTooLong(at, where);
    }
    // Stryker disable next-line EqualityOperator: a bad byte is never at index 0 (a head comes first)
    if (major === 3 && findInvalidUtf8(this.bytes, p, p + length) >= 0)
      this.invalidUtf8(p, p + length, where);
    this.pos = p + length;
  }

  tooDeep(at: number, where: Where): never {
    return this.fail(
      "limit_exceeded",
      `nested deeper than maxDepth (${this.limits.maxDepth})`,
      at,
      where,
    );
  }
}

/**
 * Runs `read` over the whole of `bytes` and checks nothing follows. Whatever
 * goes wrong leaves as an {@link EnvelopeError} with an offset: a call stack
 * exhausted by nesting (possible only with a raised `maxDepth`) becomes
 * `limit_exceeded`, anything else unexpected `invalid_cbor`.
 */
export function readWhole<T>(
  bytes: Uint8Array,
  budget: DecodeBudget,
  base: number,
  read: (r: CborReader) => T,
): T {
  if (!(bytes instanceof Uint8Array)) {
    throw new EnvelopeError("invalid_argument", "expected a Uint8Array", { offset: base });
  }
  const reader = new CborReader(bytes, budget, base);
  try {
    const value = read(reader);
    reader.expectEnd();
    return value;
  } catch (cause) {
    if (isEnvelopeError(cause)) throw cause;
    const offset = base + reader.pos;
    if (cause instanceof RangeError) {
      throw new EnvelopeError(
        "limit_exceeded",
        "nested too deeply for the call stack",
        { offset },
        { cause },
      );
    }
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new EnvelopeError("invalid_cbor", `cannot decode: ${detail}`, { offset }, { cause });
  }
}
