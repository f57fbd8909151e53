// IMPORTANT: exports added here are public API of @envelope/lz4/js.
/**
 * The portable engine alone: LZ4 frames written and read in JavaScript,
 * never with a native addon, on every platform.
 */

import type { DecompressOptions } from "../decompress.js";
import { decompressWith } from "../decompress.js";
import { JsLz4 } from "./frame.js";

const js = new JsLz4();

/** Compresses `bytes` into one standard LZ4 frame, in JavaScript. */
export function compress(bytes: Uint8Array): Uint8Array {
  return js.compress(bytes);
}

/** `decompress` of `@envelope/lz4` with the JavaScript block decoder only. */
export function decompress(bytes: Uint8Array, options: DecompressOptions = {}): Uint8Array {
  return decompressWith(undefined, bytes, options);
}
