/**
 * The CBOR writer: heads in their shortest form (RFC 8949 section 4.2.1),
 * definite lengths only, UTF-8 text, float64 or shortest floats.
 *
 * Output goes into a slab, as cbor-x and Node's Buffer pool do: an encode
 * writes after the previous one's output and returns a `subarray`, checking
 * room once per value, not per byte. A slab is never written again where a
 * result lives, so results stay valid; they may share their `ArrayBuffer`
 * with other results (copy with `slice()` to own one). A slab that a caller
 * detached (transferred) is simply replaced.
 */
import { EnvelopeError, nodeUtf8Write } from "@envelope/core";
import { float32BitsToFloat16 } from "./float.js";

/** Default slab size. */
const SLAB_SIZE = 65_536; // 64 KiB
/** A slab grown past this is not reused after the encode, so one huge envelope does not pin memory for later ones. */
const MAX_REUSED_SLAB = 1 << 20;
/** Strings up to this many UTF-16 units are encoded in JavaScript; longer ones with `TextEncoder.encodeInto` (faster past ~32). */
const SHORT_TEXT = 32;

const textEncoder = new TextEncoder();

/** Major type 0 (unsigned integer), shifted into place for an initial byte. */
export const MT_UINT = 0x00;
/** Major type 1 (negative integer -1-n). */
export const MT_NEGINT = 0x20;
/** Major type 2 (byte string). */
export const MT_BYTES = 0x40;
/** Major type 3 (text string). */
export const MT_TEXT = 0x60;
/** Major type 4 (array). */
export const MT_ARRAY = 0x80;
/** Major type 5 (map). */
export const MT_MAP = 0xa0;

/** Bytes a head takes for argument `n`. */
export function headSize(n: number): number {
  // Stryker disable next-line ConditionalExpression: text() asks only for 24 units or more
  if (n < 24) return 1;
  if (n < 0x100) return 2;
  if (n < 0x1_0000) return 3;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: no text reaches 4 GiB
  return n < 0x1_0000_0000 ? 5 : 9;
}

function loneSurrogate(): never {
  throw new EnvelopeError("invalid_utf8", "string has a lone surrogate and is not valid Unicode");
}

/** Writes CBOR into a growable scratch buffer. Not exported from the package. */
export class CborWriter {
  buf: Uint8Array;
  view: DataView;
  pos = 0;
  /** Where the current encode's output starts in `buf`. */
  private start = 0;
  /** Size of the last output: a new encode starts on a fresh slab when less room than this is left. */
  private expected = 0;
  private readonly slabSize: number;
  /** Set while an encode runs, so a re-entrant call (a Map subclass calling back) gets its own writer. */
  busy = false;
  private readonly f32 = new Float32Array(1);
  private readonly f32Bits = new Uint32Array(this.f32.buffer);

  constructor(slabSize: number = SLAB_SIZE) {
    this.slabSize = slabSize;
    this.buf = new Uint8Array(slabSize);
    this.view = new DataView(this.buf.buffer);
  }

  private newSlab(size: number): void {
    this.buf = new Uint8Array(size);
    this.view = new DataView(this.buf.buffer);
    this.pos = 0;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    // Stryker disable next-line EqualityOperator: growing when the bytes would just fit costs a copy, nothing else
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  /** Moves the output so far to a new slab with room for `n` more bytes. */
  private grow(n: number): void {
    const used = this.pos - this.start;
    const next = new Uint8Array(Math.max(this.slabSize, (used + n) * 2));
    next.set(this.buf.subarray(this.start, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
    this.start = 0;
    this.pos = used;
  }

  /** Starts an encode. */
  begin(): void {
    // A slab the caller detached (transferred a result's ArrayBuffer) has length
    // 0, and a previous output (expected > 0) exists: it is replaced too.
    // Stryker disable next-line EqualityOperator: a tuning boundary; exactly enough room may go either way
    if (this.pos + this.expected > this.buf.length) {
      this.newSlab(Math.max(this.slabSize, this.expected * 4));
    }
    this.start = this.pos;
  }

  /** Abandons the current encode (after an error). */
  abort(): void {
    this.pos = this.start;
  }

  /** The output of the current encode: a view of the slab, never written again. */
  result(): Uint8Array {
    const out = this.buf.subarray(this.start, this.pos);
    this.expected = out.length;
    // Stryker disable next-line EqualityOperator: a tuning threshold; a slab of exactly 1 MiB may go either way
    if (this.buf.length > MAX_REUSED_SLAB) {
      this.newSlab(this.slabSize);
      this.expected = 0;
    } else {
      this.pos = (this.pos + 7) & ~7; // the next output starts 8-byte aligned
    }
    this.start = this.pos;
    return out;
  }

  /** One raw byte (an initial byte with its argument inside, e.g. a small map key). */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** A head: major type `mt` (already shifted) with argument `n`, 0 <= n < 2^32 (larger ones: {@link headBig}). */
  head(mt: number, n: number): void {
    this.ensure(9);
    const b = this.buf;
    let p = this.pos;
    if (n < 24) {
      b[p++] = mt | n;
    } else if (n < 0x100) {
      b[p++] = mt | 24;
      b[p++] = n;
    } else if (n < 0x1_0000) {
      b[p++] = mt | 25;
      b[p++] = n >> 8;
      b[p++] = n & 0xff;
    } else {
      b[p++] = mt | 26;
      this.view.setUint32(p, n);
      p += 4;
    }
    this.pos = p;
  }

  /** A head with a bigint argument, 0 <= n < 2^64 (the caller checks the range). */
  headBig(mt: number, n: bigint): void {
    if (n < 0x1_0000_0000n) {
      this.head(mt, Number(n));
      return;
    }
    this.ensure(9);
    this.buf[this.pos] = mt | 27;
    this.view.setBigUint64(this.pos + 1, n);
    this.pos += 9;
  }

  /**
   * A text string. A string with a lone surrogate is not Unicode and has no
   * UTF-8 form: it is rejected (`invalid_utf8`), as the protobuf writer does,
   * rather than silently changed to U+FFFD.
   */
  text(s: string): void {
    const units = s.length;
    // Room for the worst case (3 bytes per UTF-16 unit) and the largest head.
    this.ensure(units * 3 + 9);
    const b = this.buf;
    const at = this.pos;
    // The short path is a shortcut: the general one below writes the same bytes.
    // Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: same bytes either way
    if (units < 24) {
      // One-byte head unless non-ASCII pushes the length to 24 or more (< 72: a two-byte head).
      const end = this.utf8(s, at + 1);
      const length = end - at - 1;
      if (length < 24) {
        b[at] = MT_TEXT | length;
        this.pos = end;
      } else {
        b.copyWithin(at + 2, at + 1, end);
        b[at] = MT_TEXT | 24;
        b[at + 1] = length;
        this.pos = end + 1;
      }
      return;
    }
    // Guess the head size from the unit count (exact for ASCII), fix it up below.
    const guess = headSize(units);
    const start = at + guess;
    let length: number;
    // Which encoder runs is cost only (each rejects a lone surrogate), and the
    // tests run where Node's encoder exists: the TextEncoder branch is not reached.
    // Stryker disable ConditionalExpression,EqualityOperator,BlockStatement,BooleanLiteral,ArithmeticOperator: same bytes either way
    if (units <= SHORT_TEXT) length = this.utf8(s, start) - start;
    else if (nodeUtf8Write !== undefined) {
      length = nodeUtf8Write.call(b, s, start, b.length - start);
      // Every non-ASCII unit takes more than one byte; only then can there be a lone surrogate.
      if (length !== units && !s.isWellFormed()) loneSurrogate();
    } else {
      if (!s.isWellFormed()) loneSurrogate();
      length = textEncoder.encodeInto(s, b.subarray(start)).written;
    }
    // Stryker restore ConditionalExpression,EqualityOperator,BlockStatement,BooleanLiteral,ArithmeticOperator
    const size = headSize(length);
    // Stryker disable next-line ConditionalExpression: moving bytes onto themselves changes nothing
    if (size !== guess) b.copyWithin(at + size, start, start + length);
    this.head(MT_TEXT, length);
    this.pos += length;
  }

  /** Encodes `s` as UTF-8 at `p`; returns the end position. Room is ensured by the caller. */
  private utf8(s: string, p: number): number {
    const b = this.buf;
    const n = s.length;
    for (let i = 0; i < n; i++) {
      let c = s.charCodeAt(i);
      if (c < 0x80) {
        b[p++] = c;
      } else if (c < 0x800) {
        b[p++] = 0xc0 | (c >> 6);
        b[p++] = 0x80 | (c & 0x3f);
      } else if (c < 0xd800 || c > 0xdfff) {
        b[p++] = 0xe0 | (c >> 12);
        b[p++] = 0x80 | ((c >> 6) & 0x3f);
        b[p++] = 0x80 | (c & 0x3f);
      } else {
        // Stryker disable next-line ConditionalExpression,EqualityOperator,ArithmeticOperator: charCodeAt past the end is NaN, no low surrogate either
        const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c < 0xdc00 && next >= 0xdc00 && next <= 0xdfff) {
          // Stryker disable next-line ArithmeticOperator: c + 0xd800 differs only in bits the byte writes below drop
          c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          i++;
          b[p++] = 0xf0 | (c >> 18);
          b[p++] = 0x80 | ((c >> 12) & 0x3f);
          b[p++] = 0x80 | ((c >> 6) & 0x3f);
          b[p++] = 0x80 | (c & 0x3f);
        } else loneSurrogate();
      }
    }
    return p;
  }

  /** A byte string. */
  bytes(v: Uint8Array): void {
    const n = v.length;
    this.head(MT_BYTES, n);
    this.ensure(n);
    this.buf.set(v, this.pos);
    this.pos += n;
  }

  /** Pre-encoded CBOR, written as is. */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** A float64 (0xfb), whatever the value: the default profile keeps every double a double. */
  float64(x: number): void {
    this.ensure(9);
    this.buf[this.pos] = 0xfb;
    this.view.setFloat64(this.pos + 1, x);
    this.pos += 9;
  }

  /**
   * The shortest float that holds `x` exactly (RFC 8949 section 4.2.1 with
   * the preferred serialization of section 4.1): float16, float32 or float64;
   * NaN is always 0xf97e00, infinities 0xf97c00 / 0xf9fc00, -0 0xf98000.
   */
  floatShortest(x: number): void {
    this.ensure(9);
    const b = this.buf;
    const p = this.pos;
    if (Number.isNaN(x)) {
      b[p] = 0xf9;
      b[p + 1] = 0x7e;
      b[p + 2] = 0x00;
      this.pos = p + 3;
      return;
    }
    this.f32[0] = x;
    if (this.f32[0] !== x) {
      this.float64(x);
      return;
    }
    const bits = this.f32Bits[0]!;
    const half = float32BitsToFloat16(bits);
    if (half >= 0) {
      b[p] = 0xf9;
      b[p + 1] = half >> 8;
      b[p + 2] = half & 0xff;
      this.pos = p + 3;
      return;
    }
    b[p] = 0xfa;
    this.view.setUint32(p + 1, bits);
    this.pos = p + 5;
  }
}
