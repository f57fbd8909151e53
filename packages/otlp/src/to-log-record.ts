/**
 * Envelope -> OTLP LogRecord (OTLP/JSON form).
 *
 * @see docs/spec.md, section "OTLP mapping"
 */
import {
  type Attributes,
  type AttributeValue,
  bytesToBase64,
  bytesToHex,
  type Envelope,
  EnvelopeError,
  type Resource,
  StatusCode,
  UnknownValue,
} from "@envelope/core";
import { LOG_KEYS, RESERVED_PREFIX, RESOURCE_KEYS, SCOPE_NAME, Severity } from "./keys.js";
import type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpLogsData,
  OtlpResource,
  OtlpResourceLogs,
} from "./model.js";

/** Options of {@link toLogRecord} and {@link toLogsData}. */
export interface ToLogRecordOptions {
  /**
   * `observedTimeUnixNano` of the records: when the bridge saw the events.
   * Default: the current time. It is not part of the envelope.
   */
  readonly observedTimeUnixNano?: bigint;
}

/**
 * One attribute value as an OTLP AnyValue. A value of a kind this version does
 * not know ({@link UnknownValue}) has no OTLP form: `invalid_value`.
 */
export function toAnyValue(value: AttributeValue, path = "value"): OtlpAnyValue {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "bigint":
      return { intValue: value.toString() };
    case "number":
      return { doubleValue: Number.isFinite(value) ? value : String(value) };
  }
  if (value instanceof Uint8Array) return { bytesValue: bytesToBase64(value) };
  if (Array.isArray(value)) {
    if (value.length === 0) return { arrayValue: {} };
    return { arrayValue: { values: value.map((v, i) => toAnyValue(v, `${path}[${i}]`)) } };
  }
  if (value instanceof UnknownValue) {
    throw new EnvelopeError(
      "invalid_value",
      "a value of a kind this version does not know has no OTLP form",
      { path },
    );
  }
  return kvlist(toKeyValues(value, path));
}

/** A kvlist AnyValue; an empty one has no `values` (proto3 JSON omits empty lists). */
function kvlist(values: OtlpKeyValue[]): OtlpAnyValue {
  return { kvlistValue: values.length === 0 ? {} : { values } };
}

/** An attribute map as OTLP KeyValues, in order. */
export function toKeyValues(attributes: Attributes, path = "attributes"): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, value] of attributes) {
    out.push({ key, value: toAnyValue(value, `${path}.${key}`) });
  }
  return out;
}

/**
 * The envelope's resource as an OTLP Resource: the named fields under their
 * OpenTelemetry semantic-convention keys (`service.name`, `service.version`,
 * `deployment.environment.name`, `cloud.region`, `host.name`), then the
 * resource attributes in order. An attribute that repeats a key a named
 * field wrote is `duplicate_key`.
 */
export function toResource(resource: Resource): OtlpResource {
  const attributes: OtlpKeyValue[] = [];
  const named = new Set<string>();
  const add = (key: string, value: string | undefined) => {
    if (value === undefined) return;
    named.add(key);
    attributes.push({ key, value: { stringValue: value } });
  };
  add(RESOURCE_KEYS.serviceName, resource.serviceName);
  add(RESOURCE_KEYS.serviceVersion, resource.serviceVersion);
  add(RESOURCE_KEYS.environment, resource.environment);
  add(RESOURCE_KEYS.region, resource.region);
  add(RESOURCE_KEYS.host, resource.host);
  for (const kv of toKeyValues(resource.attributes, "header.resource.attributes")) {
    if (named.has(kv.key)) {
      throw new EnvelopeError(
        "duplicate_key",
        `resource attribute ${JSON.stringify(kv.key)} repeats a named resource field`,
        { path: `header.resource.attributes.${kv.key}` },
      );
    }
    attributes.push(kv);
  }
  return { attributes };
}

function severityOf(code: number | undefined): { number: number; text?: string } {
  if (code === StatusCode.OK) return { number: Severity.INFO, text: "INFO" };
  if (code === StatusCode.ERROR) return { number: Severity.ERROR, text: "ERROR" };
  return { number: Severity.UNSPECIFIED };
}

/**
 * Maps an envelope to an OTLP LogRecord (its resource is {@link toResource}):
 *
 * - `eventName` is `type/subtype`; `timeUnixNano` the envelope's time;
 * - `body` is a kvlist of the body attributes, in order;
 * - `traceId`, `spanId` and `flags` (the W3C trace flags) from the trace context;
 * - `severityNumber` from the status: OK is INFO (9), ERROR is ERROR (17),
 *   UNSET, an unknown code or no status is UNSPECIFIED (0, not written);
 * - `attributes` keep what OTLP has no field for, under `envelope.` keys
 *   (event id, schema reference, producer, parent span id, tracestate,
 *   status code and message, extension versions), then every extension's
 *   attributes flattened as `namespace.key`.
 *
 * Throws `invalid_value` for a value kind OTLP cannot carry or an extension
 * named `envelope`, and `duplicate_key` when two flattened keys collide.
 */
export function toLogRecord(envelope: Envelope, options: ToLogRecordOptions = {}): OtlpLogRecord {
  const { header, body } = envelope;
  const attributes: OtlpKeyValue[] = [];
  const str = (key: string, value: string) =>
    attributes.push({ key, value: { stringValue: value } });
  str(LOG_KEYS.eventId, bytesToHex(header.eventId));
  str(LOG_KEYS.schemaType, header.schema.type);
  str(LOG_KEYS.schemaSubtype, header.schema.subtype);
  str(LOG_KEYS.schemaVersion, header.schema.version);
  if (header.schema.url !== undefined) str(LOG_KEYS.schemaUrl, header.schema.url);
  str(LOG_KEYS.producerLanguage, header.producer.language);
  str(LOG_KEYS.producerVersion, header.producer.version);
  const trace = header.trace;
  if (trace?.parentSpanId !== undefined && trace.parentSpanId.length > 0) {
    str(LOG_KEYS.parentSpanId, bytesToHex(trace.parentSpanId));
  }
  if (trace?.traceState !== undefined && trace.traceState !== "") {
    str(LOG_KEYS.traceState, trace.traceState);
  }
  if (header.status !== undefined) {
    attributes.push({
      key: LOG_KEYS.statusCode,
      value: { intValue: String(header.status.code) },
    });
    if (header.status.message !== "") str(LOG_KEYS.statusMessage, header.status.message);
  }
  if (body.extensions.length > 0) {
    attributes.push({
      key: LOG_KEYS.extensions,
      value: {
        kvlistValue: {
          values: body.extensions.map((e) => ({
            key: e.namespace,
            value: { stringValue: e.version },
          })),
        },
      },
    });
  }
  const seen = new Set<string>();
  for (const ext of body.extensions) {
    if (`${ext.namespace}.`.startsWith(RESERVED_PREFIX)) {
      throw new EnvelopeError(
        "invalid_value",
        `extension namespace "envelope" is reserved by the OTLP mapping`,
        { path: `body.extensions.${ext.namespace}` },
      );
    }
    for (const kv of toKeyValues(ext.attributes, `body.extensions.${ext.namespace}`)) {
      const key = `${ext.namespace}.${kv.key}`;
      if (seen.has(key)) {
        throw new EnvelopeError(
          "duplicate_key",
          `flattened extension attribute ${JSON.stringify(key)} appears twice`,
          { path: `body.extensions.${ext.namespace}.${kv.key}` },
        );
      }
      seen.add(key);
      attributes.push({ key, value: kv.value });
    }
  }

  const record: OtlpLogRecord = {
    timeUnixNano: header.timeUnixNano.toString(),
    observedTimeUnixNano: (options.observedTimeUnixNano ?? nowNanos()).toString(),
  };
  const severity = severityOf(header.status?.code);
  if (severity.number !== Severity.UNSPECIFIED) record.severityNumber = severity.number;
  if (severity.text !== undefined) record.severityText = severity.text;
  record.eventName = `${header.schema.type}/${header.schema.subtype}`;
  record.body = kvlist(toKeyValues(body.attributes, "body.attributes"));
  record.attributes = attributes;
  if (trace !== undefined) {
    if (trace.traceFlags !== 0) record.flags = trace.traceFlags;
    record.traceId = bytesToHex(trace.traceId);
    record.spanId = bytesToHex(trace.spanId);
  }
  return record;
}

/**
 * Maps envelopes to one OTLP `LogsData` (the `ExportLogsServiceRequest`
 * body): records grouped by resource (envelopes with equal resources share
 * one ResourceLogs, in first-seen order), one scope `@envelope/otlp` each.
 */
export function toLogsData(
  envelopes: Iterable<Envelope>,
  options: ToLogRecordOptions = {},
): OtlpLogsData {
  const observedTimeUnixNano = options.observedTimeUnixNano ?? nowNanos();
  const entries: MappedRecord[] = [];
  for (const envelope of envelopes) entries.push(mapEnvelope(envelope, observedTimeUnixNano));
  return groupByResource(entries);
}

/** One envelope's record and resource. */
export interface MappedRecord {
  readonly resource: OtlpResource;
  readonly record: OtlpLogRecord;
}

/** {@link toResource} and {@link toLogRecord} of one envelope. Internal. */
export function mapEnvelope(envelope: Envelope, observedTimeUnixNano: bigint): MappedRecord {
  return {
    resource: toResource(envelope.header.resource),
    record: toLogRecord(envelope, { observedTimeUnixNano }),
  };
}

/** Groups mapped records by equal resource, in first-seen order. Internal. */
export function groupByResource(entries: Iterable<MappedRecord>): OtlpLogsData {
  const byResource = new Map<string, OtlpResourceLogs>();
  for (const { resource, record } of entries) {
    const key = JSON.stringify(resource);
    let group = byResource.get(key);
    if (group === undefined) {
      group = { resource, scopeLogs: [{ scope: { name: SCOPE_NAME }, logRecords: [] }] };
      byResource.set(key, group);
    }
    group.scopeLogs?.[0]?.logRecords?.push(record);
  }
  return { resourceLogs: [...byResource.values()] };
}

/** Now, in nanoseconds since the UNIX epoch (millisecond resolution). Internal. */
export function nowNanos(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}
