// IMPORTANT: exports added here are public API of @envelope/lz4.
export type { CompressOptions } from "./compress.js";
export { compress } from "./compress.js";
export type { DecompressOptions } from "./decompress.js";
export { decompress } from "./decompress.js";
export { xxh32 } from "./js/xxh32.js";
export type { Lz4FrameSpan, Lz4Scan } from "./wire/lz4-frame.js";
export { scanLz4 } from "./wire/lz4-frame.js";
