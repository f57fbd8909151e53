/**
 * The reading rule of docs/spec.md ("Streams and resynchronisation") as a
 * push-driven state machine: `push` chunks, `finish` at the end, and call
 * `next` until it returns `undefined` (more input needed, or the end once
 * finished). `decodeStream`, `decodeFrames`, `peekStream`, `peekFrames` and
 * the `envelope` CLI all read frames through it.
 *
 * At a frame boundary `p`:
 *
 * 1. The 24 bytes at `p` must be a candidate (magic, prefix checksum) whose
 *    prefix passes the cheap checks (version, flags, codec, compression,
 *    lengths against the limits); otherwise `p` starts a bad run.
 * 2. The frame's bytes are scanned for a candidate starting inside it. A frame
 *    without a content checksum that has one is not taken: the bad run is
 *    `[p, inner)`. A frame with a content checksum is taken only when the
 *    checksum verifies (then whatever is inside it is its content, never
 *    yielded); otherwise, again, the bad run is `[p, inner)`.
 * 3. A frame with nothing inside is decoded; if it fails, or the stream ends
 *    inside it, it starts a bad run.
 *
 * A bad run goes on through candidates that are not taken, scanning forward
 * (from `p + 1`, or from where the scan inside the frame stopped), until a
 * frame is taken or the stream ends; it is reported once, with the error at
 * its start. Nothing is skipped without being scanned, whatever a prefix
 * declares.
 *
 * Time is linear: each position is scanned for a candidate once, a frame is
 * decoded only when its bytes are then consumed, and content checksums of
 * frames that overlap (a chain of forged candidates) come from one running
 * CRC ({@link RunningChecksum}). Memory: one frame (up to
 * `limits.maxFrameSize`) plus 23 bytes of look-ahead and one input chunk, and
 * for the running CRC 4 bytes per 64 bytes of it.
 */
import {
  checkContentChecksum,
  crc32c,
  crc32cCombine,
  type EnvelopeError,
  FRAME_PREFIX_SIZE,
  type FrameFault,
  type FrameInfo,
  faultError,
  findFrameCandidate,
  isEnvelopeError,
  type Limits,
  parseFramePrefix,
} from "@envelope/core";
import type { StreamError } from "./stream.js";

/** Reads one whole frame (`frame` starts at stream offset `offset`); throws EnvelopeError. */
export type FrameRead<T> = (frame: Uint8Array, offset: number) => T;

const EMPTY = new Uint8Array(0);
const MIN_BUFFER = 64 * 1024;
/** A buffer up to this size is kept for reuse; a larger one (a large frame's) is let go. */
const SPARE_MAX = 1024 * 1024;
/** Bytes needed after a position to tell whether a candidate starts there. */
const LOOKAHEAD = FRAME_PREFIX_SIZE - 1;

const Mode = {
  /** At a frame boundary (or inside the frame that starts there). */
  Frame: 0,
  /** In a bad run, scanning for the next candidate. */
  Scan: 1,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/** The push-driven reader of frames (see the module comment). */
export class FrameScanner<T> {
  /** Buffered input: `buf[start..end)` starts at stream offset `pos`. */
  private buf: Uint8Array = EMPTY;
  private start = 0;
  private end = 0;
  private pos = 0;
  /** `buf` is ours (else it is a caller's chunk, never written to). */
  private owned = false;
  private spare: Uint8Array = EMPTY;
  /** Capacity wanted for the frame being waited for. */
  private want = 0;
  private eof = false;
  private mode: Mode = Mode.Frame;
  /** Frame mode: the prefix of the frame at `pos`, once it passed its checks. */
  private frame: FrameInfo | undefined;
  /** Frame mode: the stream offset of the first candidate inside that frame, or -1 (none found yet). */
  private inner = -1;
  /** Stream offset of the next position to scan for a candidate (inside the frame, or in the bad run). */
  private scanAt = 0;
  /** The open bad run: where it started and why (the first error in it). */
  private failure: { readonly offset: number; readonly error: EnvelopeError } | undefined;
  /** A frame read right after a bad run, yielded once the run is reported. */
  private pending: T | undefined;
  private readonly sums = new RunningChecksum();

  constructor(
    private readonly limits: Limits,
    private readonly read: FrameRead<T>,
  ) {}

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const avail = this.end - this.start;
    if (avail === 0) {
      if (this.owned && this.buf.length <= SPARE_MAX) this.spare = this.buf;
      this.buf = chunk;
      this.start = 0;
      this.end = chunk.length;
      this.owned = false;
      return;
    }
    if (this.owned && this.end + chunk.length <= this.buf.length) {
      this.buf.set(chunk, this.end);
      this.end += chunk.length;
      return;
    }
    const need = avail + chunk.length;
    let target: Uint8Array;
    if (this.owned && need <= this.buf.length) {
      this.buf.copyWithin(0, this.start, this.end);
      target = this.buf;
    } else {
      const size = Math.max(MIN_BUFFER, this.want, need + (need >> 1));
      target = this.spare.length >= size ? this.spare : new Uint8Array(size);
      this.spare = EMPTY;
      target.set(this.buf.subarray(this.start, this.end));
    }
    target.set(chunk, avail);
    this.buf = target;
    this.start = 0;
    this.end = need;
    this.owned = true;
  }

  finish(): void {
    this.eof = true;
  }

  next(): T | StreamError | undefined {
    if (this.pending !== undefined) {
      const item = this.pending;
      this.pending = undefined;
      return item;
    }
    for (;;) {
      if (this.mode === Mode.Scan && !this.scan()) return undefined;
      const avail = this.end - this.start;
      if (avail === 0) return this.eof && this.failure !== undefined ? this.failed() : undefined;
      let frame = this.frame;
      if (frame === undefined) {
        if (avail < FRAME_PREFIX_SIZE && !this.eof) return undefined;
        const prefix = this.buf.subarray(
          this.start,
          this.start + Math.min(avail, FRAME_PREFIX_SIZE),
        );
        const parsed = parseFramePrefix(prefix, 0, this.limits);
        this.scanAt = this.pos + 1;
        if ("code" in parsed) {
          this.fail(parsed);
          this.mode = Mode.Scan;
          continue;
        }
        frame = parsed;
        this.frame = frame;
        this.inner = -1;
      }
      const length = frame.frameLength;
      if (this.inner === -1) this.scanInside(length, avail);
      if (this.inner !== -1 && !frame.checksum) {
        this.fail({
          code: "truncated",
          detail: `the frame declares ${length} bytes, but a frame starts ${this.inner - this.pos} bytes into it (a frame that carries frames needs a content checksum)`,
          offset: 0,
        });
        this.skipToInner();
        continue;
      }
      const need = this.inner === -1 ? length + LOOKAHEAD : length;
      if (avail < need && !this.eof) {
        this.want = need;
        return undefined;
      }
      this.want = 0;
      const offset = this.pos;
      if (avail < length) {
        this.fail({
          code: "truncated",
          detail: `frame needs ${length} bytes, only ${avail} available`,
          offset: 0,
        });
        if (this.inner !== -1) this.skipToInner();
        else this.mode = Mode.Scan;
        continue;
      }
      const bytes = this.buf.subarray(this.start, this.start + length);
      if (this.inner !== -1) {
        // A candidate inside: only a content checksum that verifies makes this one frame.
        const computed = this.sums.checksum(
          this.buf,
          this.start - this.pos,
          offset + frame.headerOffset,
          offset + frame.bodyOffset + frame.bodyLength,
        );
        const fault = checkContentChecksum(bytes, frame, computed);
        if (fault !== undefined) {
          this.fail(fault);
          this.skipToInner();
          continue;
        }
      }
      let item: T;
      try {
        item =
          this.failure === undefined ? this.read(bytes, offset) : this.readInRun(bytes, offset);
      } catch (error) {
        if (!isEnvelopeError(error)) throw error;
        this.fail(error);
        if (this.inner === -1) {
          this.mode = Mode.Scan;
        } else {
          // Its content checksum verified: the frame is whole, and costs that frame only.
          this.frame = undefined;
          this.advance(length);
        }
        continue;
      }
      this.frame = undefined;
      this.advance(length);
      if (this.failure === undefined) return item;
      this.pending = item;
      return this.failed(offset);
    }
  }

  /**
   * Reads a frame while a bad run is open, when its error, if any, is dropped:
   * without stack traces, which cost more than decoding a small frame (a flood
   * of tiny bad frames took 30 times as long per byte as valid ones). Nothing
   * else runs meanwhile: the read is synchronous.
   */
  private readInRun(bytes: Uint8Array, offset: number): T {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return this.read(bytes, offset);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }

  /** Looks for the first candidate inside the frame at `pos`, as far as the buffered bytes allow. */
  private scanInside(length: number, avail: number): void {
    const to = this.pos + Math.min(length, avail - LOOKAHEAD);
    if (to <= this.scanAt) return;
    const found = findFrameCandidate(
      this.buf.subarray(0, this.end),
      this.start + (this.scanAt - this.pos),
      this.start + (to - this.pos),
    );
    if (found === -1) this.scanAt = to;
    else this.inner = this.pos + (found - this.start);
  }

  /**
   * The bytes at `pos` are not a frame: they start a bad run, or extend the
   * one already open (whose error, the first, is kept; no other is made).
   * Offsets in `why` are relative to `pos`.
   */
  private fail(why: FrameFault | EnvelopeError): void {
    if (this.failure !== undefined) return;
    const error = isEnvelopeError(why) ? why : faultError(why);
    this.failure = { offset: this.pos, error: error.rebase(this.pos) };
  }

  /** The frame at `pos` is not taken: the bad run goes on at the candidate inside it. */
  private skipToInner(): void {
    this.frame = undefined;
    this.advance(this.inner - this.pos);
  }

  /** Scans the bad run for the next candidate; false when more input is needed. */
  private scan(): boolean {
    const from = this.start + (this.scanAt - this.pos);
    const found = findFrameCandidate(this.buf.subarray(0, this.end), from);
    if (found !== -1 || this.eof) {
      this.advance((found === -1 ? this.end : found) - this.start);
      this.mode = Mode.Frame;
      return true;
    }
    // Every position up to the last 23 bytes is scanned; a candidate may start in those.
    this.advance(Math.max(from, this.end - LOOKAHEAD) - this.start);
    this.scanAt = this.pos;
    return false;
  }

  /** Reports the bad run, which ends at `end` (default: `pos`). */
  private failed(end = this.pos): StreamError {
    const failure = this.failure!;
    this.failure = undefined;
    return { offset: failure.offset, length: end - failure.offset, error: failure.error };
  }

  private advance(n: number): void {
    if (n <= 0) return;
    this.sums.moveTo(this.pos + n, this.buf, this.start - this.pos);
    this.start += n;
    this.pos += n;
    if (this.start === this.end) {
      if (!this.owned) this.buf = EMPTY;
      this.start = 0;
      this.end = 0;
    }
  }
}

/** Bytes between two saved values of the running CRC. */
const STEP = 64;

/**
 * CRC-32C of ranges of a stream read forward, each byte read about once:
 * one running CRC from `base`, saved every {@link STEP} bytes and at the
 * reader's position (the `anchor`); the CRC of `[a, x)` is combined from
 * the values at `a` and `x` ({@link crc32cCombine}). Without it, each of a
 * chain of forged candidates declaring frames that overlap would have its
 * content checksum computed over the same bytes again: quadratic time.
 * It is used only for frames with a candidate inside them.
 */
class RunningChecksum {
  private active = false;
  /** The running CRC covers `[base, frontier)` and is `crc`. */
  private base = 0;
  private frontier = 0;
  private crc = 0;
  /** The CRC of `[base, base + k * STEP)` is `marks[head + k - first]`, for `first <= k < first + count`. */
  private marks = new Uint32Array(0);
  private head = 0;
  private first = 1;
  private count = 0;
  /** The CRC of `[base, anchor)`; `anchor` is at or after the reader's position, so its bytes are buffered. */
  private anchor = 0;
  private anchorCrc = 0;

  /**
   * The CRC-32C of stream bytes `[from, to)`; `from` is at or after the
   * reader's position and `bytes[i + delta]` is stream byte `i`.
   */
  checksum(bytes: Uint8Array, delta: number, from: number, to: number): number {
    if (!this.active || from > this.frontier) this.reset(from);
    if (to > this.frontier) this.extend(bytes, delta, to);
    return crc32cCombine(this.at(bytes, delta, from), this.at(bytes, delta, to), to - from);
  }

  /** The reader moves to stream offset `pos` (its bytes, up to there, are still in `bytes`). */
  moveTo(pos: number, bytes: Uint8Array, delta: number): void {
    if (!this.active || pos <= this.anchor) return;
    if (pos >= this.frontier) {
      this.active = false;
      if (this.marks.length > 4096) this.marks = new Uint32Array(0);
      return;
    }
    this.anchorCrc = this.at(bytes, delta, pos);
    this.anchor = pos;
    const drop = Math.min(this.count, Math.ceil((pos - this.base) / STEP) - this.first);
    if (drop > 0) {
      this.head += drop;
      this.first += drop;
      this.count -= drop;
    }
  }

  private reset(from: number): void {
    this.active = true;
    this.base = from;
    this.frontier = from;
    this.crc = 0;
    this.head = 0;
    this.first = 1;
    this.count = 0;
    this.anchor = from;
    this.anchorCrc = 0;
  }

  private extend(bytes: Uint8Array, delta: number, to: number): void {
    let at = this.frontier;
    let crc = this.crc;
    for (let mark = this.base + (this.first + this.count) * STEP; mark <= to; mark += STEP) {
      crc = crc32c(bytes, crc, at + delta, mark + delta);
      this.save(crc);
      at = mark;
    }
    this.crc = crc32c(bytes, crc, at + delta, to + delta);
    this.frontier = to;
  }

  private save(crc: number): void {
    if (this.head + this.count === this.marks.length) {
      if (this.head > 0) {
        this.marks.copyWithin(0, this.head, this.head + this.count);
        this.head = 0;
      }
      if (this.count === this.marks.length) {
        const grown = new Uint32Array(Math.max(64, this.count * 2));
        grown.set(this.marks.subarray(0, this.count));
        this.marks = grown;
      }
    }
    this.marks[this.head + this.count] = crc;
    this.count++;
  }

  /** The CRC of `[base, y)`, for `anchor <= y <= frontier`. */
  private at(bytes: Uint8Array, delta: number, y: number): number {
    if (y === this.frontier) return this.crc;
    const k = Math.floor((y - this.base) / STEP);
    const mark = this.base + k * STEP;
    let from = this.anchor;
    let crc = this.anchorCrc;
    if (mark > from && k >= this.first && k < this.first + this.count) {
      from = mark;
      crc = this.marks[this.head + k - this.first]!;
    }
    return crc32c(bytes, crc, from + delta, y + delta);
  }
}
