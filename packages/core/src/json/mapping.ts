/**
 * The spec's JSON mapping as plain objects (docs/spec.md, section "Codec:
 * JSON"): the entry points over the readers and writers generated from the
 * proto (gen/envelope/v1/envelope_json.ts).
 */
import {
  readBody,
  readEnvelope,
  readHeader,
  writeBody,
  writeEnvelope,
  writeHeader,
} from "../gen/envelope/v1/envelope_json.js";
import type { DecodeBudget } from "../limits.js";
import type { Body, Envelope, Header } from "../model.js";
import type { JsonObject, JsonValue } from "./to-json.js";

/** The JSON mapping of a header, as a plain object. */
export function headerToJson(header: Header): JsonObject {
  return writeHeader(header);
}

/** The JSON mapping of a body, as a plain object. */
export function bodyToJson(body: Body): JsonObject {
  return writeBody(body);
}

/**
 * The JSON mapping of an envelope, as a plain object ready for `JSON.stringify`.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-json | docs/spec.md}, section "Codec: JSON"
 */
export function toJson(envelope: Envelope): JsonObject {
  return writeEnvelope(envelope);
}

/** Reads the header object of the JSON mapping. */
export function headerFromJson(value: JsonValue, budget: DecodeBudget, path = "header"): Header {
  return readHeader(value, budget, path);
}

/** Reads the body object of the JSON mapping. */
export function bodyFromJson(value: JsonValue, budget: DecodeBudget, path = "body"): Body {
  return readBody(value, budget, path);
}

/** Reads a whole envelope object of the JSON mapping. */
export function envelopeFromJson(value: JsonValue, budget: DecodeBudget): Envelope {
  return readEnvelope(value, budget);
}
