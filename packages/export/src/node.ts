// IMPORTANT: exports added here are public API of @envelope/export/node.
// The node:http receiver lives in its own entry point so that browser bundles
// of @envelope/export never pull node:http.
import type { IncomingMessage, ServerResponse } from "node:http";
import { type ReceiverOptions, receive, resolveReceiverOptions } from "./http-receiver.js";

export type { ReceiverOptions } from "./http-receiver.js";

/**
 * A `node:http` request listener that receives POSTed streams of frames
 * (`application/vnd.envelope.frames`), hands the envelopes to
 * `options.onEnvelopes`, and answers with a status and a JSON report
 * (docs/spec.md, "HTTP transport"). It never throws and leaves no rejection
 * unhandled; a client that goes away mid-body is simply dropped.
 *
 * ```ts
 * import { createServer } from "node:http";
 * import { createNodeReceiver } from "@envelope/export/node";
 * createServer(createNodeReceiver({ onEnvelopes: (items) => store(items) })).listen(4318);
 * ```
 *
 * @throws EnvelopeError `invalid_argument` for unusable options.
 */
export function createNodeReceiver(
  options: ReceiverOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  const resolved = resolveReceiverOptions(options);
  return (request, response) => {
    let gone = false;
    request.on("error", () => {
      gone = true;
    });
    receive(
      {
        method: request.method ?? "",
        contentType: request.headers["content-type"],
        contentEncoding: request.headers["content-encoding"],
        contentLength: request.headers["content-length"],
        body: request,
      },
      resolved,
    ).then(
      (answer) => {
        if (gone || response.destroyed) return;
        response.writeHead(answer.status, answer.headers);
        response.end(answer.body);
      },
      () => {
        // receive never rejects; this only keeps the promise handled.
        if (!response.destroyed) response.destroy();
      },
    );
  };
}
