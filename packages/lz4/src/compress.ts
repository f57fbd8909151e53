/**
 * LZ4 compression in the standard frame format (docs/spec.md, "Compression").
 */
import { EnvelopeError } from "@envelope/core";
import { compressFrameSync } from "lz4-napi";
import { JsLz4 } from "./js/frame.js";
import { nativeAllowed, nativeSpent } from "./native-budget.js";

const js = new JsLz4();

/** Options for {@link compress}. */
export interface CompressOptions {
  /** Append an xxHash32 content checksum (default false; always through lz4-napi). */
  readonly contentChecksum?: boolean;
  /** Append an xxHash32 checksum to every block (default false). */
  readonly blockChecksums?: boolean;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Compresses `bytes` into one standard LZ4 frame (magic 04 22 4D 18), with
 * lz4-napi, or with the JavaScript implementation when lz4-napi's output
 * since the event loop last turned has reached the memory budget (see
 * native-budget.ts); both write valid frames, not necessarily the same bytes.
 */
export function compress(bytes: Uint8Array, options: CompressOptions = {}): Uint8Array {
  const checksums = options.contentChecksum === true || options.blockChecksums === true;
  if (!checksums && !nativeAllowed(bytes.length + 64)) return js.compress(bytes);
  try {
    // Without checksums, no options object: napi converts one on every call.
    const out = checksums
      ? compressFrameSync(asBuffer(bytes), {
          contentChecksum: options.contentChecksum === true,
          blockChecksums: options.blockChecksums === true,
        })
      : compressFrameSync(asBuffer(bytes));
    nativeSpent(out.byteLength);
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
