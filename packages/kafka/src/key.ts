/**
 * The key policy: which Kafka message key an envelope gets, and so which
 * partition (messages with the same key go to the same partition, in order).
 * @see docs/spec.md, section "Kafka"
 */
import type { ExportMeta } from "@envelope/export";

/**
 * - `traceId` (the default): the trace id (32 hex digits), so every envelope of
 *   a trace lands on one partition in order; an envelope without a trace
 *   context falls back to its event id (spread evenly).
 * - `service`: the resource's `service.name`, so one service's envelopes stay
 *   in order (a busy service makes a busy partition).
 * - `eventId`: the event id, an even spread with no ordering between envelopes.
 * - `none`: no key; the client spreads messages itself.
 * - a function of the envelope's meta returning the key, or `undefined` for none.
 */
export type KeyPolicy =
  | "traceId"
  | "service"
  | "eventId"
  | "none"
  | ((meta: ExportMeta) => string | undefined);

/** The default {@link KeyPolicy}. */
export const DEFAULT_KEY_POLICY: KeyPolicy = "traceId";

/** The key an envelope gets under `policy`, or `undefined` for none. */
export function messageKey(
  meta: ExportMeta,
  policy: KeyPolicy = DEFAULT_KEY_POLICY,
): string | undefined {
  switch (policy) {
    case "traceId":
      return meta.traceId ?? meta.eventId;
    case "service":
      return meta.service;
    case "eventId":
      return meta.eventId;
    case "none":
      return undefined;
    default:
      return policy(meta);
  }
}
