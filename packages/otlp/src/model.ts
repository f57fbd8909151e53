/**
 * OTLP logs in their OTLP/JSON form (opentelemetry-proto `logs/v1`, the
 * protobuf JSON mapping with OTLP's deviations): ids are lowercase hex, int64
 * values and times are decimal strings, bytes are base64, enums are integers.
 * {@link toLogsData} writes this form and {@link fromLogRecord} reads it, so a
 * request body, a Collector file-exporter line and this package's output are
 * one shape. As proto3 JSON writers do (the Collector among them), an empty
 * array or map is written without its `values` list. Readers also accept
 * numbers where OTLP/JSON allows them.
 *
 * @see docs/spec.md, section "OTLP mapping"
 */

/** `opentelemetry.proto.common.v1.AnyValue`: exactly one key is set. */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string (a number is accepted on read). */
  intValue?: string | number;
  /** A double; NaN and the infinities as the strings `"NaN"`, `"Infinity"`, `"-Infinity"`. */
  doubleValue?: number | string;
  /** base64 (standard alphabet, padded). */
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
}

/** `opentelemetry.proto.common.v1.KeyValue`. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}

/** `opentelemetry.proto.logs.v1.LogRecord`. */
export interface OtlpLogRecord {
  /** Event time, nanoseconds since the UNIX epoch, decimal. */
  timeUnixNano: string;
  /** When the bridge saw the event, nanoseconds since the UNIX epoch, decimal. */
  observedTimeUnixNano: string;
  /** `SeverityNumber`: 9 INFO, 17 ERROR; absent means UNSPECIFIED (0). */
  severityNumber?: number;
  severityText?: string;
  /** `type/subtype` of the envelope's schema. */
  eventName?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  /** W3C trace flags in bits 0-7. */
  flags?: number;
  /** 32 lowercase hex digits. */
  traceId?: string;
  /** 16 lowercase hex digits. */
  spanId?: string;
}

/** `opentelemetry.proto.common.v1.InstrumentationScope`. */
export interface OtlpScope {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
}

/** `opentelemetry.proto.resource.v1.Resource`. */
export interface OtlpResource {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
}

/** `opentelemetry.proto.logs.v1.ScopeLogs`. */
export interface OtlpScopeLogs {
  scope?: OtlpScope;
  logRecords?: OtlpLogRecord[];
  schemaUrl?: string;
}

/** `opentelemetry.proto.logs.v1.ResourceLogs`. */
export interface OtlpResourceLogs {
  resource?: OtlpResource;
  scopeLogs?: OtlpScopeLogs[];
  schemaUrl?: string;
}

/** `LogsData`, which is also the shape of `ExportLogsServiceRequest`. */
export interface OtlpLogsData {
  resourceLogs?: OtlpResourceLogs[];
}
