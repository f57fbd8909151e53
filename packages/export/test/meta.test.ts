/**
 * ExportMeta: the routing facts a transport gets with each frame, read from
 * the header when the envelope was exported.
 */
import { createExporter, type ExportItem, exportMeta, type Transport } from "@envelope/export";
import { createEnvelope, encode, hexToBytes, TraceFlags } from "@envelope/sdk";
import { expect, test } from "vitest";
import { eventId, testEnvelope } from "./support.js";

/** A transport that keeps what it is given (the contract's simplest implementation). */
function keeper(): Transport & { items: ExportItem[] } {
  const items: ExportItem[] = [];
  return {
    name: "memory",
    items,
    async send(batch) {
      items.push(...batch);
      return {};
    },
  };
}

test("meta of a traced envelope: ids in hex, traceparent and tracestate as @envelope/trace writes them", async () => {
  const transport = keeper();
  const exporter = createExporter({ transport, codec: "cbor" });
  const envelope = createEnvelope({
    schema: { type: "request", subtype: "payment_request", version: "2.0.1" },
    resource: { serviceName: "payments" },
    eventId: eventId(7),
    trace: {
      traceId: hexToBytes("4bf92f3577b34da6a3ce929d0e0e4736"),
      spanId: hexToBytes("00f067aa0ba902b7"),
      // Unknown flag bits are not propagated; bit 1 (random) is.
      traceFlags: TraceFlags.SAMPLED | TraceFlags.RANDOM | 0x80,
      traceState: "congo=t61rcWkgMzE,  rojo=00f067aa0ba902b7",
    },
  });
  exporter.export(envelope);
  await exporter.shutdown();
  expect(transport.items).toHaveLength(1);
  const [item] = transport.items;
  expect(item!.bytes).toEqual(encode(envelope, { codec: "cbor" }));
  expect(item!.meta).toEqual({
    eventId: "e0000000000000000000000000000007",
    type: "request",
    subtype: "payment_request",
    version: "2.0.1",
    codec: "cbor",
    compression: "none",
    service: "payments",
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03",
    tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
  });
  // A tracestate with a member that breaks the grammar is dropped whole, as from a header.
  envelope.header.trace!.traceState = "congo=t61rcWkgMzE,bad key=1";
  const meta = exportMeta(envelope, encode(envelope), "protobuf");
  expect(meta.tracestate).toBeUndefined();
  expect(meta.traceparent).toBe("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03");
});

test("meta says how the frame was written: lz4 only when the body was compressed", () => {
  const small = testEnvelope(1);
  const large = createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth" },
    attributes: { blob: "x".repeat(4096) },
  });
  const options = { compression: "lz4" } as const;
  expect(exportMeta(small, encode(small, options), "protobuf")).toEqual({
    eventId: "e0000000000000000000000000000001",
    type: "request",
    subtype: "auth_request",
    version: "1.2.0",
    codec: "protobuf",
    compression: "none",
    service: "auth",
  });
  expect(exportMeta(large, encode(large, options), "protobuf").compression).toBe("lz4");
});
