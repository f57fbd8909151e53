/**
 * `@envelope/sdk/kit`: the SDK without its codec registry, for bundles that
 * pay only for what they use. {@link createKit} takes the codecs
 * (`@envelope/sdk/protobuf`, `/json`, `/cbor`) and the compression
 * (`@envelope/sdk/lz4`) to encode and decode with; everything else is
 * exported as from `@envelope/sdk`.
 *
 * ```ts
 * import { createEnvelope, createKit } from "@envelope/sdk/kit";
 * import { protobuf } from "@envelope/sdk/protobuf";
 *
 * const encoder = createKit({ codecs: [protobuf] }).createEncoder();
 * ```
 * @module
 */
// IMPORTANT: exports added here are public API of @envelope/sdk/kit.
export * from "./common.js";
