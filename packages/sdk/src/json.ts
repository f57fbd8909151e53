/**
 * The spec's JSON mapping as plain objects (docs/spec.md, "Codec: JSON").
 */
import {
  assertValidEnvelope,
  toJson as coreToJson,
  DecodeBudget,
  type Envelope,
  envelopeFromJson,
  type JsonObject,
  type JsonValue,
  type Limits,
  resolveLimits,
} from "@envelope/core";

/** The JSON mapping of an envelope, ready for `JSON.stringify`. */
export function toJson(envelope: Envelope): JsonObject {
  return coreToJson(envelope);
}

/** Reads (and by default validates) an envelope from its JSON mapping, e.g. the result of `JSON.parse`. */
export function fromJson(
  value: unknown,
  options?: { readonly limits?: Partial<Limits>; readonly validate?: boolean },
): Envelope {
  const limits = resolveLimits(options?.limits);
  const envelope = envelopeFromJson(value as JsonValue, new DecodeBudget(limits));
  if (options?.validate ?? true) assertValidEnvelope(envelope, limits);
  return envelope;
}
