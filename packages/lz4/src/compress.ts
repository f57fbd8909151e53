/**
 * LZ4 compression in the standard frame format (docs/spec.md, "Compression").
 */
import { EnvelopeError } from "@envelope/core";
import { compressFrameSync } from "lz4-napi";

/** Options for {@link compress}. */
export interface CompressOptions {
  /** Append an xxHash32 content checksum (default false). */
  readonly contentChecksum?: boolean;
  /** Append an xxHash32 checksum to every block (default false). */
  readonly blockChecksums?: boolean;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Compresses `bytes` into one standard LZ4 frame (magic 04 22 4D 18). */
export function compress(bytes: Uint8Array, options: CompressOptions = {}): Uint8Array {
  try {
    const out = compressFrameSync(asBuffer(bytes), {
      contentChecksum: options.contentChecksum === true,
      blockChecksums: options.blockChecksums === true,
    });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (cause) {
    throw new EnvelopeError(
      "invalid_argument",
      `LZ4 compression failed: ${String(cause)}`,
      {},
      { cause },
    );
  }
}

export { asBuffer };
