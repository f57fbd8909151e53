import { createServer, type Server } from "node:http";
import { createNodeReceiver } from "@envelope/export/node";
import type { Envelope } from "@envelope/sdk";

/** An HTTP server that takes POSTed envelopes and passes each one to `store`. */
export function startReceiver(port: number, store: (envelope: Envelope) => void): Server {
  const receive = createNodeReceiver({
    maxBodyBytes: 8 << 20, // larger bodies are answered 413
    onEnvelopes: (items) => {
      // Delivery is at-least-once: a retried batch arrives again, so store by event id.
      for (const { envelope } of items) store(envelope);
    },
  });
  return createServer(receive).listen(port);
}
