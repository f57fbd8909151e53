/**
 * Types shared by the trace modules.
 *
 * Ids travel as lowercase hex strings here, the form they have in the
 * `traceparent` header: parsing and formatting then need no conversion, and
 * only the envelope integration (`envelope.ts`) converts them to the raw bytes
 * of the envelope model.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */

declare const traceStateBrand: unique symbol;

/** One `tracestate` list member: `[key, value]`. */
export type TraceStateEntry = readonly [key: string, value: string];

/**
 * A validated, immutable `tracestate` list, leftmost (most recently updated)
 * member first, keys unique. Obtain one from {@link parseTraceState},
 * {@link createTraceState} or {@link traceStateSet}: every key and value then
 * follows the W3C grammar and the list is frozen. The brand exists only for
 * the compiler: a hand-made array cast to this type is checked where it is
 * written, and only its valid members are (see `inject` and `formatTraceState`).
 */
export type TraceState = readonly TraceStateEntry[] & { readonly [traceStateBrand]: true };

/**
 * The propagated part of a span: what `traceparent` and `tracestate` carry.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export interface SpanContext {
  /** 32 lowercase hex characters, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex characters, not all zero: the span that sent (or will send) the request. */
  readonly spanId: string;
  /** W3C trace-flags; only bit 0 (sampled) and bit 1 (random) are propagated. */
  readonly traceFlags: number;
  /** The `tracestate` list; absent when there is none. */
  readonly traceState?: TraceState | undefined;
  /** True when the context was extracted from a carrier (it came from another process). */
  readonly isRemote?: boolean | undefined;
}

/**
 * Why a `traceparent` value was rejected.
 *
 * - `invalid_length`: too short, or version `00` with other than 55 characters;
 * - `invalid_version`: not two lowercase hex digits, or the forbidden `ff`;
 * - `invalid_separator`: a `-` is missing where the grammar puts one (also after
 *   the flags of a higher version that has more to say);
 * - `invalid_trace_id` / `invalid_span_id` / `invalid_flags`: not lowercase hex;
 * - `zero_trace_id` / `zero_span_id`: all zero.
 */
export type TraceParentIssue =
  | "invalid_length"
  | "invalid_version"
  | "invalid_separator"
  | "invalid_trace_id"
  | "invalid_span_id"
  | "invalid_flags"
  | "zero_trace_id"
  | "zero_span_id";

/**
 * Why a `tracestate` value was dropped (the `traceparent` is kept).
 *
 * - `too_many_members`: more than 32 list members;
 * - `invalid_key`: a member's key breaks the key grammar (or there is no `=`);
 * - `invalid_value`: a member's value is empty, longer than 256 characters, or
 *   has a character outside 0x20-0x7E, a `,` or a `=`.
 */
export type TraceStateIssue = "too_many_members" | "invalid_key" | "invalid_value";

/** The result of a parse that tells why it failed. */
export type ParseResult<T, I> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issue: I };
