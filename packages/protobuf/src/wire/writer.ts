/**
 * A protobuf binary writer. Length-delimited fields reserve one byte for
 * their length and move the content only when the length needs more (rare
 * for attributes, once per large nested message), so encoding is a single
 * pass with no size pre-pass and no per-message chunks.
 *
 * Output goes into a slab, as the CBOR writer, protobufjs (through Node's
 * Buffer pool) and cbor-x do: an encode writes after the previous one's
 * output and returns a view of it, so a result costs no allocation and
 * no copy. A slab is never written again where a result lives, so results
 * stay valid; they may share their `ArrayBuffer` with other results (copy
 * with `slice()` to own one). Allocating a fresh ArrayBuffer per result was
 * a third of the time of encoding a 535-byte envelope.
 *
 * Positions handed out by {@link fork} and {@link offset} are relative to the
 * start of the current output, because a growing output moves to a new slab.
 */
import { EnvelopeError, nodeUtf8Write, type Utf8Write } from "@envelope/core";
import { F64, F64_BYTES, HI, HOST_LE, I64, LO, U64, W32 } from "./scratch.js";

const encoder = new TextEncoder();
/** Default slab size. */
// Stryker disable next-line ArithmeticOperator: evaluated once when the module loads, before Stryker switches a mutant on (test/wire.test.ts fails on 64 / 1024 when the source is changed by hand)
const SLAB_SIZE = 64 * 1024;
/** A slab grown past this is not reused after the encode, so one huge envelope does not pin memory for later ones. */
const MAX_REUSED_SLAB = 1 << 20;

/** Strings up to this many UTF-16 units are copied in JavaScript; longer ones natively (faster past ~20). */
const SHORT_STRING = 20;

/** The size of `v` (below 2^32) as a varint. */
export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

export class ProtoWriter {
  buf: Uint8Array;
  /**
   * `buf`'s ArrayBuffer, kept: a result made as `new Uint8Array(ab, ...)`
   * costs about half of `buf.subarray(...)`, whose `buffer` lookup is slow.
   */
  private ab: ArrayBuffer;
  pos = 0;
  /** Where the current output starts in `buf` (marks are relative to it). */
  start = 0;
  /** Size of the last output: a new output starts on a fresh slab when less room than this is left. */
  private expected = 0;
  private readonly slabSize: number;
  /** Set while an encode runs, so a re-entrant call (a Map subclass calling back) gets its own writer. */
  busy = false;

  /**
   * The native UTF-8 writer, or `null` for none: then strings go through
   * `TextEncoder.encodeInto`, the path of runtimes without Node's Buffer
   * (tests pass `null` to exercise it in Node). Omitted or `undefined`, it is
   * Node's when there is one.
   */
  private readonly utf8Write: Utf8Write | null;

  constructor(slabSize: number = SLAB_SIZE, utf8Write: Utf8Write | null = nodeUtf8Write ?? null) {
    this.slabSize = slabSize;
    this.utf8Write = utf8Write;
    this.ab = new ArrayBuffer(slabSize);
    this.buf = new Uint8Array(this.ab);
  }

  /** Starts writing into a new slab of `size` bytes. */
  private newSlab(size: number): Uint8Array {
    this.ab = new ArrayBuffer(size);
    this.buf = new Uint8Array(this.ab);
    return this.buf;
  }

  /** Starts an output after the previous one (on a fresh slab when too little room is left). */
  begin(): void {
    // Length 0: the caller transferred a result's ArrayBuffer, detaching the
    // slab. (`length`, not `byteLength`: V8 inlines the first here, and the
    // second was a generic property lookup, the only one on the encode path.)
    const room = this.buf.length;
    if (room === 0 || room - this.pos < this.expected) {
      this.newSlab(Math.max(this.slabSize, this.expected * 4));
      this.pos = 0;
    }
    this.start = this.pos;
  }

  /** Abandons the current output (after an error). */
  abort(): void {
    this.pos = this.start;
  }

  /** Bytes written since {@link begin}. */
  offset(): number {
    return this.pos - this.start;
  }

  /** The current output: a view of the slab, never written again. */
  result(): Uint8Array {
    const out = new Uint8Array(this.ab, this.start, this.pos - this.start);
    this.expected = out.length;
    if (this.buf.length > MAX_REUSED_SLAB) {
      this.newSlab(this.slabSize);
      this.pos = 0;
      this.expected = 0;
    } else {
      this.pos = (this.pos + 7) & ~7; // the next output starts 8-byte aligned
    }
    this.start = this.pos;
    return out;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  /** Moves the output so far to a new slab with room for `n` more bytes. */
  private grow(n: number): void {
    const used = this.pos - this.start;
    const prev = this.buf;
    this.newSlab(Math.max(this.slabSize, (used + n) * 2)).set(prev.subarray(this.start, this.pos));
    this.start = 0;
    this.pos = used;
  }

  /** One byte (a precomputed tag below 128). */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An unsigned varint below 2^32. */
  uint32(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let p = this.pos;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** A 64-bit varint from its low and high 32-bit halves (two's complement). */
  varint64(lo: number, hi: number): void {
    this.ensure(10);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < 28; i += 7) {
      const shift = lo >>> i;
      const more = !(shift >>> 7 === 0 && hi === 0);
      buf[p++] = ((more ? shift | 0x80 : shift) & 0xff) >>> 0;
      if (!more) {
        this.pos = p;
        return;
      }
    }
    const splitBits = ((lo >>> 28) & 0x0f) | ((hi & 0x07) << 4);
    const hasMoreBits = !(hi >> 3 === 0);
    buf[p++] = (hasMoreBits ? splitBits | 0x80 : splitBits) & 0xff;
    if (!hasMoreBits) {
      this.pos = p;
      return;
    }
    for (let i = 3; i < 31; i += 7) {
      const shift = hi >>> i;
      const more = !(shift >>> 7 === 0);
      buf[p++] = ((more ? shift | 0x80 : shift) & 0xff) >>> 0;
      if (!more) {
        this.pos = p;
        return;
      }
    }
    buf[p++] = (hi >>> 31) & 0x01;
    this.pos = p;
  }

  /** An int64 varint (two's complement: negative values take ten bytes). */
  int64(v: bigint): void {
    I64[0] = v;
    const lo = W32[LO]!;
    const hi = W32[HI]!;
    if (hi === 0 && lo < 0x80) {
      this.ensure(1);
      this.buf[this.pos++] = lo;
    } else this.varint64(lo, hi);
  }

  /** A fixed64 (little-endian) of an unsigned 64-bit value. */
  fixed64(v: bigint): void {
    this.ensure(8);
    U64[0] = v;
    const lo = W32[LO]!;
    const hi = W32[HI]!;
    const buf = this.buf;
    const p = this.pos;
    buf[p] = lo;
    buf[p + 1] = lo >>> 8;
    buf[p + 2] = lo >>> 16;
    buf[p + 3] = lo >>> 24;
    buf[p + 4] = hi;
    buf[p + 5] = hi >>> 8;
    buf[p + 6] = hi >>> 16;
    buf[p + 7] = hi >>> 24;
    this.pos = p + 8;
  }

  /** A double, little-endian IEEE 754; ±Infinity and -0 kept, every NaN written as 0x7FF8000000000000. */
  double(v: number): void {
    this.ensure(8);
    F64[0] = Number.isNaN(v) ? Number.NaN : v;
    const b = F64_BYTES;
    const buf = this.buf;
    const p = this.pos;
    // Eight stores: cheaper than TypedArray#set for eight bytes.
    if (HOST_LE) {
      buf[p] = b[0]!;
      buf[p + 1] = b[1]!;
      buf[p + 2] = b[2]!;
      buf[p + 3] = b[3]!;
      buf[p + 4] = b[4]!;
      buf[p + 5] = b[5]!;
      buf[p + 6] = b[6]!;
      buf[p + 7] = b[7]!;
    } else {
      // Stryker disable next-line all: runs only on a big-endian host
      for (let i = 0; i < 8; i++) buf[p + i] = b[7 - i]!;
    }
    this.pos = p + 8;
  }

  /** Length-prefixed bytes (short ones copied in a loop: cheaper than TypedArray#set up to ~32 bytes). */
  bytes(v: Uint8Array): void {
    const len = v.length;
    this.uint32(len);
    this.ensure(len);
    // Stryker disable next-line all: a loop or TypedArray#set copies the same bytes (cost only)
    if (len <= 32) {
      const buf = this.buf;
      const p = this.pos;
      for (let i = 0; i < len; i++) buf[p + i] = v[i]!;
    } else this.buf.set(v, this.pos);
    this.pos += len;
  }

  /** Raw bytes, no prefix. */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /**
   * Length-prefixed UTF-8. Short ASCII strings are copied char by char;
   * others are encoded natively (`utf8Write` in Node, else
   * `TextEncoder.encodeInto`). A string with a lone surrogate is not Unicode
   * and is rejected (`invalid_utf8`) rather than silently changed to U+FFFD.
   */
  string(s: string): void {
    const len = s.length;
    // Stryker disable next-line BlockStatement,EqualityOperator: the native path writes the same bytes for a short string (cost only)
    if (len <= SHORT_STRING) {
      this.ensure(1 + len);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: a string the loop does not finish goes to the native path, which writes the same bytes
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      // Stryker disable next-line BlockStatement: the native path writes the same bytes (cost only)
      if (i === len) {
        buf[this.pos] = len;
        this.pos = p;
        return;
      }
    }
    // Room for the longest encoding; the length prefix is sized for the
    // ASCII case and moved by patchLength when the text is longer.
    const max = len * 3;
    const reserved = varintSize(len);
    this.ensure(5 + max);
    const start = this.pos;
    let written: number;
    const utf8Write = this.utf8Write;
    if (utf8Write !== null) {
      written = utf8Write.call(this.buf, s, start + reserved, max);
      // Every non-ASCII unit takes more than one byte; only then can there be a lone surrogate.
      if (written !== len && !s.isWellFormed()) this.loneSurrogate();
    } else {
      if (!s.isWellFormed()) this.loneSurrogate();
      written = encoder.encodeInto(
        s,
        this.buf.subarray(start + reserved, start + reserved + max),
      ).written;
    }
    this.pos = start + reserved + written;
    this.patchLength(start, reserved, written);
  }

  private loneSurrogate(): never {
    throw new EnvelopeError("invalid_utf8", "string has a lone surrogate and is not valid Unicode");
  }

  /** Reserves one byte for a length; returns the mark (relative) to pass to {@link join}. */
  fork(): number {
    this.ensure(1);
    return this.pos++ - this.start;
  }

  /** Writes the length of everything since `mark` into the reserved space. */
  join(mark: number): void {
    const at = this.start + mark;
    const length = this.pos - at - 1;
    if (length < 0x80) this.buf[at] = length;
    else this.patchLength(at, 1, length);
  }

  /** Writes `length` at `at` (absolute) into `reserved` bytes, moving what follows when it needs more. */
  private patchLength(at: number, reserved: number, length: number): void {
    const need = varintSize(length);
    let start = at;
    if (need !== reserved) {
      const rel = start - this.start;
      // Stryker disable next-line ArithmeticOperator: more room than needed changes only when the output moves
      this.ensure(need - reserved); // may move the output to a new slab
      start = this.start + rel;
      this.buf.copyWithin(start + need, start + reserved, this.pos);
      this.pos += need - reserved;
    }
    const buf = this.buf;
    let p = start;
    let v = length;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p] = v;
  }
}
