/**
 * The routing facts of an exported envelope ({@link ExportMeta}), read from its
 * header on the caller's thread, once, so transports never decode to route.
 *
 * This runs on the producer's hot path for every envelope, so the trace
 * strings are built here directly rather than through a span context; the
 * results are those of `@envelope/trace` (`formatTraceParent` and
 * `formatTraceState` of `contextFromEnvelope`), which a test checks.
 *
 * @see docs/spec.md, section "HTTP transport"
 */
import {
  bytesToHex,
  type CodecName,
  type CompressionName,
  type Envelope,
  isAllZero,
} from "@envelope/core";
import { formatTraceState, parseTraceState } from "@envelope/trace";
import type { ExportMeta } from "./transport.js";

/** Offset of the compression byte in the frame prefix (docs/spec.md, "Frame"). */
const COMPRESSION_OFFSET = 6;
const FLAG_SUFFIX = ["-00", "-01", "-02", "-03"] as const;

type MutableMeta = { -readonly [K in keyof ExportMeta]: ExportMeta[K] };

/** Reads {@link ExportMeta}; keeps the last tracestate it formatted (one request's envelopes share one). */
export type MetaReader = (envelope: Envelope, bytes: Uint8Array, codec: CodecName) => ExportMeta;

function idHex(bytes: unknown, length: number): string | undefined {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length || isAllZero(bytes)) {
    return undefined;
  }
  return bytesToHex(bytes);
}

/** @internal A reader with its own one-entry tracestate cache (one per exporter). */
export function createMetaReader(): MetaReader {
  let lastState: string | undefined;
  let lastFormatted = "";
  return (envelope, bytes, codec) => {
    const { header } = envelope;
    const compression: CompressionName = bytes[COMPRESSION_OFFSET] === 1 ? "lz4" : "none";
    const meta: MutableMeta = {
      eventId: bytesToHex(header.eventId),
      type: header.schema.type,
      subtype: header.schema.subtype,
      version: header.schema.version,
      codec,
      compression,
    };
    const service = header.resource.serviceName;
    if (service !== "") meta.service = service;
    const trace = header.trace;
    if (trace === undefined || trace === null) return meta;
    const traceId = idHex(trace.traceId, 16);
    const spanId = idHex(trace.spanId, 8);
    if (traceId === undefined || spanId === undefined) return meta;
    // As @envelope/trace propagates it: only the sampled and random flags.
    const flags = Number.isInteger(trace.traceFlags) ? trace.traceFlags & 0x03 : 0;
    meta.traceId = traceId;
    meta.traceparent = `00-${traceId}-${spanId}${FLAG_SUFFIX[flags]}`;
    const state = trace.traceState;
    if (typeof state === "string" && state !== "") {
      if (state !== lastState) {
        // A list with a member that breaks the grammar is dropped whole, as from a header.
        const parsed = parseTraceState(state);
        lastFormatted = parsed === undefined ? "" : formatTraceState(parsed);
        lastState = state;
      }
      if (lastFormatted !== "") meta.tracestate = lastFormatted;
    }
    return meta;
  };
}

/**
 * The {@link ExportMeta} of `envelope`, encoded as the frame `bytes` with `codec`.
 * `compression` is read from the frame, not from the options: with LZ4, small
 * bodies and bodies LZ4 does not shrink are stored uncompressed. The trace
 * context is propagated as `@envelope/trace` propagates it from the envelope
 * (only the sampled and random flags; a tracestate with an invalid member is
 * dropped whole; none when the ids are invalid).
 */
export function exportMeta(envelope: Envelope, bytes: Uint8Array, codec: CodecName): ExportMeta {
  return createMetaReader()(envelope, bytes, codec);
}
