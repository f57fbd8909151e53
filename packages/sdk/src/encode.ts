/**
 * Encoding: envelope -> framed (or raw) bytes (docs/spec.md, "Frame").
 */
import {
  assertValidEnvelope,
  type CheckOptions,
  type CodecName,
  type CompressionName,
  type Envelope,
  EnvelopeError,
  FRAME_PREFIX_SIZE,
  findFrameCandidate,
  writeFrame,
  writeFramePrefix,
} from "@envelope/core";
import { compileCheck } from "./check.js";
import type { CodecSet } from "./codecs.js";

/** Options for {@link encode} and {@link createEncoder}. */
export interface EncodeOptions {
  /** Payload codec. Default `"protobuf"`. */
  readonly codec: CodecName;
  /** Body compression. Default `"none"`. */
  readonly compression: CompressionName;
  /** Write a frame in front of the payload. Default `true`. */
  readonly framed: boolean;
  /**
   * Append a CRC-32C of the header and body sections to the frame. Default
   * `false`. A frame whose sections hold another frame's prefix (a frame kept
   * in a bytes attribute, say) always gets one, whatever this says: stream
   * readers take such a frame whole only when its content checksum verifies
   * (docs/spec.md, "Streams and resynchronisation").
   */
  readonly checksum: boolean;
  /** Validate the envelope before encoding it. Default `true`. */
  readonly validate: boolean;
  /**
   * CBOR only: RFC 8949 §4.2.1 core deterministic encoding, so TypeScript, Go
   * and Rust give the same bytes for one envelope (map keys sorted: attribute
   * order is not kept). Default `false`.
   */
  readonly deterministic: boolean;
  /**
   * With `compression: "lz4"`, framed bodies smaller than this many bytes are
   * not compressed (the frame says compression 0), nor is any body LZ4 does
   * not shrink. Default 256: below it, every body of the test vectors grew
   * (the LZ4 frame adds 15 bytes). `0` turns both rules off: every body is
   * compressed. Unframed output is always compressed as asked.
   */
  readonly compressMinSize: number;
  /** A check run on every envelope before it is encoded (schema validation, defaults, redaction). */
  readonly check: CheckOptions | undefined;
}

/** Validation without the attribute walk (see `attributesInCodec`). */
const HEADER_ONLY = Object.freeze({ attributes: false });

const DEFAULT_ENCODE_OPTIONS: EncodeOptions = Object.freeze({
  codec: "protobuf",
  compression: "none",
  framed: true,
  checksum: false,
  validate: true,
  deterministic: false,
  compressMinSize: 256,
  check: undefined,
});

/** Merges partial options over the defaults and checks them. */
function resolveEncodeOptions(options?: Partial<EncodeOptions>): EncodeOptions {
  const resolved =
    options === undefined ? DEFAULT_ENCODE_OPTIONS : { ...DEFAULT_ENCODE_OPTIONS, ...options };
  if (resolved.compression !== "none" && resolved.compression !== "lz4") {
    throw new EnvelopeError(
      "invalid_argument",
      `unknown compression ${JSON.stringify(resolved.compression)} (known: none, lz4)`,
    );
  }
  return Object.freeze(resolved);
}

/** An encoder with its options parsed once, for the hot path. */
export interface Encoder {
  readonly options: EncodeOptions;
  /**
   * Encodes one envelope. Throws `EnvelopeError` for an invalid envelope.
   *
   * The result is the caller's and is never written again, but it may be a
   * view of a larger `ArrayBuffer` shared with other results (as Node's
   * `Buffer.allocUnsafe` does): use it with its `byteOffset` and
   * `byteLength`, or `slice()` it to get an `ArrayBuffer` of its own (for
   * example before transferring it to a worker).
   */
  encode(envelope: Envelope): Uint8Array;
}

/**
 * Creates an encoder over the codecs of `set`: options are resolved and
 * checked once, the codec and its buffers are picked once.
 */
export function createEncoderWith(set: CodecSet, options?: Partial<EncodeOptions>): Encoder {
  const opts = resolveEncodeOptions(options);
  const codec = set.codec(opts.codec, undefined, opts.deterministic);
  const lz4 = opts.compression === "lz4";
  const compress = lz4 ? set.lz4().compress : undefined;
  const runCheck = compileCheck(opts.check);
  // A codec that rejects bad attribute values itself while it writes them
  // spares validation its walk over every attribute (about a tenth of an
  // encode); when it does reject one, the full validation runs to report the
  // issue with its path, exactly as it would have up front.
  const attributesInCodec = codec.checksAttributes === true;
  const encodeOne = (input: Envelope): Uint8Array => {
    if (!opts.validate) return write(input);
    if (!attributesInCodec) {
      assertValidEnvelope(input);
      return write(input);
    }
    assertValidEnvelope(input, undefined, HEADER_ONLY);
    try {
      return write(input);
    } catch (error) {
      // Whatever failed (the codec, or a check that met a bad value before
      // the codec did), an invalid attribute is reported as validation would.
      assertValidEnvelope(input);
      throw error;
    }
  };
  /** Runs the check and writes the bytes; validation is done by the caller. */
  const write = (input: Envelope): Uint8Array => {
    const envelope = runCheck === undefined ? input : runCheck(input, "encode");
    const bytes = writeFramed(envelope, opts.checksum);
    // A frame that carries a frame is written again with its content
    // checksum, so a stream reader keeps it whole (one native byte search;
    // the rewrite is for the rare envelope that holds framed bytes).
    if (opts.framed && !opts.checksum && findFrameCandidate(bytes, FRAME_PREFIX_SIZE) !== -1) {
      return writeFramed(envelope, true);
    }
    return bytes;
  };
  const writeFramed = (envelope: Envelope, checksum: boolean): Uint8Array => {
    if (!opts.framed) {
      const raw = codec.encodeEnvelope(envelope);
      return compress === undefined ? raw : compress(raw);
    }
    if (!lz4 && codec.encodeSections !== undefined) {
      // One buffer: prefix, sections and checksum are written in place.
      const s = codec.encodeSections(envelope, FRAME_PREFIX_SIZE, checksum ? 4 : 0);
      writeFramePrefix(
        s.bytes,
        codec.id,
        "none",
        s.headerLength,
        s.bodyLength,
        s.bodyLength,
        checksum,
      );
      return s.bytes;
    }
    const header = codec.encodeHeader(envelope.header);
    const rawBody = codec.encodeBody(envelope.body);
    let body = rawBody;
    let compression: CompressionName = "none";
    if (compress !== undefined && rawBody.length >= opts.compressMinSize) {
      const packed = compress(rawBody);
      // Adaptive: a body LZ4 does not shrink is stored as it is, and the frame says so.
      if (packed.length < rawBody.length || opts.compressMinSize === 0) {
        body = packed;
        compression = "lz4";
      }
    }
    return writeFrame({
      codecId: codec.id,
      compression,
      header,
      body,
      bodyRawLength: rawBody.length,
      checksum: checksum,
    });
  };
  return Object.freeze({ options: opts, encode: encodeOne });
}
