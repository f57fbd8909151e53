// IMPORTANT: exports added here are public API of @envelope/export.
export type { ExportItem, ExportMeta, SendResult, Transport } from "./transport.js";
export { ExportError } from "./transport.js";
