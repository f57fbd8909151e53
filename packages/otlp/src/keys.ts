/**
 * The OTLP attribute keys the mapping uses. Keys under `envelope.` carry what
 * OTLP has no field for, so {@link fromLogRecord} can rebuild the envelope.
 *
 * @see docs/spec.md, section "OTLP mapping"
 */

/** LogRecord attribute keys the mapping writes (reserved: extensions may not use the `envelope` namespace). */
export const LOG_KEYS = {
  eventId: "envelope.event_id",
  schemaType: "envelope.schema.type",
  schemaSubtype: "envelope.schema.subtype",
  schemaVersion: "envelope.schema.version",
  schemaUrl: "envelope.schema.url",
  producerLanguage: "envelope.producer.language",
  producerVersion: "envelope.producer.version",
  parentSpanId: "envelope.trace.parent_span_id",
  traceState: "envelope.trace.state",
  statusCode: "envelope.status.code",
  statusMessage: "envelope.status.message",
  extensions: "envelope.extensions",
} as const;

/** The prefix of every reserved LogRecord attribute key. */
export const RESERVED_PREFIX = "envelope.";

/** Resource attribute keys (OpenTelemetry semantic conventions) for the envelope's named resource fields. */
export const RESOURCE_KEYS = {
  serviceName: "service.name",
  serviceVersion: "service.version",
  environment: "deployment.environment.name",
  region: "cloud.region",
  host: "host.name",
} as const;

/** OTLP `SeverityNumber` values the mapping writes. */
export const Severity = {
  UNSPECIFIED: 0,
  INFO: 9,
  ERROR: 17,
} as const;

/** The InstrumentationScope of every record the bridge writes. */
export const SCOPE_NAME = "@envelope/otlp";
