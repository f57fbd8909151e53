/**
 * OTLP LogRecord (OTLP/JSON form) -> envelope, for records this bridge wrote.
 *
 * @see docs/spec.md, section "OTLP mapping"
 */
import {
  type Attributes,
  type AttributeValue,
  base64ToBytes,
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
 * int64 out of range and a double that is not a number.
 */
export function fromAnyValue(value: OtlpAnyValue, path = "value"): AttributeValue {
  const keys = Object.keys(value ?? {});
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
  if (value.bytesValue !== undefined) return base64ToBytes(value.bytesValue, path);
  if (value.arrayValue !== undefined) {
    return (value.arrayValue.values ?? []).map((v, i) => fromAnyValue(v, `${path}[${i}]`));
  }
  if (value.kvlistValue !== undefined) {
    return fromKeyValues(value.kvlistValue.values ?? [], path);
  }
  throw new EnvelopeError("invalid_value", `unknown AnyValue field ${keys[0]}`, { path });
}

/** OTLP KeyValues as an attribute map, in order; a repeated key is `duplicate_key`. */
export function fromKeyValues(values: readonly OtlpKeyValue[], path = "attributes"): Attributes {
  const out: Attributes = new Map();
  for (const kv of values) {
    if (out.has(kv.key)) {
      throw new EnvelopeError("duplicate_key", `key ${JSON.stringify(kv.key)} appears twice`, {
        path: `${path}.${kv.key}`,
      });
    }
    out.set(kv.key, fromAnyValue(kv.value, `${path}.${kv.key}`));
  }
  return out;
}

/**
 * An OTLP Resource as the envelope's resource: the semantic-convention keys
 * of {@link toResource} fill the named fields (string values only), every
 * other attribute stays an attribute. `service.name` is required.
 */
export function fromResource(resource: OtlpResource | undefined): Resource {
  const attributes = fromKeyValues(resource?.attributes ?? [], "resource.attributes");
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
  const attrs = fromKeyValues(record.attributes ?? [], "logRecord.attributes");
  const text = (key: string, required: boolean): string | undefined => {
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
  const eventIdHex = text(LOG_KEYS.eventId, true) as string;
  const schemaType = text(LOG_KEYS.schemaType, true) as string;
  const schemaSubtype = text(LOG_KEYS.schemaSubtype, true) as string;
  const schemaVersion = text(LOG_KEYS.schemaVersion, true) as string;
  const schemaUrl = text(LOG_KEYS.schemaUrl, false);
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
        language: text(LOG_KEYS.producerLanguage, true) as string,
        version: text(LOG_KEYS.producerVersion, true) as string,
      },
      resource: fromResource(resource),
    },
    body: { attributes: new Map(), extensions: [] },
  };

  if (record.traceId !== undefined && record.traceId !== "") {
    const trace: TraceContext = {
      traceId: hexToBytes(record.traceId, 16, "logRecord.traceId"),
      spanId: hexToBytes(record.spanId ?? "", 8, "logRecord.spanId"),
      traceFlags: (record.flags ?? 0) & 0xff,
    };
    const parent = text(LOG_KEYS.parentSpanId, false);
    if (parent !== undefined) {
      trace.parentSpanId = hexToBytes(parent, 8, `logRecord.attributes.${LOG_KEYS.parentSpanId}`);
    }
    const state = text(LOG_KEYS.traceState, false);
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
      message: text(LOG_KEYS.statusMessage, false) ?? "",
    };
  }

  if (record.body !== undefined) {
    const body = fromAnyValue(record.body, "logRecord.body");
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
