/**
 * A well-formedness check for any CBOR item (RFC 8949 Appendix C), without
 * the envelope mapping's restrictions: the codec uses it to keep the values of
 * unknown keys, which may be of any type a newer producer writes.
 */
import { DecodeBudget, type Limits, resolveLimits } from "@envelope/core";
import { readWhole } from "./wire/reader.js";

/**
 * Checks that `bytes` is exactly one well-formed CBOR item: heads complete,
 * no reserved additional information (28..30), indefinite lengths only on
 * strings, arrays and maps, string chunks definite and of the same type,
 * break codes only where they close something, two-byte simple values >= 32,
 * text strings valid UTF-8, no trailing bytes; and that nesting (arrays, maps
 * and tags), entries (array elements, map entries, string chunks, counted
 * against `maxAttributes`), text map keys (`maxKeyLength`), string and bytes
 * lengths stay within `limits`. Tags, null,
 * undefined and every simple value are accepted. Allocates nothing per item.
 *
 * @throws EnvelopeError (`truncated`, `invalid_cbor`, `invalid_utf8`, `trailing_bytes`, `limit_exceeded`) with the byte offset.
 * @see RFC 8949, Appendix C
 */
export function checkCborWellFormed(bytes: Uint8Array, limits?: Partial<Limits>): void {
  readWhole(bytes, new DecodeBudget(resolveLimits(limits)), 0, (r) => r.skip(1));
}
