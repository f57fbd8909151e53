/**
 * {@link createKit}: the SDK's encode and decode functions over the codecs
 * and compression given, and no others.
 */
import type { Envelope } from "@envelope/core";
import { CodecSet, type KitOptions } from "./codecs.js";
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

/**
 * The SDK's codec-bound functions, as `@envelope/sdk` exports them, over the
 * codecs and compression a kit was made with.
 */
export interface Kit {
  /** Like `createEncoder` from `@envelope/sdk`. */
  createEncoder(options?: Partial<EncodeOptions>): Encoder;
  /** Like `encode` from `@envelope/sdk`. */
  encode(envelope: Envelope, options?: Partial<EncodeOptions>): Uint8Array;
  /** Like `createDecoder` from `@envelope/sdk`. */
  createDecoder(options?: Partial<DecodeOptions>): Decoder;
  /** Like `decode` from `@envelope/sdk`. */
  decode(bytes: Uint8Array, options?: Partial<DecodeOptions>): Envelope;
  /** Like `peek` from `@envelope/sdk`. */
  peek(bytes: Uint8Array, options?: Partial<Pick<DecodeOptions, "limits" | "validate">>): Peeked;
  /** Like `decodeStream` from `@envelope/sdk`. */
  decodeStream(
    source: StreamSource,
    options?: Partial<DecodeStreamOptions>,
  ): AsyncGenerator<StreamItem, void, undefined>;
  /** Like `peekStream` from `@envelope/sdk`. */
  peekStream(
    source: StreamSource,
    options?: Partial<DecodeStreamOptions>,
  ): AsyncGenerator<StreamPeekItem, void, undefined>;
  /** Like `decodeFrames` from `@envelope/sdk`. */
  decodeFrames(
    bytes: Uint8Array,
    options?: Partial<DecodeStreamOptions>,
  ): Generator<StreamItem, void, undefined>;
  /** Like `peekFrames` from `@envelope/sdk`. */
  peekFrames(
    bytes: Uint8Array,
    options?: Partial<DecodeStreamOptions>,
  ): Generator<StreamPeekItem, void, undefined>;
}

/**
 * The encode and decode functions over only the codecs and compression
 * given, so a bundle holds nothing else: a protobuf-only producer's bundle
 * has no JSON or CBOR codec and no LZ4 engine. A frame or option naming
 * anything else fails with `unsupported_codec` or `unsupported_compression`.
 *
 * ```ts
 * import { createEnvelope, createKit } from "@envelope/sdk/kit";
 * import { protobuf } from "@envelope/sdk/protobuf";
 *
 * const { createEncoder } = createKit({ codecs: [protobuf] });
 * const encoder = createEncoder({ codec: "protobuf" });
 * ```
 */
export function createKit(options: KitOptions): Kit {
  const set = new CodecSet(options);
  return Object.freeze({
    createEncoder: (o?: Partial<EncodeOptions>) => createEncoderWith(set, o),
    encode: (e: Envelope, o?: Partial<EncodeOptions>) => createEncoderWith(set, o).encode(e),
    createDecoder: (o?: Partial<DecodeOptions>) => createDecoderWith(set, o),
    decode: (b: Uint8Array, o?: Partial<DecodeOptions>) => createDecoderWith(set, o).decode(b),
    peek: (b: Uint8Array, o?: Partial<Pick<DecodeOptions, "limits" | "validate">>) =>
      createDecoderWith(set, o).peek(b),
    decodeStream: (s: StreamSource, o?: Partial<DecodeStreamOptions>) =>
      decodeStreamWith(set, s, o),
    peekStream: (s: StreamSource, o?: Partial<DecodeStreamOptions>) => peekStreamWith(set, s, o),
    decodeFrames: (b: Uint8Array, o?: Partial<DecodeStreamOptions>) => decodeFramesWith(set, b, o),
    peekFrames: (b: Uint8Array, o?: Partial<DecodeStreamOptions>) => peekFramesWith(set, b, o),
  });
}
