/**
 * Reading a stream of frames: every intact frame of a capture, with the bad
 * ones reported in place (docs/spec.md, "Streams and resynchronisation").
 *
 * Resynchronisation rule:
 *
 * 1. At a frame boundary, a **candidate** is 24 bytes that start with the
 *    magic `89 45 4e 56` and whose prefix CRC-32C (bytes 20..23) matches bytes
 *    0..19. Only a candidate's lengths are trusted.
 * 2. A candidate whose frame fails to decode (body, header, content checksum,
 *    unknown codec, schema check, ...) costs that frame only: reading resumes
 *    at `offset + frameLength`, provided the input ends exactly there or
 *    another candidate starts there.
 * 3. Otherwise (not a candidate, a frame cut short by the end of the input, or
 *    a declared length that does not land on a candidate), the bytes are
 *    skipped up to the next candidate found by scanning forward from
 *    `offset + 1`, or to the end of the input. Every skipped run is reported
 *    once, as one error item with its offset and length.
 * 4. A candidate declaring a frame over `limits.maxFrameSize` is skipped by its
 *    declared length without being buffered.
 *
 * Memory is bounded: the reader keeps at most one frame (up to
 * `limits.maxFrameSize`) plus one input chunk and 24 bytes of look-ahead; it
 * never accumulates the input. Decoded values are copies, so the caller may
 * keep them; chunks handed to the reader must not be modified afterwards.
 */
import {
  crc32c,
  type Envelope,
  EnvelopeError,
  FRAME_PREFIX_SIZE,
  type FrameInfo,
  type Header,
  hasFrameMagic,
  isEnvelopeError,
  type Limits,
  readFramePrefix,
  resolveLimits,
} from "@envelope/core";
import { createDecoder, type DecodeOptions } from "./decode.js";

/** Options for {@link decodeStream}, {@link peekStream}, {@link decodeFrames} and {@link peekFrames}. */
export type DecodeStreamOptions = Pick<DecodeOptions, "limits" | "validate" | "check">;

/** A frame that decoded. Offsets (here and in `frame`) are absolute in the stream. */
export interface StreamEnvelope {
  /** Where the frame starts in the stream. */
  readonly offset: number;
  /** The frame prefix; `frame.frameLength` bytes were consumed. */
  readonly frame: FrameInfo;
  readonly envelope: Envelope;
  readonly error?: undefined;
}

/** A frame whose header was read (body not decoded), from {@link peekStream}. */
export interface StreamHeader {
  readonly offset: number;
  readonly frame: FrameInfo;
  readonly header: Header;
  readonly error?: undefined;
}

/** A bad frame, or a run of bytes that holds no frame, skipped to resynchronise. */
export interface StreamError {
  /** Where the bad bytes start in the stream. */
  readonly offset: number;
  /** How many bytes were skipped (up to the next good frame or the end). */
  readonly length: number;
  /** Why: the error of the first bad frame of the run; its offset is absolute in the stream. */
  readonly error: EnvelopeError;
  readonly frame?: undefined;
  readonly envelope?: undefined;
  readonly header?: undefined;
}

/** What {@link decodeStream} and {@link decodeFrames} yield; test `item.error === undefined`. */
export type StreamItem = StreamEnvelope | StreamError;
/** What {@link peekStream} and {@link peekFrames} yield. */
export type StreamPeekItem = StreamHeader | StreamError;

/**
 * A byte source: a Node.js readable (no encoding set), a web `ReadableStream`,
 * any (async) iterable of `Uint8Array` chunks, or one `Uint8Array`.
 */
export type StreamSource =
  | AsyncIterable<Uint8Array | string>
  | Iterable<Uint8Array>
  | ReadableStream<Uint8Array>
  | Uint8Array;

/**
 * Decodes every frame of a stream, in order, as an async iterator. A bad
 * frame does not stop the stream: it is yielded as `{ offset, length, error }`
 * and reading resynchronises on the next intact frame (see the rule above).
 * Errors of the source itself (I/O) are thrown.
 *
 * ```ts
 * for await (const item of decodeStream(createReadStream("capture.bin"))) {
 *   if (item.error) console.error(`bad frame at ${item.offset}: ${item.error.code}`);
 *   else handle(item.envelope);
 * }
 * ```
 */
export function decodeStream(
  source: StreamSource,
  options?: Partial<DecodeStreamOptions>,
): AsyncGenerator<StreamItem, void, undefined> {
  return drive(source, envelopeReader(options));
}

/** Like {@link decodeStream}, but reads only each frame's prefix and header (bodies are not decompressed or decoded). */
export function peekStream(
  source: StreamSource,
  options?: Partial<DecodeStreamOptions>,
): AsyncGenerator<StreamPeekItem, void, undefined> {
  return drive(source, headerReader(options));
}

/** {@link decodeStream} over a whole buffer, synchronously. */
export function* decodeFrames(
  bytes: Uint8Array,
  options?: Partial<DecodeStreamOptions>,
): Generator<StreamItem, void, undefined> {
  yield* drain(bytes, envelopeReader(options));
}

/** {@link peekStream} over a whole buffer, synchronously. */
export function* peekFrames(
  bytes: Uint8Array,
  options?: Partial<DecodeStreamOptions>,
): Generator<StreamPeekItem, void, undefined> {
  yield* drain(bytes, headerReader(options));
}

type FrameRead<T> = (frame: Uint8Array, offset: number) => T;

function envelopeReader(options?: Partial<DecodeStreamOptions>): FrameScanner<StreamEnvelope> {
  const limits = resolveLimits(options?.limits);
  const decoder = createDecoder({ ...options, limits, framed: true });
  return new FrameScanner(limits, (bytes, offset) => {
    const frame = readFramePrefix(bytes, 0, limits);
    const envelope = decoder.decode(bytes);
    return { offset, frame: shift(frame, offset), envelope };
  });
}

function headerReader(options?: Partial<DecodeStreamOptions>): FrameScanner<StreamHeader> {
  const limits = resolveLimits(options?.limits);
  const decoder = createDecoder({ ...options, limits, framed: true });
  return new FrameScanner(limits, (bytes, offset) => {
    const { frame, header } = decoder.peek(bytes);
    return { offset, frame: shift(frame, offset), header };
  });
}

async function* drive<T>(
  source: StreamSource,
  scanner: FrameScanner<T>,
): AsyncGenerator<T | StreamError, void, undefined> {
  for await (const chunk of chunksOf(source)) {
    scanner.push(chunk);
    for (let item = scanner.next(); item !== undefined; item = scanner.next()) yield item;
  }
  scanner.finish();
  for (let item = scanner.next(); item !== undefined; item = scanner.next()) yield item;
}

function* drain<T>(bytes: Uint8Array, scanner: FrameScanner<T>): Generator<T | StreamError> {
  scanner.push(plain(bytes));
  scanner.finish();
  for (let item = scanner.next(); item !== undefined; item = scanner.next()) yield item;
}

function plain(chunk: unknown): Uint8Array {
  if (!(chunk instanceof Uint8Array)) {
    throw new EnvelopeError(
      "invalid_argument",
      `stream chunks must be Uint8Array (a Buffer is one), got ${typeof chunk}; do not set an encoding on the stream`,
    );
  }
  return chunk.constructor === Uint8Array
    ? chunk
    : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function isWebStream(source: unknown): source is ReadableStream<Uint8Array> {
  return typeof (source as { getReader?: unknown }).getReader === "function";
}

async function* chunksOf(source: StreamSource): AsyncGenerator<Uint8Array, void, undefined> {
  if (source instanceof Uint8Array) {
    yield plain(source);
  } else if (isWebStream(source)) {
    const reader = source.getReader();
    let done = false;
    try {
      for (;;) {
        const next = await reader.read();
        if (next.done) break;
        yield plain(next.value);
      }
      done = true;
    } finally {
      if (!done) await reader.cancel();
      reader.releaseLock();
    }
  } else if (typeof source === "object" && source !== null && Symbol.asyncIterator in source) {
    for await (const chunk of source) yield plain(chunk);
  } else if (typeof source === "object" && source !== null && Symbol.iterator in source) {
    for (const chunk of source) yield plain(chunk);
  } else {
    throw new EnvelopeError(
      "invalid_argument",
      "decodeStream needs a readable stream, an (async) iterable of Uint8Array or a Uint8Array",
    );
  }
}

/** The frame info with its offsets moved to absolute stream positions. */
function shift(frame: FrameInfo, by: number): FrameInfo {
  if (by === 0) return frame;
  return {
    ...frame,
    offset: frame.offset + by,
    headerOffset: frame.headerOffset + by,
    bodyOffset: frame.bodyOffset + by,
  };
}

/** The error with its byte offset moved by `by` (to an absolute stream position). */
function relocate(error: EnvelopeError, by: number): EnvelopeError {
  return error.rebase(by);
}

function u32(bytes: Uint8Array, at: number): number {
  return (
    (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0
  );
}

const EMPTY = new Uint8Array(0);
const MIN_BUFFER = 64 * 1024;
/** A buffer up to this size is kept for reuse; a larger one (a large frame's) is let go. */
const SPARE_MAX = 1024 * 1024;
const Mode = {
  /** At a frame boundary. */
  Frame: 0,
  /** A candidate's frame failed: is there a candidate (or the end) right after it? */
  Check: 1,
  /** Scanning for the next candidate. */
  Scan: 2,
  /** Discarding the declared length of a frame over the size limit. */
  Skip: 3,
} as const;
type Mode = (typeof Mode)[keyof typeof Mode];

/**
 * The push-driven state machine behind every stream reader: `push` chunks,
 * `finish` at the end, and call `next` until it returns `undefined` (more
 * input needed, or the end once finished).
 */
class FrameScanner<T> {
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
  /** Check: the failed frame's declared length; Skip: bytes left to skip. */
  private count = 0;
  /** Scan: the stream offset to search from. */
  private scanAt = 0;
  /** The bad run being skipped: where it started and why. */
  private failure: { readonly offset: number; readonly error: EnvelopeError } | undefined;

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
    for (;;) {
      switch (this.mode) {
        case Mode.Frame: {
          const avail = this.end - this.start;
          if (avail === 0) return undefined;
          if (avail < FRAME_PREFIX_SIZE) {
            if (!this.eof) return undefined;
            this.scanFrom(this.prefixError(avail));
            continue;
          }
          if (!this.isCandidate(this.start)) {
            this.scanFrom(this.prefixError(FRAME_PREFIX_SIZE));
            continue;
          }
          const declared = this.declaredLength(this.start);
          if (declared > this.limits.maxFrameSize) {
            this.failure = { offset: this.pos, error: this.prefixError(FRAME_PREFIX_SIZE) };
            this.mode = Mode.Skip;
            this.count = declared;
            continue;
          }
          if (avail < declared + FRAME_PREFIX_SIZE && !this.eof) {
            this.want = declared + FRAME_PREFIX_SIZE;
            return undefined;
          }
          this.want = 0;
          const offset = this.pos;
          const length = Math.min(avail, declared);
          let item: T;
          try {
            item = this.read(this.buf.subarray(this.start, this.start + length), offset);
          } catch (error) {
            if (!isEnvelopeError(error)) throw error;
            if (length < declared) {
              this.scanFrom(relocate(error, offset));
            } else {
              this.failure = { offset, error: relocate(error, offset) };
              this.mode = Mode.Check;
              this.count = declared;
            }
            continue;
          }
          const inside = this.endsAtBoundary(declared)
            ? -1
            : this.findCandidate(this.start + 1, this.start + declared);
          if (inside !== -1) {
            this.failure = {
              offset,
              error: new EnvelopeError(
                "truncated",
                `the frame declares ${declared} bytes, but another frame starts ${inside - this.start} bytes into it`,
                { offset },
              ),
            };
            this.advance(inside - this.start);
            return this.failed();
          }
          this.advance(declared);
          return item;
        }
        case Mode.Check: {
          if (this.end - (this.start + this.count) < FRAME_PREFIX_SIZE && !this.eof) {
            this.want = this.count + FRAME_PREFIX_SIZE;
            return undefined;
          }
          this.want = 0;
          if (this.endsAtBoundary(this.count)) {
            this.advance(this.count);
            return this.failed();
          }
          this.mode = Mode.Scan;
          this.scanAt = this.pos + 1;
          continue;
        }
        case Mode.Scan: {
          let i = this.start + (this.scanAt - this.pos);
          for (;;) {
            const found = this.buf.subarray(i, this.end).indexOf(0x89);
            if (found === -1) {
              this.advance(this.end - this.start);
              this.scanAt = this.pos;
              return this.eof ? this.failed() : undefined;
            }
            const j = i + found;
            if (this.end - j < FRAME_PREFIX_SIZE) {
              if (this.eof) {
                this.advance(this.end - this.start);
                return this.failed();
              }
              this.advance(j - this.start);
              this.scanAt = this.pos;
              return undefined;
            }
            if (this.isCandidate(j)) {
              this.advance(j - this.start);
              return this.failed();
            }
            i = j + 1;
          }
        }
        case Mode.Skip: {
          const n = Math.min(this.end - this.start, this.count);
          this.advance(n);
          this.count -= n;
          if (this.count > 0 && !this.eof) return undefined;
          return this.failed();
        }
      }
    }
  }

  /** Starts skipping a bad run at the current position. */
  private scanFrom(error: EnvelopeError): void {
    this.failure = { offset: this.pos, error };
    this.mode = Mode.Scan;
    this.scanAt = this.pos + 1;
  }

  /** Ends the bad run at the current position and reports it. */
  private failed(): StreamError {
    const failure = this.failure!;
    this.failure = undefined;
    this.mode = Mode.Frame;
    return { offset: failure.offset, length: this.pos - failure.offset, error: failure.error };
  }

  private advance(n: number): void {
    this.start += n;
    this.pos += n;
    if (this.start === this.end) {
      if (!this.owned) this.buf = EMPTY;
      this.start = 0;
      this.end = 0;
    }
  }

  /** The frame of `declared` bytes at `start` ends at the end of the input or at a candidate. */
  private endsAtBoundary(declared: number): boolean {
    const after = this.start + declared;
    const left = this.end - after;
    return left === 0 || (left >= FRAME_PREFIX_SIZE && this.isCandidate(after));
  }

  /** The index of the first candidate in `buf[from..to)`, or -1. */
  private findCandidate(from: number, to: number): number {
    for (let i = from; i < to; ) {
      const found = this.buf.subarray(i, to).indexOf(0x89);
      if (found === -1) return -1;
      const j = i + found;
      if (this.end - j >= FRAME_PREFIX_SIZE && this.isCandidate(j)) return j;
      i = j + 1;
    }
    return -1;
  }

  private isCandidate(at: number): boolean {
    return (
      hasFrameMagic(this.buf, at) && u32(this.buf, at + 20) === crc32c(this.buf, 0, at, at + 20)
    );
  }

  private declaredLength(at: number): number {
    const checksum = (this.buf[at + 7]! & 1) !== 0 ? 4 : 0;
    return FRAME_PREFIX_SIZE + u32(this.buf, at + 8) + u32(this.buf, at + 12) + checksum;
  }

  /** Why the `n` bytes at the current position are not a frame (the same error `decode` gives). */
  private prefixError(n: number): EnvelopeError {
    try {
      readFramePrefix(this.buf.subarray(this.start, this.start + n), 0, this.limits);
    } catch (error) {
      if (isEnvelopeError(error)) return relocate(error, this.pos);
      throw error;
    }
    return new EnvelopeError("invalid_frame", "not a frame", { offset: this.pos });
  }
}
