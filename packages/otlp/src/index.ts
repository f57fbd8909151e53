// IMPORTANT: exports added here are public API of @envelope/otlp.
export { fromAnyValue, fromKeyValues, fromLogRecord, fromResource } from "./from-log-record.js";
export { LOG_KEYS, RESOURCE_KEYS, SCOPE_NAME, Severity } from "./keys.js";
export type {
  OtlpAnyValue,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpLogsData,
  OtlpResource,
  OtlpResourceLogs,
  OtlpScope,
  OtlpScopeLogs,
} from "./model.js";
export type { ToLogRecordOptions } from "./to-log-record.js";
export { toAnyValue, toKeyValues, toLogRecord, toLogsData, toResource } from "./to-log-record.js";
export { toProtobuf } from "./to-protobuf.js";
export type { OtlpTransportOptions, PartialSuccess } from "./transport.js";
export { otlpTransport } from "./transport.js";
