/**
 * A bounds-checked protobuf binary reader. Every read checks the end of the
 * current message before it touches memory and throws `EnvelopeError` with
 * the absolute byte offset; nothing from inside a library escapes.
 */
import { type DecodeBudget, EnvelopeError } from "@envelope/core";
import { F64, F64_BYTES, HI, HOST_LE, I64, LO, U64, W32 } from "./scratch.js";

/**
 * `ignoreBOM`: a leading U+FEFF is a character of the string, as in every
 * other codec and in protobuf-go and prost; without it TextDecoder drops it,
 * changing the value (two keys could then collide).
 */
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/**
 * Short ASCII strings are the common case (keys, enum-like values) and
 * TextDecoder's per-call cost dominates them. Node's Buffer has a native
 * latin1 slice that works on any Uint8Array (exact for ASCII); elsewhere,
 * String.fromCharCode in groups of four.
 */
const nativeLatin1 = (globalThis as { Buffer?: { prototype: { latin1Slice?: unknown } } }).Buffer
  ?.prototype.latin1Slice as ((this: Uint8Array, start: number, end: number) => string) | undefined;

function asciiSlice(buf: Uint8Array, start: number, stop: number): string {
  if (nativeLatin1 !== undefined) return nativeLatin1.call(buf, start, stop);
  let out = "";
  let i = start;
  for (; i + 4 <= stop; i += 4)
    out += String.fromCharCode(buf[i]!, buf[i + 1]!, buf[i + 2]!, buf[i + 3]!);
  for (; i < stop; i++) out += String.fromCharCode(buf[i]!);
  return out;
}

/** Bytes values up to this length are copied into the shared slab (see `ProtoReader.bytes`). */
const SMALL_BYTES = 64;
const BYTES_SLAB_SIZE = 8 * 1024;
/**
 * The shared slab for short bytes values: an ArrayBuffer and how much of it
 * is used. (A constant object's fields load faster than module `let`s, and
 * a view made as `new Uint8Array(ab, ...)` costs about half of a
 * `subarray`.)
 */
const slab = { ab: new ArrayBuffer(BYTES_SLAB_SIZE), used: 0 };

/** Replaces the slab; returns where the next value goes (0). */
function newSlab(): number {
  slab.ab = new ArrayBuffer(BYTES_SLAB_SIZE);
  slab.used = 0;
  return 0;
}

export class ProtoReader {
  pos: number;
  /** The halves of the last {@link varint64}. */
  lo = 0;
  hi = 0;
  /** The input between `from` and `to` as a latin1 string, made on first use (see `ascii`). */
  private text: string | undefined;
  /** The input as a plain Uint8Array view (a Buffer's `slice` would not copy). */
  readonly buf: Uint8Array;

  /** The part of `buf` this reader reads: `text` covers `[from, to)`. */
  private readonly from: number;
  private readonly to: number;

  constructor(
    input: Uint8Array,
    /** Offset of `buf[0]` in the caller's input, for error messages. */
    readonly base: number,
    /** Where reading starts; the default is the whole input. */
    from = 0,
    /** Where the last message ends (the latin1 text covers no more). */
    to = input.length,
  ) {
    this.buf =
      input.constructor === Uint8Array
        ? input
        : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.pos = from;
    this.from = from;
    this.to = to;
  }

  fail(message: string, at = this.pos): never {
    throw new EnvelopeError("invalid_protobuf", message, { offset: this.base + at });
  }

  truncated(what: string, at = this.pos): never {
    throw new EnvelopeError("truncated", `${what} runs past the end of its message`, {
      offset: this.base + at,
    });
  }

  /**
   * An unsigned varint that must fit in 32 bits (tags, lengths, uint32).
   * One-byte values (most tags and lengths) take the short path here, small
   * enough that V8 inlines it into every message loop; longer ones go to
   * {@link uint32Long}. (The hot reader methods are kept small for that
   * reason: V8 inlines at most about 920 bytes of bytecode into a function.)
   */
  uint32(end: number): number {
    const p = this.pos;
    // Stryker disable next-line BlockStatement: without the one-byte path uint32Long reads the same byte (slower)
    if (p < end) {
      const b = this.buf[p]!;
      if (b < 0x80) {
        this.pos = p + 1;
        return b;
      }
    }
    return this.uint32Long(end);
  }

  private uint32Long(end: number): number {
    const buf = this.buf;
    let p = this.pos;
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= end) this.truncated("varint");
      const b = buf[p++]!;
      if (shift === 28) {
        if (b > 0x0f) this.fail("varint does not fit in 32 bits", this.pos);
        result += b * 0x10000000;
        this.pos = p;
        return result;
      }
      result |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = p;
        return result >>> 0;
      }
    }
    // Stryker disable next-line all: unreachable, the loop returns or throws by its fifth byte
    return this.fail("varint does not fit in 32 bits");
  }

  /** A varint of up to 64 bits into {@link lo} and {@link hi}; rejects more than 10 bytes. */
  varint64(end: number): void {
    const buf = this.buf;
    let p = this.pos;
    let lo = 0;
    let hi = 0;
    let b = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (p >= end) this.truncated("varint");
      b = buf[p++]!;
      lo |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = p;
        this.lo = lo >>> 0;
        this.hi = 0;
        return;
      }
    }
    if (p >= end) this.truncated("varint");
    b = buf[p++]!;
    lo |= (b & 0x0f) << 28;
    hi = (b & 0x70) >> 4;
    if (b < 0x80) {
      this.pos = p;
      this.lo = lo >>> 0;
      this.hi = hi >>> 0;
      return;
    }
    for (let shift = 3; shift <= 24; shift += 7) {
      if (p >= end) this.truncated("varint");
      b = buf[p++]!;
      hi |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.pos = p;
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    // The 10th byte holds bit 63 only: 0 or 1, as protobuf-go and prost require.
    if (p >= end) this.truncated("varint");
    b = buf[p++]!;
    if (b > 1) {
      this.fail(b < 0x80 ? "varint does not fit in 64 bits" : "varint longer than 10 bytes");
    }
    this.pos = p;
    this.lo = lo >>> 0;
    this.hi = (hi | (b << 31)) >>> 0;
  }

  /** An int64 varint as a bigint. */
  int64(end: number): bigint {
    const buf = this.buf;
    const p = this.pos;
    // Fast path: one or two bytes, a small non-negative value.
    // Stryker disable next-line BlockStatement: without the fast path varint64 reads the same bytes (slower)
    if (p + 2 <= end) {
      const b0 = buf[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return BigInt(b0);
      }
      const b1 = buf[p + 1]!;
      // Stryker disable next-line BlockStatement: without it varint64 reads the same two bytes (slower)
      if (b1 < 0x80) {
        this.pos = p + 2;
        return BigInt((b0 & 0x7f) | (b1 << 7));
      }
    }
    this.varint64(end);
    W32[LO] = this.lo;
    W32[HI] = this.hi;
    return I64[0]!;
  }

  /** A bool varint (any non-zero value is true, as in protobuf). */
  bool(end: number): boolean {
    const p = this.pos;
    if (p < end && this.buf[p]! < 0x80) {
      this.pos = p + 1;
      return this.buf[p] !== 0;
    }
    this.varint64(end);
    return this.lo !== 0 || this.hi !== 0;
  }

  /** A varint of up to 10 bytes, truncated to its low 32 bits (uint32, enum, int32 fields). */
  varint32(end: number): number {
    const p = this.pos;
    if (p < end && this.buf[p]! < 0x80) {
      this.pos = p + 1;
      return this.buf[p]!;
    }
    this.varint64(end);
    return this.lo;
  }

  /** A fixed64 as an unsigned bigint. */
  fixed64(end: number): bigint {
    const p = this.pos;
    if (p + 8 > end) this.truncated("fixed64");
    const buf = this.buf;
    W32[LO] = buf[p]! | (buf[p + 1]! << 8) | (buf[p + 2]! << 16) | (buf[p + 3]! << 24);
    W32[HI] = buf[p + 4]! | (buf[p + 5]! << 8) | (buf[p + 6]! << 16) | (buf[p + 7]! << 24);
    this.pos = p + 8;
    return U64[0]!;
  }

  /** A little-endian double (through a shared 8-byte scratch: no DataView per input). */
  double(end: number): number {
    const p = this.pos;
    if (p + 8 > end) this.truncated("double");
    const buf = this.buf;
    if (HOST_LE) for (let i = 0; i < 8; i++) F64_BYTES[i] = buf[p + i]!;
    else {
      // Stryker disable next-line all: runs only on a big-endian host
      for (let i = 0; i < 8; i++) F64_BYTES[7 - i] = buf[p + i]!;
    }
    this.pos = p + 8;
    return F64[0]!;
  }

  /** The length of a length-delimited field, checked against `end` and `limit`. */
  length(end: number, what: string, limit: number = Number.POSITIVE_INFINITY): number {
    const at = this.pos;
    const len = this.uint32(end);
    if (len > limit) this.overLimit(what, len, limit, at);
    if (this.pos + len > end) this.truncated(what, at);
    return len;
  }

  private overLimit(what: string, len: number, limit: number, at: number): never {
    throw new EnvelopeError(
      "limit_exceeded",
      what === "key"
        ? `a key of ${len} bytes is longer than maxKeyLength (${limit})` // as DecodeBudget.checkKeyLength says it
        : `${what} of ${len} bytes is over the limit of ${limit}`,
      { offset: this.base + at },
    );
  }

  /**
   * Length-delimited bytes, copied out of the input (the caller may reuse its
   * buffer). Short values (ids are 8 and 16 bytes) are copied into a shared
   * 8 KiB slab and returned as views of it, as Node's Buffer pool does: a
   * fresh ArrayBuffer for each was about a tenth of decoding a small
   * envelope. A kept value keeps its slab (at most 8 KiB) alive.
   */
  bytes(end: number, limit: number): Uint8Array {
    const len = this.length(end, "bytes", limit);
    const start = this.pos;
    this.pos += len;
    if (len > SMALL_BYTES) return this.buf.slice(start, start + len);
    let at = slab.used;
    // Stryker disable next-line ArithmeticOperator: a value that does not fit makes the view throw, and the catch below takes a new slab the same way (slower)
    if (at + len > BYTES_SLAB_SIZE) at = newSlab();
    let out: Uint8Array;
    try {
      out = new Uint8Array(slab.ab, at, len);
    } catch {
      // A caller transferred a value's ArrayBuffer, detaching the slab.
      at = newSlab();
      out = new Uint8Array(slab.ab, 0, len);
    }
    const buf = this.buf;
    for (let i = 0; i < len; i++) out[i] = buf[start + i]!;
    slab.used = (at + len + 7) & ~7;
    return out;
  }

  /**
   * Length-delimited UTF-8 text; invalid UTF-8 is rejected. `what` "key"
   * reads an attribute key or extension namespace, `limit` then being
   * maxKeyLength (checked from the length prefix, before the string is made).
   */
  string(end: number, limit: number, what: "string" | "key" = "string"): string {
    const len = this.length(end, what, limit);
    const start = this.pos;
    const stop = start + len;
    this.pos = stop;
    const buf = this.buf;
    // Stryker disable next-line all: which of two exact decoders reads a string (cost only: the scan finds any non-ASCII byte)
    if (len <= 64) {
      for (let i = start; i < stop; i++) if (buf[i]! >= 0x80) return this.decodeUtf8(start, stop);
      return this.ascii(start, stop);
    }
    return this.decodeUtf8(start, stop);
  }

  private decodeUtf8(start: number, stop: number): string {
    try {
      return utf8.decode(this.buf.subarray(start, stop));
    } catch {
      throw new EnvelopeError("invalid_utf8", "string is not valid UTF-8", {
        offset: this.base + start,
      });
    }
  }

  /**
   * An ASCII string from `buf[start, stop)`. For inputs up to 1 MiB the part
   * being read (`from` to `to`) is turned into one latin1 string by a single native call, and each
   * ASCII string is a slice of it: one native call per input instead of one
   * per string. (A kept slice may keep that string alive: at most the input's size.)
   */
  private ascii(start: number, stop: number): string {
    const text = this.text;
    if (text !== undefined) return text.slice(start - this.from, stop - this.from);
    return this.firstAscii(start, stop);
  }

  /** {@link ascii} before the text is made (or when it is not made: no native latin1, over 1 MiB). */
  private firstAscii(start: number, stop: number): string {
    const from = this.from;
    // Stryker disable next-line all: both ways make the same ASCII string (the first costs a native call per string)
    if (nativeLatin1 === undefined || this.to - from > 1 << 20)
      return asciiSlice(this.buf, start, stop);
    const text = nativeLatin1.call(this.buf, from, this.to);
    this.text = text;
    return text.slice(start - from, stop - from);
  }

  /**
   * Skips the value of a field with the given wire type (groups included,
   * nested up to `depth`), checking bounds. Each field inside a group is
   * charged to `budget` as an entry, as the field holding it was.
   */
  skip(wireType: number, fieldNo: number, end: number, budget: DecodeBudget, depth = 32): void {
    switch (wireType) {
      case 0:
        this.varint64(end);
        return;
      case 1:
        if (this.pos + 8 > end) this.truncated("fixed64");
        this.pos += 8;
        return;
      case 2: {
        const len = this.length(end, "length-delimited field");
        this.pos += len;
        return;
      }
      case 3: {
        if (depth <= 0) this.fail("groups nested too deep");
        for (;;) {
          if (this.pos >= end) this.truncated("group");
          const tagAt = this.pos;
          const tag = this.uint32(end);
          const wt = tag & 7;
          const fn = tag >>> 3;
          if (fn === 0) this.fail("field number 0", tagAt);
          if (wt === 4) {
            if (fn !== fieldNo)
              this.fail(`end group ${fn} does not match start group ${fieldNo}`, tagAt);
            return;
          }
          budget.countEntry(this.base + tagAt);
          this.skip(wt, fn, end, budget, depth - 1);
        }
      }
      case 5:
        if (this.pos + 4 > end) this.truncated("fixed32");
        this.pos += 4;
        return;
      default:
        this.fail(`invalid wire type ${wireType}`);
    }
  }
}
