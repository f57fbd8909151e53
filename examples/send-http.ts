import { createExporter, httpTransport } from "@envelope/export";
import type { Envelope } from "@envelope/sdk";

/** Sends envelopes to an Envelope HTTP receiver, e.g. `http://receiver:8080/v1/envelopes`. */
export async function sendToHttp(url: string, envelopes: readonly Envelope[]) {
  const exporter = createExporter({ transport: httpTransport({ url }) }); // once, at start-up
  for (const envelope of envelopes) exporter.export(envelope); // encodes now, sends later in batches
  const { stats } = await exporter.shutdown({ timeoutMs: 5_000 }); // at exit
  return stats;
}
