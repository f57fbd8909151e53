// The contract between the exporter and a transport (HTTP, Kafka, OTLP).
// The exporter encodes on the caller's thread and hands transports framed
// bytes plus the routing facts read from the header, so no transport has to
// decode to route. A transport that needs the envelope itself (the OTLP bridge)
// decodes the frame at send time, off the producer's hot path.
import type { CodecName, CompressionName } from "@envelope/core";

/** Routing facts about one envelope, read from its header when it was exported. */
export interface ExportMeta {
  /** The event id, 32 lowercase hex digits: consumers deduplicate on it (delivery is at-least-once). */
  readonly eventId: string;
  /** Schema reference: event type, subtype and semantic version. */
  readonly type: string;
  readonly subtype: string;
  readonly version: string;
  /** How `bytes` was written. */
  readonly codec: CodecName;
  readonly compression: CompressionName;
  /** The resource's `service.name`, when set. */
  readonly service?: string;
  /** The trace id, 32 lowercase hex digits, when the envelope carries a trace context. */
  readonly traceId?: string;
  /** W3C `traceparent` / `tracestate` values for the envelope's trace context, when it has one. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** One encoded envelope waiting to be sent. */
export interface ExportItem {
  /** One complete frame, exactly as `encode` wrote it. */
  readonly bytes: Uint8Array;
  readonly meta: ExportMeta;
}

/**
 * What a transport reports for a batch it could send at least in part.
 * Indices refer to the batch passed to `send`. Items in neither list were delivered.
 */
export interface SendResult {
  /** Items the receiver did not take but may take later: the exporter sends them again. */
  readonly retry?: readonly number[];
  /** Items refused for good (e.g. a receiver rejected the frame): dropped and counted, never retried. */
  readonly rejected?: readonly number[];
}

/** A way to deliver batches of envelopes. */
export interface Transport {
  /** Short name for counters and logs: `http`, `kafka`, `otlp`. */
  readonly name: string;
  /**
   * Delivers a batch. Resolves with what was not delivered; throws `ExportError`
   * when nothing was (its `retryable` says whether the whole batch may be sent again).
   * Must stop and throw when `signal` aborts (the per-attempt deadline or shutdown).
   */
  send(batch: readonly ExportItem[], signal: AbortSignal): Promise<SendResult>;
  /** Releases connections. Called once by the exporter's `shutdown`. */
  close?(): Promise<void>;
}

/** Why a send failed. `retryable` failures are retried with backoff; others drop the batch (counted). */
export class ExportError extends Error {
  readonly retryable: boolean;
  /** A delay the receiver asked for (HTTP `Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined;
  constructor(
    message: string,
    options: { retryable: boolean; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "ExportError";
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
  }
}
