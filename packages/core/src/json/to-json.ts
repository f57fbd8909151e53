/**
 * The spec's JSON mapping, writing side (docs/spec.md, section "Codec: JSON"):
 * OTLP/JSON conventions, hex ids, int64 as decimal strings, defaults omitted.
 */
import { EnvelopeError, excerpt } from "../errors.js";
import { bytesToHex } from "../hex.js";
import { DEFAULT_LIMITS, MAX_DEPTH_CEILING } from "../limits.js";
import type {
  Attributes,
  AttributeValue,
  Body,
  Envelope,
  Extension,
  HasUnknown,
  Header,
} from "../model.js";
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

function appendUnknown(out: JsonObject, message: HasUnknown): JsonObject {
  const unknown = message.$unknown;
  if (unknown !== undefined && unknown.codec === "json") {
    for (const [key, value] of checkedPairs(unknown.data)) {
      if (!Object.hasOwn(out, key)) defineKey(out, key, value);
    }
  }
  return out;
}

/** The JSON mapping of a header, as a plain object. */
export function headerToJson(header: Header): JsonObject {
  const out: JsonObject = {};
  const s = header.schema;
  const schema: JsonObject = {};
  if (s.type !== "") schema.type = s.type;
  if (s.subtype !== "") schema.subtype = s.subtype;
  if (s.version !== "") schema.version = s.version;
  if (s.url !== undefined) schema.url = s.url;
  out.schema = appendUnknown(schema, s);
  if (header.eventId.length > 0) out.eventId = bytesToHex(header.eventId);
  if (header.timeUnixNano !== 0n) out.timeUnixNano = header.timeUnixNano.toString();
  const p = header.producer;
  const producer: JsonObject = {};
  if (p.language !== "") producer.language = p.language;
  if (p.version !== "") producer.version = p.version;
  out.producer = appendUnknown(producer, p);
  const t = header.trace;
  if (t !== undefined) {
    const trace: JsonObject = {};
    if (t.traceId.length > 0) trace.traceId = bytesToHex(t.traceId);
    if (t.spanId.length > 0) trace.spanId = bytesToHex(t.spanId);
    if (t.parentSpanId !== undefined && t.parentSpanId.length > 0) {
      trace.parentSpanId = bytesToHex(t.parentSpanId);
    }
    if (t.traceFlags !== 0) trace.traceFlags = t.traceFlags;
    if (t.traceState !== undefined && t.traceState !== "") trace.traceState = t.traceState;
    out.trace = appendUnknown(trace, t);
  }
  const r = header.resource;
  const resource: JsonObject = {};
  if (r.serviceName !== "") resource.serviceName = r.serviceName;
  if (r.serviceVersion !== undefined) resource.serviceVersion = r.serviceVersion;
  if (r.environment !== undefined) resource.environment = r.environment;
  if (r.region !== undefined) resource.region = r.region;
  if (r.host !== undefined) resource.host = r.host;
  if (r.attributes.size > 0) resource.attributes = attributesToJson(r.attributes);
  out.resource = appendUnknown(resource, r);
  const st = header.status;
  if (st !== undefined) {
    const status: JsonObject = {};
    if (st.code !== 0) status.code = st.code;
    if (st.message !== "") status.message = st.message;
    out.status = appendUnknown(status, st);
  }
  return appendUnknown(out, header);
}

/** The JSON mapping of a body, as a plain object. */
export function bodyToJson(body: Body): JsonObject {
  const out: JsonObject = {};
  if (body.attributes.size > 0) out.attributes = attributesToJson(body.attributes);
  if (body.extensions.length > 0) out.extensions = body.extensions.map(extensionToJson);
  return appendUnknown(out, body);
}

function extensionToJson(ext: Extension): JsonObject {
  const out: JsonObject = {};
  if (ext.namespace !== "") out.namespace = ext.namespace;
  if (ext.version !== "") out.version = ext.version;
  if (ext.attributes.size > 0) out.attributes = attributesToJson(ext.attributes);
  return appendUnknown(out, ext);
}

/**
 * The JSON mapping of an envelope, as a plain object ready for `JSON.stringify`.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#codec-json | docs/spec.md}, section "Codec: JSON"
 */
export function toJson(envelope: Envelope): JsonObject {
  return appendUnknown(
    { header: headerToJson(envelope.header), body: bodyToJson(envelope.body) },
    envelope,
  );
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
