/**
 * LZ4 compression in the standard frame format (docs/spec.md, "Compression").
 *
 * One writer on every platform, in JavaScript: the bytes for a given input
 * and options are the same every time and everywhere. lz4-napi's compressors
 * are not used: their results are freed only when the event loop turns
 * (measured with lz4-napi 2.10: 1,000,000 `compressSync` calls on a 2 KB body
 * in one synchronous loop held 374 MB), so a tight loop of encodes would grow
 * without bound, and avoiding that by switching engines made the bytes depend
 * on timing. The JavaScript writer's buffers are ordinary garbage.
 */
import { FrameWriter } from "./js/frame.js";

/** Options for {@link compress}. */
export interface CompressOptions {
  /** Append an xxHash32 checksum of the content (default false). */
  readonly contentChecksum?: boolean;
  /** Append an xxHash32 checksum to every block (default false). */
  readonly blockChecksums?: boolean;
}

const writer = new FrameWriter();

/**
 * Compresses `bytes` into one standard LZ4 frame (magic 04 22 4D 18):
 * independent 64 KiB blocks, no content size, blocks that would not shrink
 * stored as they are. The result is a new buffer of its exact size.
 */
export function compress(bytes: Uint8Array, options: CompressOptions = {}): Uint8Array {
  return writer.write(bytes, {
    blockChecksums: options.blockChecksums === true,
    contentChecksum: options.contentChecksum === true,
  });
}
