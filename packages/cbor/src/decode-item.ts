/**
 * The strict generic item decoder: one CBOR item read as an attribute value
 * of the envelope mapping (docs/spec.md, "Codec: CBOR").
 */
import { type AttributeValue, DecodeBudget, type Limits, resolveLimits } from "@envelope/core";
import { readValue } from "./from-cbor.js";
import { readWhole } from "./wire/reader.js";

/**
 * Decodes exactly one CBOR item as an attribute value, with the checks the
 * codec applies to every attribute: well-formed CBOR, strict UTF-8, no
 * trailing bytes, the limits (depth, entries, key, string and bytes
 * length) checked before allocation, unique map keys. Integers become
 * `bigint` (int64 range), floats of any width `number`, text `string`, byte
 * strings `Uint8Array`, arrays arrays, maps `Map`s with text keys.
 * Tags, null, undefined and other simple values, and non-text map keys are
 * rejected with `invalid_cbor`: the envelope mapping has none of them.
 *
 * @throws EnvelopeError, and nothing else, with the byte offset in its message.
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-cbor | docs/spec.md}, section "Codec: CBOR"
 */
export function decodeCborItem(bytes: Uint8Array, limits?: Partial<Limits>): AttributeValue {
  const budget = new DecodeBudget(resolveLimits(limits));
  return readWhole(bytes, budget, 0, (r) => {
    r.pathPrefix = "";
    r.pathStart = 1;
    return readValue(r, 1);
  });
}
