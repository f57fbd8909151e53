// IMPORTANT: exports added here are public API of @envelope/export.
// Browser-safe: nothing here imports node: modules (the node:http receiver is
// in @envelope/export/node).
export type {
  DropReason,
  Exporter,
  ExporterEvent,
  ExporterOptions,
  ExporterStats,
  FullQueuePolicy,
  RetryOptions,
  ShutdownResult,
} from "./exporter.js";
export { createExporter, DROP_REASONS } from "./exporter.js";
export type { ReceiverAnswer, ReceiverOptions, ReceiverRequest } from "./http-receiver.js";
export { createFetchReceiver, receive } from "./http-receiver.js";
export type { ReceiverReport, RejectedFrame } from "./http-report.js";
export { FRAMES_MEDIA_TYPE, isRetryableStatus } from "./http-report.js";
export type { HttpTransportOptions } from "./http-transport.js";
export { httpTransport } from "./http-transport.js";
export { exportMeta } from "./meta.js";
export { parseRetryAfter } from "./retry-after.js";
export type { ExportItem, ExportMeta, SendResult, Transport } from "./transport.js";
export { ExportError } from "./transport.js";
