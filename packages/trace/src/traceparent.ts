/**
 * The `traceparent` header: `version "-" trace-id "-" parent-id "-" trace-flags`,
 * W3C Trace Context Level 2.
 *
 * Hot path (every request): one pass of char-code checks over a fixed layout,
 * no regular expression, and only the two id substrings allocated.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
import { EnvelopeError } from "@envelope/core";
import { TrustedSpanContext } from "./context.js";
import { hexValue, isValidSpanId, isValidTraceId, scanHexId } from "./ids.js";
import type { ParseResult, SpanContext, TraceParentIssue } from "./types.js";

/** Length of a version `00` traceparent. */
const V00_LENGTH = 55;
const DASH = 45;
/** Bits of trace-flags that this implementation propagates: sampled (0x01) and random (0x02). */
const KNOWN_FLAGS = 0x03;
const FLAG_SUFFIX = ["-00", "-01", "-02", "-03"] as const;

/** Space or horizontal tab: the optional whitespace HTTP allows around a field value. */
function isOws(c: number): boolean {
  return c === 32 || c === 9;
}

/** Parses into a context, or names the first rule broken. Never throws. */
function parse(value: string): SpanContext | TraceParentIssue {
  if (typeof value !== "string") return "invalid_length";
  let start = 0;
  let end = value.length;
  // An all-space value ends with a length below the minimum however far the
  // two loops run (past the ends the code is NaN, never a space).
  // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
  while (start < end && isOws(value.charCodeAt(start))) start++;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
  while (end > start && isOws(value.charCodeAt(end - 1))) end--;
  const length = end - start;
  if (length < V00_LENGTH) return "invalid_length";

  const hi = hexValue(value.charCodeAt(start));
  const lo = hexValue(value.charCodeAt(start + 1));
  if (hi < 0 || lo < 0) return "invalid_version";
  const version = (hi << 4) | lo;
  if (version === 0xff) return "invalid_version";
  if (version === 0) {
    if (length !== V00_LENGTH) return "invalid_length";
  } else if (length > V00_LENGTH && value.charCodeAt(start + V00_LENGTH) !== DASH) {
    // A higher version is read by its first four fields; what follows must be a new field.
    return "invalid_separator";
  }
  if (
    value.charCodeAt(start + 2) !== DASH ||
    value.charCodeAt(start + 35) !== DASH ||
    value.charCodeAt(start + 52) !== DASH
  ) {
    return "invalid_separator";
  }
  const trace = scanHexId(value, start + 3, 32);
  if (trace < 0) return "invalid_trace_id";
  if (trace === 0) return "zero_trace_id";
  const span = scanHexId(value, start + 36, 16);
  if (span < 0) return "invalid_span_id";
  if (span === 0) return "zero_span_id";
  const fhi = hexValue(value.charCodeAt(start + 53));
  const flo = hexValue(value.charCodeAt(start + 54));
  if (fhi < 0 || flo < 0) return "invalid_flags";
  return new TrustedSpanContext(
    value.slice(start + 3, start + 35),
    value.slice(start + 36, start + 52),
    // Unknown bits are dropped here, so they are never propagated (written as zero).
    ((fhi << 4) | flo) & KNOWN_FLAGS,
    undefined,
    true,
  );
}

/** @internal Shared with the carriers: a context or the issue, without allocating a result object. */
export const parseTraceParentRaw: (value: string) => SpanContext | TraceParentIssue = parse;

/**
 * Parses a `traceparent` header value (untrusted input): lowercase hex only;
 * version `ff` is invalid; version `00` is exactly 55 characters; a higher
 * version is read by its first four fields and anything after them must start
 * with `-`; all-zero ids are invalid; spaces and tabs around the value are
 * ignored. Only the sampled (0x01) and random (0x02) flags are kept.
 *
 * The result has no `traceState` and `isRemote: true`.
 *
 * @returns the context, or `undefined` when the value is invalid. Never throws.
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function parseTraceParent(value: string): SpanContext | undefined {
  const result = parse(value);
  return typeof result === "string" ? undefined : result;
}

/**
 * Like {@link parseTraceParent}, but tells why a value was rejected.
 * Never throws.
 */
export function parseTraceParentWithReason(
  value: string,
): ParseResult<SpanContext, TraceParentIssue> {
  const result = parse(value);
  return typeof result === "string" ? { ok: false, issue: result } : { ok: true, value: result };
}

/**
 * The version `00` value for `context`, or `undefined` when it has an invalid
 * id or flags that are not an integer 0..255. Does not throw for any object
 * (a property that throws is the caller's to catch).
 * @internal Shared with the carriers: inject writes nothing for such a context.
 */
export function traceParentOf(context: unknown): string | undefined {
  if (typeof context !== "object" || context === null) return undefined;
  // Contexts this package built were checked when they were built.
  if (context instanceof TrustedSpanContext)
    return `00-${context.traceId}-${context.spanId}${FLAG_SUFFIX[context.traceFlags & KNOWN_FLAGS]}`;
  const { traceId, spanId, traceFlags } = context as Partial<SpanContext>;
  if (
    !isValidTraceId(traceId as string) ||
    !isValidSpanId(spanId as string) ||
    !isValidFlags(traceFlags)
  ) {
    return undefined;
  }
  return `00-${traceId}-${spanId}${FLAG_SUFFIX[traceFlags & KNOWN_FLAGS]}`;
}

function isValidFlags(flags: unknown): flags is number {
  return Number.isInteger(flags) && (flags as number) >= 0 && (flags as number) <= 255;
}

/**
 * Formats a version `00` `traceparent` value. Flag bits other than sampled
 * (0x01) and random (0x02) are written as zero.
 *
 * @throws EnvelopeError `invalid_id` when an id is not lowercase hex of the
 * right length or is all zero; `invalid_argument` when `traceFlags` is not an
 * integer 0..255.
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#trace-context | docs/spec.md}, section "Trace context"
 */
export function formatTraceParent(
  context: Pick<SpanContext, "traceId" | "spanId" | "traceFlags">,
): string {
  const text = traceParentOf(context);
  if (text !== undefined) return text;
  if (!isValidTraceId(context.traceId)) {
    throw new EnvelopeError(
      "invalid_id",
      "trace id must be 32 lowercase hex characters, not all zero",
      { path: "traceId" },
    );
  }
  if (!isValidSpanId(context.spanId)) {
    throw new EnvelopeError(
      "invalid_id",
      "span id must be 16 lowercase hex characters, not all zero",
      { path: "spanId" },
    );
  }
  throw new EnvelopeError("invalid_argument", "trace flags must be an integer 0..255", {
    path: "traceFlags",
  });
}
