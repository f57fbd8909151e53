// IMPORTANT: exports added here are public API of @envelope/cbor.
export type { CborCodecOptions } from "./codec.js";
export { cborCodec, createCborCodec } from "./codec.js";
export { decodeCborItem } from "./decode-item.js";
export { encodeCborItem } from "./encode-item.js";
export type { CborKey, CborUnknownEntry, CborUnknownFields } from "./unknown.js";
export { checkCborWellFormed } from "./well-formed.js";
