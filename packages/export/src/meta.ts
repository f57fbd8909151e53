/**
 * The routing facts of an exported envelope ({@link ExportMeta}), read from its
 * header on the caller's thread, once, so transports never decode to route.
 *
 * @see docs/spec.md, section "HTTP transport"
 */
import { bytesToHex, type CodecName, type CompressionName, type Envelope } from "@envelope/core";
import { contextFromTraceContext, formatTraceParent, formatTraceState } from "@envelope/trace";
import type { ExportMeta } from "./transport.js";

/** Offset of the compression byte in the frame prefix (docs/spec.md, "Frame"). */
const COMPRESSION_OFFSET = 6;

/**
 * The {@link ExportMeta} of `envelope`, encoded as the frame `bytes` with `codec`.
 * `compression` is read from the frame, not from the options: with LZ4, small
 * bodies and bodies LZ4 does not shrink are stored uncompressed.
 * The trace context is propagated as `@envelope/trace` would propagate it from
 * the envelope (only the sampled and random flags, only valid tracestate members).
 */
export function exportMeta(envelope: Envelope, bytes: Uint8Array, codec: CodecName): ExportMeta {
  const { header } = envelope;
  const compression: CompressionName = bytes[COMPRESSION_OFFSET] === 1 ? "lz4" : "none";
  const meta: {
    -readonly [K in keyof ExportMeta]: ExportMeta[K];
  } = {
    eventId: bytesToHex(header.eventId),
    type: header.schema.type,
    subtype: header.schema.subtype,
    version: header.schema.version,
    codec,
    compression,
  };
  const service = header.resource.serviceName;
  if (service !== "") meta.service = service;
  const context = contextFromTraceContext(header.trace);
  if (context !== undefined) {
    meta.traceId = context.traceId;
    meta.traceparent = formatTraceParent(context);
    if (context.traceState !== undefined && context.traceState.length > 0) {
      const state = formatTraceState(context.traceState);
      if (state !== "") meta.tracestate = state;
    }
  }
  return meta;
}
