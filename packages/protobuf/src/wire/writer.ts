/**
 * A protobuf binary writer into one growable buffer that is reused across
 * calls. Length-delimited fields reserve one byte for their length and move
 * the content only when the length needs more (rare for attributes, once per
 * large nested message), so encoding is a single pass with no size pre-pass
 * and no per-message chunks.
 */
import { EnvelopeError } from "@envelope/core";

const encoder = new TextEncoder();
/** Byte order of the host's Float64Array (protobuf doubles are little-endian). */
const HOST_LE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

export class ProtoWriter {
  buf: Uint8Array;
  pos = 0;
  private f64 = new Float64Array(1);
  private f64bytes = new Uint8Array(this.f64.buffer);

  constructor(initialSize = 4096) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Starts a new output, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }

  /** A copy of what was written, `[start, pos)`. */
  finish(start = 0): Uint8Array {
    return this.buf.slice(start, this.pos);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    const need = this.pos + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
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

  /** An int64 varint. */
  int64(v: bigint): void {
    if (v >= -0x1f_ffff_ffff_ffffn && v <= 0x1f_ffff_ffff_ffffn) {
      const n = Number(v);
      this.varint64(n >>> 0, Math.floor(n / 4294967296) >>> 0);
    } else {
      this.varint64(Number(v & 0xffff_ffffn), Number((v >> 32n) & 0xffff_ffffn));
    }
  }

  /** A fixed64 (little-endian) of an unsigned 64-bit value. */
  fixed64(v: bigint): void {
    this.ensure(8);
    let lo: number;
    let hi: number;
    if (v <= 0x1f_ffff_ffff_ffffn) {
      const n = Number(v);
      lo = n >>> 0;
      hi = Math.floor(n / 4294967296) >>> 0;
    } else {
      lo = Number(v & 0xffff_ffffn);
      hi = Number((v >> 32n) & 0xffff_ffffn);
    }
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
    this.f64[0] = Number.isNaN(v) ? Number.NaN : v;
    if (HOST_LE) this.buf.set(this.f64bytes, this.pos);
    else for (let i = 0; i < 8; i++) this.buf[this.pos + i] = this.f64bytes[7 - i]!;
    this.pos += 8;
  }

  /** Length-prefixed bytes. */
  bytes(v: Uint8Array): void {
    this.uint32(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** Raw bytes, no prefix. */
  raw(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /**
   * Length-prefixed UTF-8. Short ASCII strings are copied byte by byte;
   * others go through `TextEncoder.encodeInto`. A string with a lone
   * surrogate is not Unicode and is rejected (`invalid_utf8`) rather than
   * silently changed to U+FFFD.
   */
  string(s: string): void {
    const len = s.length;
    if (len < 0x80) {
      this.ensure(1 + len * 3);
      const buf = this.buf;
      let p = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = p;
        return;
      }
    }
    if (!s.isWellFormed()) {
      throw new EnvelopeError(
        "invalid_utf8",
        "string has a lone surrogate and is not valid Unicode",
      );
    }
    const max = len * 3;
    const reserved = varintSize(max);
    this.ensure(reserved + max);
    const start = this.pos;
    const { written } = encoder.encodeInto(
      s,
      this.buf.subarray(start + reserved, start + reserved + max),
    );
    this.pos = start + reserved + written;
    this.patchLength(start, reserved, written);
  }

  /** Reserves one byte for a length; returns the mark to pass to {@link join}. */
  fork(): number {
    this.ensure(1);
    return this.pos++;
  }

  /** Writes the length of everything since `mark` into the reserved space. */
  join(mark: number): void {
    const length = this.pos - mark - 1;
    if (length < 0x80) this.buf[mark] = length;
    else this.patchLength(mark, 1, length);
  }

  private patchLength(start: number, reserved: number, length: number): void {
    const need = varintSize(length);
    if (need !== reserved) {
      this.ensure(need - reserved);
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
