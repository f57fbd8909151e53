/**
 * The CBOR codec objects (docs/spec.md, section "Codec: CBOR"): codec id 3,
 * a plain RFC 8949 encoding that any CBOR library reads, with a strict decoder.
 */
import { CODEC_IDS, type DecodeBudget, type EnvelopeCodec } from "@envelope/core";
import { runEncode } from "./encode.js";
import {
  readBody,
  readEnvelope,
  readHeader,
  writeBody,
  writeEnvelope,
  writeHeader,
} from "./gen/envelope/v1/envelope_cbor.js";
import { EnvelopeWriter } from "./to-cbor.js";
import { readWhole } from "./wire/reader.js";

/** Options of {@link createCborCodec}. */
export interface CborCodecOptions {
  /**
   * Write RFC 8949 section 4.2.1 core deterministic encoding: map keys sorted
   * by their encoded bytes (so attribute maps are NOT kept in insertion order),
   * and floats in the shortest exact form (NaN as f97e00). The same envelope
   * then gives the same bytes in TypeScript, Go (fxamacker/cbor
   * CoreDetEncOptions) and Rust (ciborium). Default `false`: attribute order
   * kept, every double written as float64. Decoding is the same either way.
   */
  readonly deterministic?: boolean;
}

/**
 * Creates a CBOR codec. Each codec owns a reusable scratch buffer for
 * encoding (results are always fresh, exact-size arrays); decoding keeps its
 * state in a per-call reader, so one codec can be shared freely.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, section "Codec: CBOR"
 */
export function createCborCodec(options: CborCodecOptions = {}): EnvelopeCodec {
  const deterministic = options.deterministic === true;
  return deterministic ? makeCodec(true, undefined) : makeCodec(false, makeCodec(true, undefined));
}

function makeCodec(deterministic: boolean, profile: EnvelopeCodec | undefined): EnvelopeCodec {
  const writer = new EnvelopeWriter(deterministic);
  return Object.freeze({
    name: "cbor",
    ...(profile === undefined ? {} : { deterministic: profile }),
    id: CODEC_IDS.cbor,
    encodeHeader: (header) => runEncode(writer, (w) => writeHeader(w, header)),
    encodeBody: (body) => runEncode(writer, (w) => writeBody(w, body)),
    encodeEnvelope: (envelope) => runEncode(writer, (w) => writeEnvelope(w, envelope)),
    decodeHeader: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
      readWhole(bytes, budget, offset, readHeader),
    decodeBody: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
      readWhole(bytes, budget, offset, readBody),
    decodeEnvelope: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
      readWhole(bytes, budget, offset, readEnvelope),
  } satisfies EnvelopeCodec);
}

/**
 * The CBOR codec with the default profile (codec id 3): attribute order kept,
 * doubles as float64, with the deterministic profile as its `deterministic`.
 * Registered in `@envelope/sdk` as codec `"cbor"`.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, section "Codec: CBOR"
 */
export const cborCodec: EnvelopeCodec = createCborCodec();
