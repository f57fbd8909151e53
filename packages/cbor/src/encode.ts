/**
 * Runs an encode on a codec's writer: starts the output in its slab, turns
 * any unexpected failure on a malformed model into an `EnvelopeError`, and
 * returns the output (a view of the slab that is never written again).
 */
import { EnvelopeError, isEnvelopeError } from "@envelope/core";
import { EnvelopeWriter } from "./to-cbor.js";

/** Encodes with `owner`'s writer, or a fresh one when that writer is busy (a re-entrant call). */
export function runEncode(
  owner: EnvelopeWriter,
  write: (writer: EnvelopeWriter) => void,
): Uint8Array {
  const ew = owner.w.busy ? new EnvelopeWriter(owner.deterministic) : owner;
  const w = ew.w;
  w.busy = true;
  w.begin();
  try {
    write(ew);
    return w.result();
  } catch (cause) {
    w.abort();
    if (isEnvelopeError(cause)) throw cause;
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new EnvelopeError(
      "invalid_value",
      `cannot encode the envelope: ${detail}`,
      {},
      { cause },
    );
  } finally {
    w.busy = false;
  }
}
