/**
 * LZ4 frame decompression in two passes (docs/spec.md, "Compression"). The
 * first reads every frame, block and sequence header without decompressing,
 * so it knows the exact output size and refuses anything over the limit
 * before any output is allocated; the second decodes block by block into one
 * buffer of exactly that size, with lz4-napi's block decoder on Node and the
 * JavaScript one elsewhere. No frame is ever handed whole to a decoder that
 * could expand it without bound.
 */
import { EnvelopeError } from "@envelope/core";
import { loadNative } from "#native";
import { decodeBlock } from "./js/block.js";
import { xxh32 } from "./js/xxh32.js";
import type { NativeLz4 } from "./native.js";
import {
  forEachFrame,
  measureFrame,
  NATIVE_MIN_BLOCK,
  type OutputCap,
  readFrameHeader,
  u32,
} from "./wire/lz4-frame.js";

/** Options for {@link decompress}. */
export interface DecompressOptions {
  /** Largest decompressed size accepted, in bytes (default 64 MiB). */
  readonly maxSize?: number;
  /**
   * The decompressed size the caller was promised (a frame's body raw
   * length): output past it is refused with `too_large` as soon as it is
   * seen, output short of it with `invalid_lz4`.
   */
  readonly expectedSize?: number;
  /** Added to byte offsets in errors (where `bytes` sits in a larger input). */
  readonly offset?: number;
}

const DEFAULT_MAX = 64 * 1024 * 1024;
/** Matches reach at most this far back, so a linked block needs no more of the output before it. */
const WINDOW = 65536;
/** Pass 2 re-reads headers pass 1 checked: no size is over any cap by then. */
// Stryker disable next-line ObjectLiteral,StringLiteral: no content size reaches this cap, so neither field is ever read
const UNCAPPED: OutputCap = { bytes: Number.MAX_SAFE_INTEGER, what: "no limit" };

function corrupt(offset: number, cause?: unknown): EnvelopeError {
  // An EnvelopeError's detail, not its message: the code is said once, by this error.
  const detail =
    cause instanceof EnvelopeError
      ? ` (${cause.detail})`
      : cause instanceof Error
        ? ` (${cause.message})`
        : " (bad block)";
  return new EnvelopeError(
    "invalid_lz4",
    `LZ4 data is corrupt${detail}`,
    { offset },
    cause === undefined ? undefined : { cause },
  );
}

/**
 * Decompresses one or more concatenated standard LZ4 frames; skippable
 * frames are skipped, as the reference lz4 tool does. Throws `too_large`
 * when the output would pass `maxSize` or `expectedSize` (found before any
 * output is allocated), and `invalid_lz4` for a malformed, truncated or
 * trailing-garbage input or a checksum that does not match.
 */
export function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  return decompressWith(loadNative(), bytes, options);
}

/** {@link decompress} with the given native block decoder, or the JavaScript one. */
export function decompressWith(
  native: NativeLz4 | undefined,
  bytes: Uint8Array,
  options: DecompressOptions,
): Uint8Array {
  const base = options.offset ?? 0;
  const maxSize = options.maxSize ?? DEFAULT_MAX;
  const expected = options.expectedSize;
  if (expected !== undefined && expected > maxSize) {
    throw new EnvelopeError(
      "too_large",
      `expected decompressed size ${expected} is over the limit of ${maxSize}`,
      { offset: base },
    );
  }
  const cap: OutputCap =
    expected === undefined
      ? { bytes: maxSize, what: `the limit of ${maxSize} bytes` }
      : { bytes: expected, what: `the ${expected} bytes expected` };
  // Pass 1: structure and exact sizes; nothing allocated for the output yet.
  const engine: NativeEngine | undefined =
    native === undefined ? undefined : { decoder: native, sizes: [] };
  let total = 0;
  forEachFrame(bytes, base, (start) => {
    const frame = measureFrame(bytes, start, cap.bytes - total, cap, base, engine?.sizes);
    total += frame.outputSize;
    return frame.end;
  });
  if (expected !== undefined && total !== expected) {
    throw new EnvelopeError(
      "invalid_lz4",
      `LZ4 data decompresses to ${total} bytes, expected ${expected}`,
      { offset: base },
    );
  }
  // Pass 2: decode into exactly the measured size.
  const out = new Uint8Array(total);
  decodeFrames(bytes, out, engine, base);
  return out;
}

/** The native block decoder, and the output sizes pass 1 measured for the blocks it takes. */
interface NativeEngine {
  readonly decoder: NativeLz4;
  readonly sizes: number[];
}

function decodeFrames(
  bytes: Uint8Array,
  out: Uint8Array,
  engine: NativeEngine | undefined,
  base: number,
): void {
  let op = 0;
  let nextSize = 0;
  forEachFrame(bytes, base, (start) => {
    const header = readFrameHeader(bytes, start, UNCAPPED.bytes, UNCAPPED, base);
    const trailer = header.blockChecksum ? 4 : 0;
    const frameStart = op;
    let p = header.blocks;
    for (;;) {
      const word = u32(bytes, p);
      if (word === 0) break;
      const size = word & 0x7fffffff;
      const data = p + 4;
      if ((word & 0x80000000) !== 0) {
        out.set(bytes.subarray(data, data + size), op);
        op += size;
      } else if (engine !== undefined && size >= NATIVE_MIN_BLOCK) {
        const produced = engine.sizes[nextSize++]!;
        const window = header.independent ? op : Math.max(frameStart, op - WINDOW);
        let part: Uint8Array;
        try {
          part = engine.decoder.decodeBlock(
            bytes.subarray(data, data + size),
            produced,
            window === op ? undefined : out.subarray(window, op),
          );
        } catch (cause) {
          throw corrupt(base + p, cause);
        }
        if (part.length !== produced) throw corrupt(base + p);
        out.set(part, op);
        op += produced;
      } else {
        const end = decodeBlock(
          bytes,
          data,
          data + size,
          out,
          op,
          header.independent ? op : frameStart,
          out.length,
        );
        // Pass 1 measured this block with the same reader and window: it cannot fail here.
        // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator: unreachable (see above)
        if (end < 0 || end > out.length) throw corrupt(base + p);
        op = end;
      }
      p = data + size + trailer;
    }
    p += 4;
    if (header.contentChecksum) {
      if (xxh32(out, frameStart, op) !== u32(bytes, p)) {
        throw new EnvelopeError("invalid_lz4", "LZ4 content checksum does not match", {
          offset: base + p,
        });
      }
      p += 4;
    }
    return p;
  });
}
