/**
 * What was not used, counted the same way by the aggregation and the export:
 * decoded envelopes refused (by event, version and reason) and undecodable
 * input (by error code).
 */
import type { Envelope, EnvelopeError } from "@envelope/core";
import { eventId } from "@envelope/registry";
import type { RefusalReason } from "./normalise.js";

/** Envelopes decoded but not used, for one event, version and reason. */
export interface SkippedCount {
  /** `type/subtype`. */
  readonly event: string;
  /** The version the producer wrote. */
  readonly version: string;
  readonly reason: RefusalReason;
  readonly count: number;
  /** The message of the first one. */
  readonly example: string;
}

/** Undecodable input, by error code. */
export interface UnreadableCount {
  readonly code: string;
  /** Bad runs. */
  readonly runs: number;
  /** Bytes skipped. */
  readonly bytes: number;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Counts refusals and bad runs. */
export class Leftovers {
  private readonly skipped = new Map<
    string,
    { -readonly [K in keyof SkippedCount]: SkippedCount[K] }
  >();
  private readonly bad = new Map<string, { code: string; runs: number; bytes: number }>();
  runs = 0;

  refuse(envelope: Envelope, reason: RefusalReason, message: string): void {
    const s = envelope.header.schema;
    const event = eventId(s);
    const id = `${event}\u0000${s.version}\u0000${reason}`;
    const entry = this.skipped.get(id);
    if (entry === undefined) {
      this.skipped.set(id, { event, version: s.version, reason, count: 1, example: message });
    } else entry.count++;
  }

  unreadable(error: EnvelopeError, length: number): void {
    this.runs++;
    const entry = this.bad.get(error.code);
    if (entry === undefined) this.bad.set(error.code, { code: error.code, runs: 1, bytes: length });
    else {
      entry.runs++;
      entry.bytes += length;
    }
  }

  skippedCounts(): SkippedCount[] {
    return [...this.skipped.values()]
      .map((s) => ({ ...s }))
      .sort(
        (a, b) => cmp(a.event, b.event) || cmp(a.version, b.version) || cmp(a.reason, b.reason),
      );
  }

  unreadableCounts(): UnreadableCount[] {
    return [...this.bad.values()].map((u) => ({ ...u })).sort((a, b) => cmp(a.code, b.code));
  }
}
