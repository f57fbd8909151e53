/**
 * Span lineage: a span is a child of the context it received, or a new root.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
import { EnvelopeError, type Status, type StatusCode, TraceFlags } from "@envelope/core";
import { TrustedSpanContext } from "./context.js";
import { generateSpanId, generateTraceId, isValidSpanId, isValidTraceId } from "./ids.js";
import { validTraceState } from "./tracestate.js";
import type { SpanContext, TraceState } from "./types.js";

/** A status to end a span with; `message` defaults to empty. */
export interface SpanStatus {
  readonly code: StatusCode;
  readonly message?: string;
}

/** Options of {@link startSpan}. */
export interface StartSpanOptions {
  /** A name for the operation (kept on the span, not propagated). Default `""`. */
  readonly name?: string;
  /**
   * Whether a new root is sampled (flag 0x01). Default `true`. Ignored for a
   * child, which inherits its parent's decision.
   */
  readonly sampled?: boolean;
  /**
   * tracestate of the new span. Default: the parent's for a child, none for a
   * root. Only the valid members of a hand-made list are kept (as `inject` writes them).
   */
  readonly traceState?: TraceState | undefined;
}

/**
 * One operation of this service. Its {@link Span.context} is what it
 * propagates to the calls it makes.
 */
export interface Span {
  /** Operation name. */
  readonly name: string;
  /** This span's own context: its trace id, span id, flags and tracestate. */
  readonly context: SpanContext;
  /** The span id of the parent (16 hex characters); `undefined` for a root. */
  readonly parentSpanId: string | undefined;
  /** Start, in nanoseconds since the UNIX epoch (microsecond precision). */
  readonly startTimeUnixNano: bigint;
  /** End, in nanoseconds since the UNIX epoch; `undefined` until {@link Span.end}. */
  readonly endTimeUnixNano: bigint | undefined;
  /** The status given to {@link Span.end}; `undefined` when none was given (unset). */
  readonly status: Status | undefined;
  /** True once {@link Span.end} was called. */
  readonly ended: boolean;
  /**
   * Ends the span and records `status`. Only the first call counts; later calls are ignored.
   * @throws EnvelopeError `invalid_argument` when `status.code` is not an integer 0..2^31-1.
   */
  end(status?: SpanStatus): void;
}

function nowUnixNano(): bigint {
  return BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000)) * 1000n;
}

/** True when `context` has a valid trace id and span id (what a parent needs). */
export function isValidSpanContext(
  context: SpanContext | undefined | null,
): context is SpanContext {
  return (
    typeof context === "object" &&
    context !== null &&
    isValidTraceId(context.traceId) &&
    isValidSpanId(context.spanId) &&
    Number.isInteger(context.traceFlags)
  );
}

class SpanImpl implements Span {
  endTimeUnixNano: bigint | undefined = undefined;
  status: Status | undefined = undefined;
  readonly startTimeUnixNano = nowUnixNano();

  constructor(
    readonly name: string,
    readonly context: SpanContext,
    readonly parentSpanId: string | undefined,
  ) {}

  get ended(): boolean {
    return this.endTimeUnixNano !== undefined;
  }

  end(status?: SpanStatus): void {
    if (this.endTimeUnixNano !== undefined) return;
    if (status !== undefined) {
      const code = status.code;
      if (!Number.isInteger(code) || code < 0 || code > 0x7fffffff) {
        throw new EnvelopeError("invalid_argument", "status code must be an integer 0..2^31-1", {
          path: "status.code",
        });
      }
      const message = status.message ?? "";
      if (typeof message !== "string") {
        throw new EnvelopeError("invalid_argument", "status message must be a string", {
          path: "status.message",
        });
      }
      this.status = { code, message };
    }
    this.endTimeUnixNano = nowUnixNano();
  }
}

/**
 * Starts a span.
 *
 * - With a valid `parent` (an extracted context, or a local span): a child in
 *   the same trace, with a new random span id, `parentSpanId` = the parent's
 *   span id, and the parent's sampled and random flags and tracestate.
 * - With no parent, or an invalid one: a new root with a new random trace id,
 *   the random flag (0x02) set and the sampled flag per `options.sampled`.
 *
 * Ids come from `crypto.getRandomValues` and are never all zero. The span's
 * tracestate keeps only the valid members of a hand-made list.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function startSpan(
  parent?: SpanContext | Span | null,
  options: StartSpanOptions = {},
): Span {
  const name = options.name ?? "";
  const parentContext = parent != null && "context" in parent ? parent.context : parent;
  if (isValidSpanContext(parentContext)) {
    const traceState = "traceState" in options ? options.traceState : parentContext.traceState;
    const context = new TrustedSpanContext(
      parentContext.traceId,
      generateSpanId(),
      parentContext.traceFlags & (TraceFlags.SAMPLED | TraceFlags.RANDOM),
      // A hand-made parent or option: only the valid members are kept.
      validTraceState(traceState),
      false,
    );
    return new SpanImpl(name, context, parentContext.spanId);
  }
  const sampled = options.sampled ?? true;
  const context = new TrustedSpanContext(
    generateTraceId(),
    generateSpanId(),
    TraceFlags.RANDOM | (sampled ? TraceFlags.SAMPLED : TraceFlags.NONE),
    validTraceState(options.traceState),
    false,
  );
  return new SpanImpl(name, context, undefined);
}
