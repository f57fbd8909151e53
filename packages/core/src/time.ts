/**
 * Time in the envelope: `timeUnixNano` is a `bigint` of nanoseconds since the
 * UNIX epoch (docs/spec.md, "Fields"), as in OpenTelemetry.
 */
import { EnvelopeError } from "./errors.js";

const NANOS_PER_MILLI = 1_000_000n;
const origin = { wall: 0n, mono: 0 };

/**
 * The current time in nanoseconds since the UNIX epoch: the wall clock at
 * first use plus the monotonic clock since, so consecutive events are ordered
 * with sub-millisecond resolution.
 */
export function nowUnixNano(): bigint {
  // Stryker disable next-line ConditionalExpression: reading the wall clock on every call differs only when the wall clock jumps, which no test can cause
  if (origin.wall === 0n) {
    origin.mono = performance.now();
    origin.wall = BigInt(Date.now()) * NANOS_PER_MILLI;
  }
  return origin.wall + BigInt(Math.round((performance.now() - origin.mono) * 1e6));
}

/**
 * A `Date` as nanoseconds since the UNIX epoch (its milliseconds times
 * 1,000,000). Throws `invalid_argument` for an invalid `Date`.
 *
 * ```ts
 * createEnvelope({ ...init, timeUnixNano: dateToUnixNano(new Date("2026-12-05T08:00:00Z")) });
 * ```
 */
export function dateToUnixNano(date: Date): bigint {
  const ms = date instanceof Date ? date.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new EnvelopeError("invalid_argument", "dateToUnixNano needs a valid Date");
  }
  return BigInt(ms) * NANOS_PER_MILLI;
}

/**
 * Nanoseconds since the UNIX epoch as a `Date`, rounded down to the
 * millisecond (a `Date` holds no finer time). Throws `invalid_argument` for
 * a value that is not a bigint or is past what a `Date` can hold.
 */
export function unixNanoToDate(unixNano: bigint): Date {
  if (typeof unixNano !== "bigint") {
    throw new EnvelopeError(
      "invalid_argument",
      `unixNanoToDate needs a bigint of nanoseconds, got a ${typeof unixNano}`,
    );
  }
  const ms = unixNano / NANOS_PER_MILLI - (unixNano % NANOS_PER_MILLI < 0n ? 1n : 0n);
  const date = new Date(Number(ms));
  if (Number.isNaN(date.getTime())) {
    throw new EnvelopeError("invalid_argument", `${unixNano} ns is outside the range of a Date`);
  }
  return date;
}
