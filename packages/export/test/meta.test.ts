/**
 * ExportMeta: the routing facts a transport gets with each frame, read from
 * the header when the envelope was exported.
 */
import { createExporter, type ExportItem, exportMeta, type Transport } from "@envelope/export";
import { createEnvelope, encode, hexToBytes, TraceFlags } from "@envelope/sdk";
import { contextFromEnvelope, formatTraceParent, formatTraceState } from "@envelope/trace";
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

test.each([
  ["no tracestate", undefined, 0],
  ["flags 0", "a=1", 0],
  ["every flag bit", "a=1,b=2", 0xff],
  ["a bad member drops the list", "a=1,B=2", 1],
  ["spaces and empty members", " a=1 ,, b=2 ", 2],
  ["a duplicate key keeps the first", "a=1,a=2", 3],
  ["over 32 members drops the list", Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(","), 1],
  [
    "over 512 characters is truncated",
    Array.from({ length: 5 }, (_, i) => `k${i}=${"v".repeat(120)}`).join(","),
    1,
  ],
])("trace strings equal @envelope/trace's for the envelope's context: %s", (_name, traceState, traceFlags) => {
  const envelope = testEnvelope(1);
  envelope.header.trace = {
    traceId: hexToBytes("4bf92f3577b34da6a3ce929d0e0e4736"),
    spanId: hexToBytes("00f067aa0ba902b7"),
    traceFlags,
    ...(traceState === undefined ? {} : { traceState }),
  };
  const context = contextFromEnvelope(envelope)!;
  const state = context.traceState === undefined ? "" : formatTraceState(context.traceState);
  const meta = exportMeta(envelope, encode(envelope), "protobuf");
  expect(meta.traceparent).toBe(formatTraceParent(context));
  expect(meta.tracestate).toBe(state === "" ? undefined : state);
});

test("an exporter's tracestate cache follows the envelope's tracestate", async () => {
  const transport = keeper();
  const exporter = createExporter({ transport });
  for (const traceState of ["a=1", "a=1", "b=2", "B=2", "a=1"]) {
    const envelope = testEnvelope(1);
    envelope.header.trace = {
      traceId: hexToBytes("4bf92f3577b34da6a3ce929d0e0e4736"),
      spanId: hexToBytes("00f067aa0ba902b7"),
      traceFlags: 1,
      traceState,
    };
    exporter.export(envelope);
  }
  await exporter.shutdown();
  expect(transport.items.map((i) => i.meta.tracestate)).toEqual([
    "a=1",
    "a=1",
    "b=2",
    undefined,
    "a=1",
  ]);
});
