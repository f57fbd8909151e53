/**
 * The spec's JSON mapping as plain objects (docs/spec.md, "Codec: JSON").
 */
import {
  asJsonValue,
  assertValidEnvelope,
  toJson as coreToJson,
  DecodeBudget,
  type Envelope,
  envelopeFromJson,
  type JsonObject,
  jsonBounds,
  type Limits,
  resolveLimits,
} from "@envelope/core";

/**
 * The JSON mapping of an envelope, ready for `JSON.stringify`. Throws
 * `EnvelopeError` (never a `RangeError`) for a value nested deeper than any
 * reader accepts, a cycle, or kept unknown data that is not JSON.
 */
export function toJson(envelope: Envelope): JsonObject {
  return coreToJson(envelope);
}

/**
 * Reads (and by default validates) an envelope from its JSON mapping, e.g. the
 * result of `JSON.parse`. `value` must be a JSON value: plain objects, arrays,
 * strings, finite numbers, booleans and null, nothing else. Anything else
 * (a bigint, `undefined`, a function, a symbol, a `Date` or other class
 * instance, a cycle, a lone surrogate) fails with `EnvelopeError`
 * (`invalid_json`, `invalid_utf8`), as do the limits (`limit_exceeded`).
 */
export function fromJson(
  value: unknown,
  options?: { readonly limits?: Partial<Limits>; readonly validate?: boolean },
): Envelope {
  const limits = resolveLimits(options?.limits);
  const envelope = envelopeFromJson(
    asJsonValue(value, jsonBounds(limits)),
    new DecodeBudget(limits),
  );
  if (options?.validate ?? true) assertValidEnvelope(envelope, limits);
  return envelope;
}
