// Export items as the exporter hands them to a transport: a frame plus its meta.
import { bytesToHex, type CodecName, type CompressionName } from "@envelope/core";
import type { ExportItem } from "@envelope/export";
import { createEncoder, type Envelope } from "@envelope/sdk";

export function itemOf(
  envelope: Envelope,
  codec: CodecName = "protobuf",
  compression: CompressionName = "none",
): ExportItem {
  const bytes = createEncoder({ codec, compression, compressMinSize: 0 }).encode(envelope);
  const { header } = envelope;
  return {
    bytes,
    meta: {
      eventId: bytesToHex(header.eventId),
      type: header.schema.type,
      subtype: header.schema.subtype,
      version: header.schema.version,
      codec,
      compression,
      service: header.resource.serviceName,
      ...(header.trace === undefined ? {} : { traceId: bytesToHex(header.trace.traceId) }),
    },
  };
}
