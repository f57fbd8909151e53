/**
 * Decode limits. Every decoder checks them before it allocates, so hostile
 * input fails fast with `too_large` or `limit_exceeded` instead of growing memory.
 * Every allocation and loop driven by the input is charged to one
 * {@link DecodeBudget} per decode: entries, depth, key length, string and bytes length.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#limits | docs/spec.md}, section "Limits"
 */
import { EnvelopeError } from "./errors.js";

export interface Limits {
  /** Largest whole frame (prefix, header section, body section, checksum), in bytes. */
  readonly maxFrameSize: number;
  /** Largest body after decompression, in bytes. */
  readonly maxDecompressedSize: number;
  /** Deepest nesting of arrays and maps inside one attribute value (a scalar value has depth 0). */
  readonly maxDepth: number;
  /**
   * Most entries in one envelope. Everything the decoder keeps or walks one by
   * one counts: attribute key/value pairs and array elements (nested ones
   * included), extensions, unknown fields, the items of unknown values, CBOR
   * string chunks. Known and unknown data are bounded alike.
   */
  readonly maxAttributes: number;
  /**
   * Longest attribute key or extension namespace, in UTF-8 bytes. Keys are
   * hashed for duplicate detection; bounding them keeps that linear (V8 gives
   * every string of 16,384 or more characters the same hash) and keeps keys
   * what they are for: names, not payloads.
   */
  readonly maxKeyLength: number;
  /** Longest string, in UTF-8 bytes. */
  readonly maxStringLength: number;
  /** Longest bytes value. */
  readonly maxBytesLength: number;
}

const MiB = 1024 * 1024;

/** The defaults: safe for untrusted input, large enough for any sane event. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxFrameSize: 64 * MiB,
  maxDecompressedSize: 64 * MiB,
  maxDepth: 32,
  maxAttributes: 100_000,
  maxKeyLength: 1024,
  maxStringLength: 16 * MiB,
  maxBytesLength: 16 * MiB,
});

/**
 * The deepest `maxDepth` a caller may configure. Decoders and writers recurse
 * once per level; past this, a raised limit would trade `limit_exceeded` for
 * the engine's own stack overflow.
 */
export const MAX_DEPTH_CEILING = 256;

/**
 * Merges partial limits over the defaults; a limit given as `undefined` keeps
 * its default, and keys that are not limits are left out. Throws
 * `invalid_argument` for a limit that is not a non-negative safe integer, or
 * a `maxDepth` over {@link MAX_DEPTH_CEILING}.
 */
export function resolveLimits(partial?: Partial<Limits>): Limits {
  if (partial === undefined) return DEFAULT_LIMITS;
  const merged: { -readonly [K in keyof Limits]: Limits[K] } = { ...DEFAULT_LIMITS };
  for (const name of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const value: unknown = partial[name];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
      throw new EnvelopeError(
        "invalid_argument",
        `limits.${name} must be a non-negative safe integer, got ${typeof value === "number" ? value : typeof value}`,
      );
    }
    merged[name] = value;
  }
  if (merged.maxDepth > MAX_DEPTH_CEILING) {
    throw new EnvelopeError(
      "invalid_argument",
      `limits.maxDepth must be at most ${MAX_DEPTH_CEILING}, got ${merged.maxDepth}`,
    );
  }
  return Object.freeze(merged);
}

/**
 * Per-decode state: the limits and running counters. One is created per
 * decode call, so decoders are re-entrant (no module-level state).
 */
export class DecodeBudget {
  /** Entries counted so far (see {@link DecodeBudget.countEntry}). */
  entries = 0;
  constructor(readonly limits: Limits) {}

  /**
   * Counts one entry (an attribute, array element, extension, unknown field,
   * unknown-value item or CBOR chunk); throws `limit_exceeded` past
   * `maxAttributes`. `where` is the entry's byte offset or field path, for the
   * message (a primitive, so counting allocates nothing).
   */
  countEntry(where: number | string): void {
    if (++this.entries > this.limits.maxAttributes) {
      throw new EnvelopeError(
        "limit_exceeded",
        `more than ${this.limits.maxAttributes} entries (attributes, array elements, extensions, unknown fields)`,
        typeof where === "number" ? { offset: where } : { path: where },
      );
    }
  }

  /**
   * Checks a key's length in UTF-8 bytes (or an upper bound of it) against
   * `maxKeyLength`; throws `limit_exceeded` past it.
   */
  checkKeyLength(bytes: number, where: number | string): void {
    if (bytes > this.limits.maxKeyLength) {
      throw new EnvelopeError(
        "limit_exceeded",
        `a key of ${bytes} bytes is longer than maxKeyLength (${this.limits.maxKeyLength})`,
        typeof where === "number" ? { offset: where } : { path: where },
      );
    }
  }
}
