/**
 * Reading a stream of frames: every intact frame of a capture, with the bad
 * runs reported in place (docs/spec.md, "Streams and resynchronisation").
 * The reading rule itself is in frame-scanner.ts, shared by every reader here
 * and by the `envelope` CLI.
 *
 * Memory is bounded: the reader keeps at most one frame (up to
 * `limits.maxFrameSize`) plus one input chunk and 23 bytes of look-ahead; it
 * never accumulates the input. Decoded values are copies, so the caller may
 * keep them; chunks handed to the reader must not be modified afterwards.
 */
import {
  type Envelope,
  EnvelopeError,
  type FrameInfo,
  type Header,
  readFramePrefix,
  resolveLimits,
} from "@envelope/core";
import type { CodecSet } from "./codecs.js";
import { createDecoderWith, type DecodeOptions } from "./decode.js";
import { FrameScanner } from "./frame-scanner.js";

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

/**
 * A bad run: all the bytes between two frames that were read (or the start or
 * end of the stream), whether one bad frame or many, or bytes that hold none.
 * Two bad runs are never adjacent; the frames read and the bad runs cover the
 * stream exactly, back to back.
 */
export interface StreamError {
  /** Where the bad bytes start in the stream. */
  readonly offset: number;
  /** How many bytes were skipped (up to the next frame read, or the end). */
  readonly length: number;
  /** Why: the error at the start of the run; its offset is absolute in the stream. */
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

/** `decodeStream` over the codecs of `set`. */
export function decodeStreamWith(
  set: CodecSet,
  source: StreamSource,
  options?: Partial<DecodeStreamOptions>,
): AsyncGenerator<StreamItem, void, undefined> {
  return drive(source, envelopeReader(set, options));
}

/** `peekStream` over the codecs of `set`. */
export function peekStreamWith(
  set: CodecSet,
  source: StreamSource,
  options?: Partial<DecodeStreamOptions>,
): AsyncGenerator<StreamPeekItem, void, undefined> {
  return drive(source, headerReader(set, options));
}

/** `decodeFrames` over the codecs of `set`. */
export function* decodeFramesWith(
  set: CodecSet,
  bytes: Uint8Array,
  options?: Partial<DecodeStreamOptions>,
): Generator<StreamItem, void, undefined> {
  yield* drain(bytes, envelopeReader(set, options));
}

/** `peekFrames` over the codecs of `set`. */
export function* peekFramesWith(
  set: CodecSet,
  bytes: Uint8Array,
  options?: Partial<DecodeStreamOptions>,
): Generator<StreamPeekItem, void, undefined> {
  yield* drain(bytes, headerReader(set, options));
}

function envelopeReader(
  set: CodecSet,
  options?: Partial<DecodeStreamOptions>,
): FrameScanner<StreamEnvelope> {
  const limits = resolveLimits(options?.limits);
  const decoder = createDecoderWith(set, { ...options, limits, framed: true });
  return new FrameScanner(limits, (bytes, offset) => {
    const frame = readFramePrefix(bytes, 0, limits);
    const envelope = decoder.decode(bytes);
    return { offset, frame: shift(frame, offset), envelope };
  });
}

function headerReader(
  set: CodecSet,
  options?: Partial<DecodeStreamOptions>,
): FrameScanner<StreamHeader> {
  const limits = resolveLimits(options?.limits);
  const decoder = createDecoderWith(set, { ...options, limits, framed: true });
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
