/**
 * LZ4 frame decompression with limits checked before any memory is taken
 * (docs/spec.md, "Compression"). lz4-napi alone expands forged sizes and
 * bombs fully, accepts truncated frames, ignores trailing bytes and returns
 * only the first of concatenated frames; this module rejects or handles each.
 */
import { EnvelopeError } from "@envelope/core";
import { decompressFrameSync } from "lz4-napi";
import { asBuffer } from "./compress.js";
import { JsLz4 } from "./js/frame.js";
import { nativeAllowed, nativeSpent } from "./native-budget.js";
import { scanLz4 } from "./wire/lz4-frame.js";

/** Options for {@link decompress}. */
export interface DecompressOptions {
  /** Largest decompressed size accepted, in bytes (default 64 MiB). */
  readonly maxSize?: number;
  /** When set, the decompressed size must be exactly this. */
  readonly expectedSize?: number;
  /** Added to byte offsets in error messages (where `bytes` sits in a larger input). */
  readonly offset?: number;
}

const DEFAULT_MAX = 64 * 1024 * 1024;

const LZ4_ERRORS: ReadonlyArray<[RegExp, string]> = [
  [/HeaderChecksum/i, "LZ4 frame header checksum does not match"],
  [/BlockChecksum/i, "LZ4 block checksum does not match"],
  [/ContentChecksum/i, "LZ4 content checksum does not match"],
];

function describe(cause: unknown): string {
  const text = cause instanceof Error ? cause.message : String(cause);
  for (const [pattern, message] of LZ4_ERRORS) if (pattern.test(text)) return message;
  return `LZ4 data is corrupt (${text})`;
}

const js = new JsLz4();

function checkExpected(total: number, expected: number | undefined, base: number): void {
  if (expected !== undefined && total !== expected) {
    throw new EnvelopeError(
      "invalid_lz4",
      `LZ4 data decompressed to ${total} bytes, expected ${expected}`,
      {
        offset: base,
      },
    );
  }
}

/** A plain Uint8Array view of lz4-napi's Buffer (so `slice` copies, as callers expect). */
function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decompresses one or more concatenated standard LZ4 frames (skippable
 * frames are skipped, as the reference lz4 tool does). Throws `too_large`
 * before decompressing when the declared sizes could exceed `maxSize`, and
 * `invalid_lz4` for a malformed, truncated or trailing-garbage input.
 */
export function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  const base = options.offset ?? 0;
  const maxSize = options.maxSize ?? DEFAULT_MAX;
  if (options.expectedSize !== undefined && options.expectedSize > maxSize) {
    throw new EnvelopeError(
      "too_large",
      `expected decompressed size ${options.expectedSize} is over the limit of ${maxSize}`,
      { offset: base },
    );
  }
  const scan = scanLz4(bytes, maxSize, base);
  const expected = options.expectedSize;
  if (expected !== undefined && scan.frames.every((f) => f.contentSize !== undefined)) {
    const declared = scan.frames.reduce((n, f) => n + f.contentSize!, 0);
    if (declared !== expected) {
      throw new EnvelopeError(
        declared > expected ? "too_large" : "invalid_lz4",
        `LZ4 frames declare ${declared} bytes of content, expected ${expected}`,
        { offset: base },
      );
    }
  }
  if (!nativeAllowed(expected ?? scan.maxOutput)) {
    const out = js.decompress(bytes, scan, expected ?? scan.maxOutput, base);
    checkExpected(out.length, expected, base);
    return out;
  }
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const frame of scan.frames) {
    let out: Uint8Array;
    try {
      const whole = frame.start === 0 && frame.end === bytes.length;
      out = decompressFrameSync(asBuffer(whole ? bytes : bytes.subarray(frame.start, frame.end)));
    } catch (cause) {
      throw new EnvelopeError(
        "invalid_lz4",
        describe(cause),
        { offset: base + frame.start },
        { cause },
      );
    }
    if (frame.contentSize !== undefined && out.length !== frame.contentSize) {
      throw new EnvelopeError(
        "invalid_lz4",
        `LZ4 frame declares ${frame.contentSize} bytes of content but holds ${out.length}`,
        { offset: base + frame.start },
      );
    }
    total += out.length;
    parts.push(out);
  }
  nativeSpent(total);
  checkExpected(total, expected, base);
  if (parts.length === 1) return plain(parts[0]!);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
