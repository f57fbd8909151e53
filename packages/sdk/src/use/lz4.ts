/**
 * `@envelope/sdk/lz4`: LZ4 body compression (standard frame format), for
 * `createKit` (`@envelope/sdk/kit`). One JavaScript compressor everywhere; on Node,
 * decompression uses lz4-napi's block decoder when it loads, the JavaScript
 * one otherwise (same output).
 * @module
 */
import { compress, decompress } from "@envelope/lz4";
import type { Lz4Engine } from "../codecs.js";

/** The LZ4 engine. */
export const lz4: Lz4Engine = Object.freeze({
  name: "lz4",
  compress: (bytes: Uint8Array) => compress(bytes),
  decompress: (
    bytes: Uint8Array,
    options: {
      readonly maxSize?: number;
      readonly expectedSize?: number;
      readonly offset?: number;
    },
  ) => decompress(bytes, options),
});
