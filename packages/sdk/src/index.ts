/**
 * `@envelope/sdk`: the one import a producer or consumer needs, with every
 * codec (protobuf, JSON, CBOR) and LZ4. For bundles that should hold only
 * some of them, see `@envelope/sdk/kit`.
 * @module
 */
// IMPORTANT: exports added here are public API of @envelope/sdk, the one import a producer needs.
import { cborCodec } from "@envelope/cbor";
import { type Envelope, jsonCodec } from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";

export {
  type PreparedEncoder,
  type PreparedEvent,
  type PreparedInit,
  prepareEncoder,
} from "@envelope/protobuf";

import { CodecSet } from "./codecs.js";
import { createDecoderWith, type DecodeOptions, type Decoder, type Peeked } from "./decode.js";
import { createEncoderWith, type EncodeOptions, type Encoder } from "./encode.js";
import {
  type DecodeStreamOptions,
  decodeFramesWith,
  decodeStreamWith,
  peekFramesWith,
  peekStreamWith,
  type StreamItem,
  type StreamPeekItem,
  type StreamSource,
} from "./stream.js";
import { lz4 } from "./use/lz4.js";

export * from "./common.js";

/** Every codec and LZ4. */
const ALL = /* @__PURE__ */ new CodecSet({ codecs: [protobufCodec, jsonCodec, cborCodec], lz4 });

/**
 * Creates an encoder: options are resolved and checked once, the codec and
 * its buffers are picked once.
 */
export function createEncoder(options?: Partial<EncodeOptions>): Encoder {
  return createEncoderWith(ALL, options);
}

/**
 * Encodes an envelope: by default a framed protobuf payload, uncompressed.
 * The result may share its `ArrayBuffer` with other results (see {@link Encoder.encode}).
 *
 * ```ts
 * const bytes = encode(envelope, { codec: "json", compression: "lz4" });
 * ```
 */
export function encode(envelope: Envelope, options?: Partial<EncodeOptions>): Uint8Array {
  return createEncoderWith(ALL, options).encode(envelope);
}

/** Creates a decoder; options are resolved and checked once. */
export function createDecoder(options?: Partial<DecodeOptions>): Decoder {
  return createDecoderWith(ALL, options);
}

/**
 * Decodes one envelope. Framed input names its codec and compression; raw
 * input needs `{ framed: false, codec }`. Throws only `EnvelopeError`.
 */
export function decode(bytes: Uint8Array, options?: Partial<DecodeOptions>): Envelope {
  return createDecoderWith(ALL, options).decode(bytes);
}

/** Reads a frame's header without decompressing or decoding its body. */
export function peek(
  bytes: Uint8Array,
  options?: Partial<Pick<DecodeOptions, "limits" | "validate">>,
): Peeked {
  return createDecoderWith(ALL, options).peek(bytes);
}

/**
 * Decodes every frame of a stream, in order, as an async iterator. A bad
 * frame does not stop the stream: it is yielded as `{ offset, length, error }`
 * and reading resynchronises on the next intact frame (docs/spec.md, "Streams
 * and resynchronisation").
 * Errors of the source itself (I/O) are thrown.
 *
 * ```ts
 * for await (const item of decodeStream(createReadStream("capture.bin"))) {
 *   if (item.error) console.error(`bad frame at ${item.offset}: ${item.error.code}`);
 *   else handle(item.envelope);
 * }
 * ```
 */
export function decodeStream(
  source: StreamSource,
  options?: Partial<DecodeStreamOptions>,
): AsyncGenerator<StreamItem, void, undefined> {
  return decodeStreamWith(ALL, source, options);
}

/** Like {@link decodeStream}, but reads only each frame's prefix and header (bodies are not decompressed or decoded). */
export function peekStream(
  source: StreamSource,
  options?: Partial<DecodeStreamOptions>,
): AsyncGenerator<StreamPeekItem, void, undefined> {
  return peekStreamWith(ALL, source, options);
}

/** {@link decodeStream} over a whole buffer, synchronously. */
export function decodeFrames(
  bytes: Uint8Array,
  options?: Partial<DecodeStreamOptions>,
): Generator<StreamItem, void, undefined> {
  return decodeFramesWith(ALL, bytes, options);
}

/** {@link peekStream} over a whole buffer, synchronously. */
export function peekFrames(
  bytes: Uint8Array,
  options?: Partial<DecodeStreamOptions>,
): Generator<StreamPeekItem, void, undefined> {
  return peekFramesWith(ALL, bytes, options);
}
