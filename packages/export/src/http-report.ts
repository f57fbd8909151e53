/**
 * The HTTP transport's wire contract, shared by the sender and the receivers:
 * the media type, the report a receiver answers with, and which statuses are
 * worth retrying.
 *
 * @see docs/spec.md, section "HTTP transport"
 */
import type { ErrorCode } from "@envelope/core";

/** The media type of a request body that is a stream of frames, back to back. */
export const FRAMES_MEDIA_TYPE = "application/vnd.envelope.frames";

/** A bad run of bytes the receiver did not take (one damaged frame, or several). */
export interface RejectedFrame {
  /**
   * Where the run comes in the body, counting each frame taken and each
   * earlier bad run as one: the batch index of the damaged frame when one
   * frame is damaged. A run over several frames carries the index of its first.
   */
  readonly index: number;
  /** Byte offset of the run in the request body. */
  readonly offset: number;
  /** Bytes in the run. */
  readonly length: number;
  /** The `EnvelopeError` code at the start of the run (docs/spec.md, "Errors"). */
  readonly code: ErrorCode;
  readonly message: string;
}

/** The JSON body of a receiver's 200 and 400 answers. */
export interface ReceiverReport {
  /** Envelopes taken (handed to the receiver's handler). */
  readonly accepted: number;
  /** Bad runs, in body order; empty when every frame was taken. */
  readonly rejected: readonly RejectedFrame[];
}

/**
 * Statuses after which the same batch may be sent again: 408 Request Timeout,
 * 429 Too Many Requests, 502 Bad Gateway, 503 Service Unavailable, 504 Gateway
 * Timeout: what HTTP (RFC 9110) says may succeed when sent again unchanged.
 * Every other failure status is final. (`@envelope/otlp` keeps OTLP/HTTP's own
 * list, 429, 502, 503, 504.) How long to wait: `parseRetryAfter`.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status === 502 || status === 503 || status === 504;
}
