/**
 * OTLP LogRecord (OTLP/JSON form) -> envelope, for records this bridge wrote.
 *
 * @see docs/spec.md, section "OTLP mapping"
 */
import {
  type Attributes,
  type AttributeValue,
  base64ToBytes,
  DEFAULT_LIMITS,
  type Envelope,
  EnvelopeError,
  type Extension,
  hexToBytes,
  type Resource,
  type TraceContext,
} from "@envelope/core";
import { LOG_KEYS, RESERVED_PREFIX, RESOURCE_KEYS } from "./keys.js";
import type { OtlpAnyValue, OtlpKeyValue, OtlpLogRecord, OtlpResource } from "./model.js";

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * One OTLP AnyValue as an attribute value. An AnyValue with no value, or
 * more than one, is `invalid_value` (the contract has no null); so are an
 * int64 out of range, a double that is not a number and anything that is not
 * the OTLP/JSON shape. Arrays and maps nested deeper than the contract's
 * depth limit (32) are `limit_exceeded`.
 */
export function fromAnyValue(value: OtlpAnyValue, path = "value"): AttributeValue {
  return anyValue(value, path, 1);
}

function anyValue(value: OtlpAnyValue, path: string, depth: number): AttributeValue {
  const keys = Object.keys(object(value, path));
  if (keys.length !== 1) {
    throw new EnvelopeError(
      "invalid_value",
      `an AnyValue must hold exactly one value, got ${keys.length}`,
      { path },
    );
  }
  if (value.stringValue !== undefined) {
    if (typeof value.stringValue !== "string") throw wrongType(path, "stringValue");
    return value.stringValue;
  }
  if (value.boolValue !== undefined) {
    if (typeof value.boolValue !== "boolean") throw wrongType(path, "boolValue");
    return value.boolValue;
  }
  if (value.intValue !== undefined) {
    const int = parseInteger(value.intValue, path);
    if (int < INT64_MIN || int > INT64_MAX) {
      throw new EnvelopeError("invalid_value", "intValue is out of the int64 range", { path });
    }
    return int;
  }
  if (value.doubleValue !== undefined) return parseDouble(value.doubleValue, path);
  if (value.bytesValue !== undefined) {
    if (typeof value.bytesValue !== "string") throw wrongType(path, "bytesValue");
    return base64ToBytes(value.bytesValue, path);
  }
  if (value.arrayValue !== undefined || value.kvlistValue !== undefined) {
    if (depth > DEFAULT_LIMITS.maxDepth) {
      throw new EnvelopeError(
        "limit_exceeded",
        `values nested deeper than ${DEFAULT_LIMITS.maxDepth}`,
        { path },
      );
    }
    if (value.arrayValue !== undefined) {
      return list(object(value.arrayValue, path).values, path).map((v, i) =>
        anyValue(v as OtlpAnyValue, `${path}[${i}]`, depth + 1),
      );
    }
    return keyValues(object(value.kvlistValue, path).values, path, depth + 1);
  }
  throw new EnvelopeError("invalid_value", `unknown AnyValue field ${keys[0]}`, { path });
}

/** OTLP KeyValues as an attribute map, in order; a repeated key is `duplicate_key`. */
export function fromKeyValues(values: readonly OtlpKeyValue[], path = "attributes"): Attributes {
  return keyValues(values, path, 1);
}

function keyValues(values: unknown, path: string, depth: number): Attributes {
  const out: Attributes = new Map();
  for (const item of list(values, path)) {
    const kv = object(item, path) as OtlpKeyValue;
    if (typeof kv.key !== "string") throw wrongType(path, "a KeyValue with a string key");
    if (out.has(kv.key)) {
      throw new EnvelopeError("duplicate_key", `key ${JSON.stringify(kv.key)} appears twice`, {
        path: `${path}.${kv.key}`,
      });
    }
    out.set(kv.key, anyValue(kv.value, `${path}.${kv.key}`, depth));
  }
  return out;
}

/** `value` when it is a JSON object (not null, not an array); else `invalid_value`. */
function object<T>(value: T, path: string): T & object {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw wrongType(path, "an object");
  }
  return value;
}

/** `value` when it is an array, `[]` when absent; else `invalid_value`. */
function list(value: unknown, path: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw wrongType(path, "an array");
  return value;
}

/**
 * An OTLP Resource as the envelope's resource: the semantic-convention keys
 * of {@link toResource} fill the named fields (string values only), every
 * other attribute stays an attribute. `service.name` is required.
 */
export function fromResource(resource: OtlpResource | undefined): Resource {
  const attributes = keyValues(
    resource === undefined ? [] : object(resource, "resource").attributes,
    "resource.attributes",
    1,
  );
  const take = (key: string): string | undefined => {
    const value = attributes.get(key);
    if (typeof value !== "string") return undefined;
    attributes.delete(key);
    return value;
  };
  const serviceName = take(RESOURCE_KEYS.serviceName);
  if (serviceName === undefined) {
    throw new EnvelopeError("missing_field", "the resource has no string service.name", {
      path: "resource.attributes",
    });
  }
  const out: Resource = { serviceName, attributes };
  const serviceVersion = take(RESOURCE_KEYS.serviceVersion);
  if (serviceVersion !== undefined) out.serviceVersion = serviceVersion;
  const environment = take(RESOURCE_KEYS.environment);
  if (environment !== undefined) out.environment = environment;
  const region = take(RESOURCE_KEYS.region);
  if (region !== undefined) out.region = region;
  const host = take(RESOURCE_KEYS.host);
  if (host !== undefined) out.host = host;
  // The named fields come first in the model; the rest keep their order.
  return { ...out, attributes };
}

/**
 * Rebuilds the envelope a LogRecord was made from by {@link toLogRecord}
 * (its resource by {@link fromResource}). The `envelope.` attributes are
 * required (`missing_field` when one is absent); ids are checked
 * (`invalid_id`). Attributes outside `envelope.` are given to the listed
 * extension whose `namespace.` is their longest prefix; an attribute that
 * matches no listed namespace is not carried back (a record this bridge
 * wrote has none). `observedTimeUnixNano`, `severityNumber` and
 * `severityText` are not read: the status attributes are the source of truth.
 */
export function fromLogRecord(record: OtlpLogRecord, resource?: OtlpResource): Envelope {
  object(record, "logRecord");
  const attrs = keyValues(record.attributes, "logRecord.attributes", 1);
  const attr = (key: string, required: boolean): string | undefined => {
    const value = attrs.get(key);
    if (value === undefined) {
      if (required) {
        throw new EnvelopeError("missing_field", `attribute ${key} is missing`, {
          path: `logRecord.attributes.${key}`,
        });
      }
      return undefined;
    }
    if (typeof value !== "string") throw wrongType(`logRecord.attributes.${key}`, "stringValue");
    return value;
  };
  const eventIdHex = attr(LOG_KEYS.eventId, true) as string;
  const schemaType = attr(LOG_KEYS.schemaType, true) as string;
  const schemaSubtype = attr(LOG_KEYS.schemaSubtype, true) as string;
  const schemaVersion = attr(LOG_KEYS.schemaVersion, true) as string;
  const schemaUrl = attr(LOG_KEYS.schemaUrl, false);
  const envelope: Envelope = {
    header: {
      schema: {
        type: schemaType,
        subtype: schemaSubtype,
        version: schemaVersion,
        ...(schemaUrl === undefined ? {} : { url: schemaUrl }),
      },
      eventId: hexToBytes(eventIdHex, 16, `logRecord.attributes.${LOG_KEYS.eventId}`),
      timeUnixNano: parseTime(record.timeUnixNano, "logRecord.timeUnixNano"),
      producer: {
        language: attr(LOG_KEYS.producerLanguage, true) as string,
        version: attr(LOG_KEYS.producerVersion, true) as string,
      },
      resource: fromResource(resource),
    },
    body: { attributes: new Map(), extensions: [] },
  };

  if (record.traceId !== undefined && record.traceId !== "") {
    const flags = record.flags ?? 0;
    if (!Number.isInteger(flags) || flags < 0 || flags > 0xffffffff) {
      throw wrongType("logRecord.flags", "a fixed32");
    }
    const trace: TraceContext = {
      traceId: hexToBytes(text("logRecord.traceId", record.traceId), 16, "logRecord.traceId"),
      spanId: hexToBytes(text("logRecord.spanId", record.spanId ?? ""), 8, "logRecord.spanId"),
      traceFlags: flags & 0xff,
    };
    const parent = attr(LOG_KEYS.parentSpanId, false);
    if (parent !== undefined) {
      trace.parentSpanId = hexToBytes(parent, 8, `logRecord.attributes.${LOG_KEYS.parentSpanId}`);
    }
    const state = attr(LOG_KEYS.traceState, false);
    if (state !== undefined) trace.traceState = state;
    envelope.header.trace = trace;
  }

  const code = attrs.get(LOG_KEYS.statusCode);
  if (code !== undefined) {
    if (typeof code !== "bigint" || code < 0n || code > 0x7fffffffn) {
      throw wrongType(`logRecord.attributes.${LOG_KEYS.statusCode}`, "intValue (0..2^31-1)");
    }
    envelope.header.status = {
      code: Number(code),
      message: attr(LOG_KEYS.statusMessage, false) ?? "",
    };
  }

  if (record.body !== undefined) {
    const body = anyValue(record.body, "logRecord.body", 0);
    if (!(body instanceof Map)) throw wrongType("logRecord.body", "kvlistValue");
    envelope.body.attributes = body;
  }

  const versions = attrs.get(LOG_KEYS.extensions);
  if (versions !== undefined) {
    if (!(versions instanceof Map)) {
      throw wrongType(`logRecord.attributes.${LOG_KEYS.extensions}`, "kvlistValue");
    }
    const extensions: Extension[] = [];
    for (const [namespace, version] of versions) {
      if (typeof version !== "string") {
        throw wrongType(`logRecord.attributes.${LOG_KEYS.extensions}.${namespace}`, "stringValue");
      }
      extensions.push({ namespace, version, attributes: new Map() });
    }
    // Longest namespace first, so `http.server.port` goes to `http.server` before `http`.
    const byLength = [...extensions].sort((a, b) => b.namespace.length - a.namespace.length);
    for (const [key, value] of attrs) {
      if (key.startsWith(RESERVED_PREFIX)) continue;
      const ext = byLength.find((e) => key.startsWith(`${e.namespace}.`));
      ext?.attributes.set(key.slice(ext.namespace.length + 1), value);
    }
    envelope.body.extensions = extensions;
  }
  return envelope;
}

/** `value` when it is a string; else `invalid_value`. */
function text(path: string, value: unknown): string {
  if (typeof value !== "string") throw wrongType(path, "a string");
  return value;
}

function wrongType(path: string, expected: string): EnvelopeError {
  return new EnvelopeError("invalid_value", `expected ${expected}`, { path });
}

function parseInteger(value: string | number, path: string): bigint {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw wrongType(path, "an integer");
    return BigInt(value);
  }
  if (typeof value !== "string" || !/^-?(0|[1-9][0-9]*)$/.test(value)) {
    throw wrongType(path, "a decimal integer");
  }
  return BigInt(value);
}

function parseTime(value: string | number | undefined, path: string): bigint {
  if (value === undefined) throw new EnvelopeError("missing_field", "no time", { path });
  const t = parseInteger(value, path);
  if (t <= 0n || t > UINT64_MAX) throw wrongType(path, "a time in 1..2^64-1");
  return t;
}

function parseDouble(value: number | string, path: string): number {
  if (typeof value === "number") return value;
  if (value === "NaN") return Number.NaN;
  if (value === "Infinity") return Number.POSITIVE_INFINITY;
  if (value === "-Infinity") return Number.NEGATIVE_INFINITY;
  throw wrongType(path, "a number, NaN, Infinity or -Infinity");
}
