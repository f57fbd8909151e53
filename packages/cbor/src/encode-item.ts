/**
 * The generic item encoder: one attribute value in the envelope's CBOR mapping.
 */
import type { AttributeValue } from "@envelope/core";
import type { CborCodecOptions } from "./codec.js";
import { runEncode } from "./encode.js";
import { EnvelopeWriter } from "./to-cbor.js";
import { CborWriter } from "./wire/writer.js";

/**
 * Encodes one attribute value as a CBOR item, as the codec writes attribute
 * values: int64 `bigint` as a shortest-form integer, `number` as float64 (or,
 * with `deterministic`, the shortest exact float), maps with text keys (sorted
 * by encoded key with `deterministic`), definite lengths, no tags.
 *
 * @throws EnvelopeError `invalid_value` for a value outside the mapping.
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, section "Codec: CBOR"
 */
export function encodeCborItem(value: AttributeValue, options: CborCodecOptions = {}): Uint8Array {
  const writer = new EnvelopeWriter(options.deterministic === true, new CborWriter(256));
  return runEncode(writer, (w) => w.item(value, ""));
}
