/**
 * The spec's JSON mapping, writing side (docs/spec.md, section "Codec: JSON"):
 * OTLP/JSON conventions, hex ids, int64 as decimal strings, defaults omitted.
 * The hand-written part: kept unknown keys and the attribute model. The
 * writers of the other messages are generated from the proto
 * (gen/envelope/v1/envelope_json.ts, scripts/protoc-gen-envelope.mjs).
 */
import { EnvelopeError, excerpt } from "../errors.js";
import { DEFAULT_LIMITS, MAX_DEPTH_CEILING } from "../limits.js";
import type { Attributes, AttributeValue, HasUnknown } from "../model.js";
import { UnknownValue } from "../model.js";
import { bytesToBase64 } from "./base64.js";
import { asJsonValue, defineKey, type JsonBounds, jsonBounds } from "./json-value.js";

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Bounds for unknown JSON data written back: the nesting a reader at `MAX_DEPTH_CEILING` accepts. */
const WRITE_BOUNDS: JsonBounds = Object.freeze({
  ...jsonBounds({ ...DEFAULT_LIMITS, maxDepth: MAX_DEPTH_CEILING }),
  maxMembers: Number.POSITIVE_INFINITY,
  maxKeyLength: Number.POSITIVE_INFINITY,
});

/**
 * Checks kept unknown `[key, value]` pairs before they are written: data the
 * JSON codec read passes; hand-made data that is not JSON (a bigint, a cycle,
 * nesting no reader accepts) fails here with `EnvelopeError` rather than in
 * `JSON.stringify` with a `TypeError` or `RangeError`.
 */
function checkedPairs(data: unknown): Array<[string, JsonValue]> {
  if (!Array.isArray(data)) {
    throw new EnvelopeError(
      "invalid_value",
      "unknown JSON data is not a list of [key, value] pairs",
    );
  }
  for (const pair of data as unknown[]) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string") {
      throw new EnvelopeError(
        "invalid_value",
        "unknown JSON data is not a list of [key, value] pairs",
      );
    }
    asJsonValue(pair[1], WRITE_BOUNDS, excerpt(pair[0]));
  }
  return data as Array<[string, JsonValue]>;
}

/** Adds the JSON keys kept on `message.$unknown` to `out` (after the known ones, which win). */
export function appendUnknown(out: JsonObject, message: HasUnknown): JsonObject {
  const unknown = message.$unknown;
  if (unknown !== undefined && unknown.codec === "json") {
    for (const [key, value] of checkedPairs(unknown.data)) {
      if (!Object.hasOwn(out, key)) defineKey(out, key, value);
    }
  }
  return out;
}

/** An attribute map as a list of `{ key, value }` objects. */
export function attributesToJson(attributes: Attributes): JsonObject[] {
  return attributeList(attributes, 0);
}

/** One attribute value as an `AnyValue` object. */
export function valueToJson(value: AttributeValue): JsonObject {
  return anyValue(value, 0);
}

function attributeList(attributes: Attributes, depth: number): JsonObject[] {
  const out: JsonObject[] = [];
  for (const [key, value] of attributes) {
    // An empty key is the proto3 default and is omitted, like every default.
    const v = anyValue(value, depth);
    out.push(key === "" ? { value: v } : { key, value: v });
  }
  return out;
}

/**
 * `depth` counts the arrays and maps around `value`. Past `MAX_DEPTH_CEILING`
 * no reader accepts the value, and a cycle never ends: both fail with
 * `limit_exceeded` before the stack does.
 */
function anyValue(value: AttributeValue, depth: number): JsonObject {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "bigint":
      return { intValue: value.toString() };
    case "number":
      return { doubleValue: doubleToJson(value) };
    default:
      if (value instanceof Uint8Array) return { bytesValue: bytesToBase64(value) };
      if (Array.isArray(value) || value instanceof Map) {
        if (depth >= MAX_DEPTH_CEILING) {
          throw new EnvelopeError(
            "limit_exceeded",
            `attribute value nested deeper than ${MAX_DEPTH_CEILING} (the deepest any reader accepts), or circular`,
          );
        }
        if (Array.isArray(value)) {
          return {
            arrayValue:
              value.length > 0 ? { values: value.map((v) => anyValue(v, depth + 1)) } : {},
          };
        }
        return {
          kvlistValue: value.size > 0 ? { values: attributeList(value, depth + 1) } : {},
        };
      }
      if (value instanceof UnknownValue && value.codec === "json") {
        const out: JsonObject = {};
        for (const [k, v] of checkedPairs(value.data)) defineKey(out, k, v);
        return out;
      }
      if (value instanceof UnknownValue) {
        // As the protobuf and CBOR writers do: an empty AnyValue would be invalid on read.
        throw new EnvelopeError(
          "invalid_value",
          `an attribute value of a kind unknown to this version was read by the ${value.codec} codec and cannot be written as JSON`,
        );
      }
      throw new EnvelopeError("invalid_value", `unsupported attribute value type ${typeof value}`);
  }
}

/** A double: a JSON number, or the strings the spec uses for NaN, ±Infinity and -0. */
export function doubleToJson(value: number): number | string {
  if (Number.isFinite(value)) return value === 0 && 1 / value < 0 ? "-0" : value;
  if (Number.isNaN(value)) return "NaN";
  return value > 0 ? "Infinity" : "-Infinity";
}
