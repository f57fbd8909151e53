/**
 * The span contexts this package builds (parse, extract, startSpan,
 * contextFromEnvelope). Their ids and tracestate were checked when they were
 * built, so writing them skips the check: an `instanceof` instead of a scan of
 * 48 characters and of every tracestate member on every injected request.
 * Contexts are immutable by contract (readonly properties, a frozen list); any
 * other object is checked in full each time it is written.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 * @internal
 */
import { EMPTY_TRACE_STATE, validTraceState } from "./tracestate.js";
import type { SpanContext, TraceState } from "./types.js";

/** @internal */
export class TrustedSpanContext implements SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  // `declare`: absent, not `undefined`, when there is none.
  declare readonly traceState?: TraceState;
  declare readonly isRemote?: boolean;

  /**
   * `traceId` and `spanId` must be valid, `traceFlags` an integer 0..255 and
   * `traceState` a parsed list or one `validTraceState` returned: callers check.
   */
  constructor(
    traceId: string,
    spanId: string,
    traceFlags: number,
    traceState: TraceState | undefined,
    isRemote: boolean,
  ) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.traceFlags = traceFlags;
    if (traceState !== undefined && traceState.length > 0) {
      (this as { traceState?: TraceState }).traceState = traceState;
    }
    if (isRemote) (this as { isRemote?: boolean }).isRemote = true;
  }
}

/**
 * The tracestate to write for `context`: as built for a context of this
 * package, else only the valid members of whatever it holds (empty when its
 * `traceState` cannot be read). Never throws.
 * @internal
 */
export function writableTraceState(context: object): TraceState {
  // Stryker disable next-line ConditionalExpression: a context of this package holds a valid list, which the general way returns as is
  if (context instanceof TrustedSpanContext) return context.traceState ?? EMPTY_TRACE_STATE;
  try {
    return validTraceState((context as SpanContext).traceState);
  } catch {
    return EMPTY_TRACE_STATE; // a getter that throws
  }
}
