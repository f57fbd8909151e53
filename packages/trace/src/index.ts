// IMPORTANT: exports added here are public API of @envelope/trace.
export type {
  ExtractCarrier,
  ExtractIssue,
  ExtractResult,
  HeaderRecord,
  HeadersGetter,
  HeadersLike,
  HeaderValue,
  InjectCarrier,
  InjectOptions,
  MessageHeader,
  RawHeadersSource,
} from "./carriers.js";
export { extract, extractWithReason, inject } from "./carriers.js";
export type { TraceContextOptions } from "./envelope.js";
export {
  contextFromEnvelope,
  contextFromTraceContext,
  fillEnvelopeTrace,
  traceContextFromSpan,
} from "./envelope.js";
export {
  generateSpanId,
  generateTraceId,
  isValidSpanId,
  isValidTraceId,
  SPAN_ID_BYTES,
  spanIdToBytes,
  spanIdToHex,
  TRACE_ID_BYTES,
  traceIdToBytes,
  traceIdToHex,
} from "./ids.js";
export type { KeyPattern, RedactionPolicy } from "./redact.js";
export { DEFAULT_MASK, redactTraceState, validateRedactionPolicy } from "./redact.js";
export type { Span, SpanStatus, StartSpanOptions } from "./span.js";
export { isValidSpanContext, startSpan } from "./span.js";
export { formatTraceParent, parseTraceParent, parseTraceParentWithReason } from "./traceparent.js";
export {
  createTraceState,
  EMPTY_TRACE_STATE,
  formatTraceState,
  isValidTraceStateKey,
  isValidTraceStateValue,
  MAX_TRACE_STATE_LENGTH,
  MAX_TRACE_STATE_MEMBERS,
  parseTraceState,
  parseTraceStateWithReason,
  traceStateDelete,
  traceStateGet,
  traceStateSet,
} from "./tracestate.js";
export type {
  ParseResult,
  SpanContext,
  TraceParentIssue,
  TraceState,
  TraceStateEntry,
  TraceStateIssue,
} from "./types.js";
