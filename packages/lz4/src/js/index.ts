// IMPORTANT: exports added here are public API of @envelope/lz4/js.
/**
 * The portable engine alone: LZ4 frames read in JavaScript, never with a
 * native addon, on every platform. Writing is JavaScript everywhere already,
 * so `compress` is the one of `@envelope/lz4`.
 */
import { type DecompressOptions, decompressWith } from "../decompress.js";

export type { CompressOptions } from "../compress.js";
export { compress } from "../compress.js";
export type { DecompressOptions } from "../decompress.js";

/** `decompress` of `@envelope/lz4` with the JavaScript block decoder only: the same bytes and errors. */
export function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  return decompressWith(undefined, bytes, options);
}
