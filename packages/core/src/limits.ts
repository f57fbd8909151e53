/**
 * Decode limits. Every decoder checks them before it allocates, so hostile
 * input fails fast with `too_large` or `limit_exceeded` instead of growing memory.
 *
 * @see docs/spec.md, section "Limits"
 */
import { EnvelopeError } from "./errors.js";

export interface Limits {
  /** Largest whole frame (prefix, header section, body section, checksum), in bytes. */
  readonly maxFrameSize: number;
  /** Largest body after decompression, in bytes. */
  readonly maxDecompressedSize: number;
  /** Deepest nesting of arrays and maps inside one attribute value (a scalar value has depth 0). */
  readonly maxDepth: number;
  /** Most attribute entries in one envelope: every key/value pair and array element, nested ones included. */
  readonly maxAttributes: number;
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
  maxStringLength: 16 * MiB,
  maxBytesLength: 16 * MiB,
});

/** Merges partial limits over the defaults. */
export function resolveLimits(partial?: Partial<Limits>): Limits {
  if (partial === undefined) return DEFAULT_LIMITS;
  return Object.freeze({ ...DEFAULT_LIMITS, ...partial });
}

/**
 * Per-decode state: the limits and running counters. One is created per
 * decode call, so decoders are re-entrant (no module-level state).
 */
export class DecodeBudget {
  attributes = 0;
  constructor(readonly limits: Limits) {}

  /**
   * Counts one attribute entry; throws `limit_exceeded` past `maxAttributes`.
   * `where` is the entry's byte offset or field path, for the message (a
   * primitive, so counting allocates nothing).
   */
  countAttribute(where: number | string): void {
    if (++this.attributes > this.limits.maxAttributes) {
      throw new EnvelopeError(
        "limit_exceeded",
        `more than ${this.limits.maxAttributes} attribute entries`,
        typeof where === "number" ? { offset: where } : { path: where },
      );
    }
  }
}
