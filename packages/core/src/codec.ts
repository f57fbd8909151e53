/**
 * The codec interface: one plain object per codec (protobuf, json, cbor).
 * A framed envelope carries its header and its body as two separately encoded
 * sections, so `peek()` decodes the header without touching the body; an
 * unframed payload is the whole envelope encoded as one item.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#frame | docs/spec.md}, sections "Frame" and "Codecs"
 */
import type { DecodeBudget } from "./limits.js";
import type { Body, CodecName, Envelope, Header } from "./model.js";

/** Numeric codec ids as written in the frame. */
export const CODEC_IDS: Readonly<Record<CodecName, number>> = Object.freeze({
  protobuf: 1,
  json: 2,
  cbor: 3,
});

/** An envelope codec. Implementations must be stateless or keep state on their own instance. */
export interface EnvelopeCodec {
  /** The codec's name, as used in options. */
  readonly name: CodecName;
  /** The codec id written in the frame. */
  readonly id: number;
  /**
   * True when encoding rejects, with an `EnvelopeError`, every attribute
   * value validation rejects (a kind outside the contract, an int64 out of
   * range, nesting past `DEFAULT_LIMITS.maxDepth`), so an encoder that
   * validates can leave the attribute walk to the codec.
   */
  readonly checksAttributes?: boolean;
  /**
   * The codec's deterministic profile, when it differs from the codec itself
   * (CBOR's RFC 8949 §4.2.1 core deterministic encoding); the encoder option
   * `deterministic: true` picks it.
   */
  readonly deterministic?: EnvelopeCodec;
  /** Encodes the header section of a frame. */
  encodeHeader(header: Header): Uint8Array;
  /** Encodes the body section of a frame. */
  encodeBody(body: Body): Uint8Array;
  /** Encodes a whole envelope without a frame. */
  encodeEnvelope(envelope: Envelope): Uint8Array;
  /**
   * Decodes a header section. `offset` is where `bytes` starts in the caller's
   * input, so errors report absolute offsets.
   */
  decodeHeader(bytes: Uint8Array, budget: DecodeBudget, offset: number): Header;
  /** Decodes a body section. */
  decodeBody(bytes: Uint8Array, budget: DecodeBudget, offset: number): Body;
  /** Decodes a whole unframed envelope. */
  decodeEnvelope(bytes: Uint8Array, budget: DecodeBudget, offset: number): Envelope;
  /**
   * Optional fast path for framing: encodes the header section and then the
   * body section into one buffer that starts with `reserve` unused bytes
   * (for the frame prefix) and ends with `trailer` unused bytes (for a content
   * checksum), so a frame costs no copy. The buffer is the caller's from then
   * on; it may be a view of a larger `ArrayBuffer` shared with other results.
   */
  encodeSections?(envelope: Envelope, reserve: number, trailer: number): EncodedSections;
  /**
   * Optional fast path for an uncompressed frame: decodes the header section
   * `bytes[headerStart, bodyStart)` and the body section that follows it,
   * `bytes[bodyStart, end)`, in one pass over both (one reader, one string
   * table). Offsets in errors are indexes into `bytes`.
   */
  decodeSections?(
    bytes: Uint8Array,
    headerStart: number,
    bodyStart: number,
    end: number,
    budget: DecodeBudget,
  ): Envelope;
}

/** What {@link EnvelopeCodec.encodeSections} returns. */
export interface EncodedSections {
  /** `reserve` unused bytes, the header section, the body section, `trailer` unused bytes. */
  readonly bytes: Uint8Array;
  readonly headerLength: number;
  readonly bodyLength: number;
}
