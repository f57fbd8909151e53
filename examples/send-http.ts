import { createExporter, httpTransport } from "@envelope/export";
import { createEnvelope } from "@envelope/sdk";

/** Sends one login event per user to an Envelope HTTP receiver; returns the exporter's counters. */
export async function sendLogins(url: string, users: string[]) {
  // Once, at start-up: the exporter owns a bounded queue and a background sender.
  const exporter = createExporter({ transport: httpTransport({ url }), compression: "lz4" });
  for (const user of users) {
    const envelope = createEnvelope({
      schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
      resource: { serviceName: "auth" },
      attributes: { user, attempts: 1n },
    });
    exporter.export(envelope); // encodes now, on this thread; sends later, in batches
  }
  // At exit: send what is queued; anything still unsent after 5 s is dropped and counted.
  const { stats } = await exporter.shutdown({ timeoutMs: 5_000 });
  return stats;
}
