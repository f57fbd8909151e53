// Run by runtimes.test.ts under Deno and Bun: createFetchReceiver served by the
// runtime's own HTTP server (Deno.serve, Bun.serve) on loopback, and the
// exporter with httpTransport, in the same runtime, sending three envelopes to
// it. Prints one JSON line with the port, then one with what was sent and
// taken; serves until killed (the test sends a batch from Node too, and reads
// GET /received: every envelope taken, in order).
import { bytesToHex, createEnvelope } from "@envelope/sdk";
import { createExporter, createFetchReceiver, httpTransport } from "../dist/index.js";

const received = [];
const receive = createFetchReceiver({
  onEnvelopes: (items) => {
    for (const { envelope, frame } of items) {
      received.push({
        eventId: bytesToHex(envelope.header.eventId),
        user: envelope.body.attributes.get("user"),
        attempts: String(envelope.body.attributes.get("attempts")),
        compression: frame.compression,
      });
    }
  },
});
const handler = (request) =>
  new URL(request.url).pathname === "/received" ? Response.json(received) : receive(request);

let port;
if (globalThis.Deno !== undefined) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  port = server.addr.port;
} else {
  port = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler }).port;
}
console.log(JSON.stringify({ port, runtime: globalThis.Deno ? "deno" : "bun" }));

const exporter = createExporter({
  transport: httpTransport({ url: `http://127.0.0.1:${port}/v1/envelopes` }),
  compression: "lz4",
  compressMinSize: 0,
});
const sent = [];
for (const user of ["alice", "bob", "carol"]) {
  const envelope = createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth" },
    attributes: { user, attempts: 2n },
  });
  sent.push(bytesToHex(envelope.header.eventId));
  exporter.export(envelope);
}
const { stats } = await exporter.shutdown({ timeoutMs: 30_000 });
console.log(JSON.stringify({ sent, stats, received }));
