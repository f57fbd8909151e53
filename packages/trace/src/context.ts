/**
 * The span contexts this package builds (parse, extract, startSpan,
 * contextFromEnvelope). Their ids were checked when they were built, so
 * formatting them skips the check: an `instanceof` instead of a scan of 48
 * characters on every injected request. Contexts are immutable by contract
 * (readonly properties); any other object is checked in full.
 *
 * @see docs/spec.md, section "Trace context"
 * @internal
 */
import type { SpanContext, TraceState } from "./types.js";

/** @internal */
export class TrustedSpanContext implements SpanContext {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  // `declare`: absent, not `undefined`, when there is none.
  declare readonly traceState?: TraceState;
  declare readonly isRemote?: boolean;

  /** `traceId` and `spanId` must be valid and `traceFlags` an integer 0..255: callers check. */
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
