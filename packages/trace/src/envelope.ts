/**
 * Envelope integration: a span's context in `header.trace` (raw id bytes) and
 * its status in `header.status`, and back to the context for the next hop.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#tracecontext | docs/spec.md}, sections "TraceContext" and "Trace context"
 */
import { bytesToHex, type Envelope, isAllZero, type TraceContext } from "@envelope/core";
import { TrustedSpanContext, writableTraceState } from "./context.js";
import { spanIdToBytes, traceIdToBytes } from "./ids.js";
import { type RedactionPolicy, redactValid } from "./redact.js";
import type { Span } from "./span.js";
import { formatValid, parseTraceState } from "./tracestate.js";
import type { SpanContext } from "./types.js";

/** Options of {@link traceContextFromSpan} and {@link fillEnvelopeTrace}. */
export interface TraceContextOptions {
  /** Redacts the tracestate written into the envelope (for envelopes that leave the trust boundary). */
  readonly redact?: RedactionPolicy | undefined;
}

/**
 * The envelope model's {@link TraceContext} of `span`: its trace id (16 bytes),
 * span id (8 bytes), parent span id (8 bytes, absent for a root), trace flags
 * and tracestate (only its valid members; absent when empty; truncated to 512 characters).
 *
 * @throws EnvelopeError `invalid_id` when the span carries an invalid id
 * (only possible for a hand-made span).
 */
export function traceContextFromSpan(span: Span, options: TraceContextOptions = {}): TraceContext {
  const { context } = span;
  const trace: TraceContext = {
    traceId: traceIdToBytes(context.traceId, "trace.traceId"),
    spanId: spanIdToBytes(context.spanId, "trace.spanId"),
    traceFlags: context.traceFlags,
  };
  if (span.parentSpanId !== undefined) {
    trace.parentSpanId = spanIdToBytes(span.parentSpanId, "trace.parentSpanId");
  }
  // A hand-made span's tracestate is reduced to its valid members, as inject does.
  let state = writableTraceState(context);
  if (options.redact !== undefined) state = redactValid(state, options.redact);
  const text = formatValid(state);
  if (text !== "") trace.traceState = text;
  return trace;
}

/**
 * Writes `span` into `envelope.header.trace` and, when the span ended with a
 * status, into `envelope.header.status`. Returns the same envelope.
 *
 * @throws EnvelopeError `invalid_id`, as {@link traceContextFromSpan}.
 */
export function fillEnvelopeTrace<E extends Envelope>(
  envelope: E,
  span: Span,
  options: TraceContextOptions = {},
): E {
  envelope.header.trace = traceContextFromSpan(span, options);
  if (span.status !== undefined)
    envelope.header.status = { code: span.status.code, message: span.status.message };
  return envelope;
}

function idHex(bytes: unknown, length: number): string | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length || isAllZero(bytes))
    return undefined;
  return bytesToHex(bytes);
}

/**
 * The context to propagate from an envelope's `header.trace`, so that the next
 * service's span is a child of the envelope's span: trace id and span id from
 * the envelope, the sampled and random flags, and the tracestate when it is
 * valid (an invalid one is dropped, as from a header).
 *
 * @returns `undefined` when the envelope has no trace or its ids are invalid. Never throws.
 */
export function contextFromEnvelope(
  envelope: Pick<Envelope, "header"> | undefined,
): SpanContext | undefined {
  return contextFromTraceContext(envelope?.header?.trace);
}

/**
 * Like {@link contextFromEnvelope}, from a {@link TraceContext} alone.
 * @returns `undefined` when it is absent or its ids are invalid. Never throws.
 */
export function contextFromTraceContext(trace: TraceContext | undefined): SpanContext | undefined {
  if (typeof trace !== "object" || trace === null) return undefined;
  const traceId = idHex(trace.traceId, 16);
  const spanId = idHex(trace.spanId, 8);
  if (traceId === undefined || spanId === undefined) return undefined;
  const flags = Number.isInteger(trace.traceFlags) ? trace.traceFlags & 0x03 : 0;
  const traceState =
    typeof trace.traceState === "string" ? parseTraceState(trace.traceState) : undefined;
  return new TrustedSpanContext(traceId, spanId, flags, traceState, true);
}
