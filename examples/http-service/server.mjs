// A node:http service that fans a request out to other services and keeps the
// trace: it extracts the caller's W3C trace context, starts a server span (a
// child of the caller's), and for each call a client span (a child of the
// server span) whose traceparent/tracestate the call carries, so every
// downstream call has its own parent id. It writes one envelope per span as
// NDJSON: one per call as it ends, then one for the request.
//
//   pnpm build
//   pnpm example:http-service --port 8080 [--out FILE] [--service-name NAME]
//        [--mask KEY] [--mask-prefix PREFIX] [--drop KEY] [--drop-prefix PREFIX]
//        [--timeout-ms MS]
//
// Envelopes: schema request/http_call 1.0.0 for a call (header.trace is its
// client span, parentSpanId the server span; header.status OK for a 2xx
// answer, ERROR otherwise), request/http_fanout 1.0.0 for the request.
//
// Request: POST with a JSON array of { "url": "http://...", "arguments": <any JSON> }.
// Each element, in order, becomes a POST of `arguments` as JSON to `url`. The
// answer is 200 when every call answered 2xx; otherwise 502 at the first
// failed call (later calls are not made); 400 for a bad body, 405 for a
// method other than POST, 413 for a body over 1 MiB.
//
// It listens on 127.0.0.1 only and prints `listening on 127.0.0.1:PORT` as the
// first line on stderr (use --port 0 for a free port). Envelopes go to stdout,
// or appended to --out FILE. The tracestate sent to the called services is
// redacted per --mask/--drop (they are across a trust boundary); the
// envelope keeps the full tracestate (it stays in our own telemetry).
// It imports the built packages: run `pnpm build` first.
import { createWriteStream } from "node:fs";
import http from "node:http";
import https from "node:https";
import { parseArgs } from "node:util";
import { createEnvelope, StatusCode, toJson } from "@envelope/sdk";
import {
  extractWithReason,
  inject,
  startSpan,
  traceContextFromSpan,
  validateRedactionPolicy,
} from "@envelope/trace";

const MAX_BODY = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    out: { type: "string" },
    "service-name": { type: "string", default: "http-service" },
    mask: { type: "string", multiple: true, default: [] },
    "mask-prefix": { type: "string", multiple: true, default: [] },
    drop: { type: "string", multiple: true, default: [] },
    "drop-prefix": { type: "string", multiple: true, default: [] },
    "timeout-ms": { type: "string", default: "10000" },
  },
  strict: true,
});

const port = Number(args.port);
const timeoutMs = Number(args["timeout-ms"]);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`bad --port ${args.port}`);
if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) fail(`bad --timeout-ms ${args["timeout-ms"]}`);

const redact = {
  mask: [...args.mask, ...args["mask-prefix"].map((prefix) => ({ prefix }))],
  drop: [...args.drop, ...args["drop-prefix"].map((prefix) => ({ prefix }))],
};
try {
  validateRedactionPolicy(redact); // fail at start-up, not on the first request
} catch (error) {
  fail(`bad redaction option: ${error.message}`);
}

const out = args.out === undefined ? process.stdout : createWriteStream(args.out, { flags: "a" });

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** Reads the request body, up to MAX_BODY bytes; `undefined` when it is larger. */
async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The calls in a request body, or a message saying what is wrong with it. */
function parseCalls(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return "body is not JSON";
  }
  if (!Array.isArray(value)) return "body is not a JSON array";
  const calls = [];
  for (const [index, element] of value.entries()) {
    if (typeof element !== "object" || element === null || typeof element.url !== "string") {
      return `element ${index} has no "url" string`;
    }
    let url;
    try {
      url = new URL(element.url);
    } catch {
      return `element ${index}: "url" is not a URL`;
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      return `element ${index}: "url" is not http or https`;
    }
    calls.push({ url, body: JSON.stringify(element.arguments ?? null) });
  }
  return calls;
}

/** POSTs one call with its client span's trace headers; resolves to the status code, or rejects. */
function post(call, span) {
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(call.body)),
  };
  inject(span, headers, { redact });
  const client = call.url.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(
      call.url,
      { method: "POST", headers, timeout: timeoutMs },
      (res) => {
        res.resume(); // the answer's body is not used
        res.on("end", () => resolve(res.statusCode ?? 0));
        res.on("error", reject);
      },
    );
    request.on("timeout", () => request.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    request.on("error", reject);
    request.end(call.body);
  });
}

/** Writes one ended span as an NDJSON envelope (the full tracestate: it stays in our telemetry). */
function writeEnvelope({ schema, attributes, span }) {
  const envelope = createEnvelope({
    schema,
    resource: { serviceName: args["service-name"] },
    attributes,
    trace: traceContextFromSpan(span),
    status: span.status,
  });
  out.write(`${JSON.stringify(toJson(envelope))}\n`);
}

async function handle(req) {
  if (req.method !== "POST") return { status: 405, error: `method ${req.method} not allowed` };
  const text = await readBody(req);
  if (text === undefined) return { status: 413, error: `body over ${MAX_BODY} bytes` };
  const calls = parseCalls(text);
  if (typeof calls === "string") return { status: 400, error: calls };
  return { status: 200, calls };
}

const server = http.createServer(async (req, res) => {
  // The caller's context (read from rawHeaders, so a duplicated traceparent is
  // caught); with none, or an invalid one, the span is a new root.
  const incoming = extractWithReason(req);
  const span = startSpan(incoming.context, { name: `${req.method} ${req.url}` });
  const made = [];
  let status;
  let error;
  try {
    const request = await handle(req);
    status = request.status;
    error = request.error;
    for (const call of request.calls ?? []) {
      // One client span per call: the called service's parent is this call, not the request.
      const client = startSpan(span, { name: `POST ${call.url.href}` });
      let callStatus;
      let callError;
      try {
        callStatus = await post(call, client);
        if (callStatus < 200 || callStatus > 299) callError = `answered ${callStatus}`;
      } catch (e) {
        callStatus = 0;
        callError = e.message;
        error = `${call.url.href}: ${e.message}`;
      }
      client.end(
        callError === undefined
          ? { code: StatusCode.OK }
          : { code: StatusCode.ERROR, message: callError },
      );
      writeEnvelope({
        schema: { type: "request", subtype: "http_call", version: "1.0.0" },
        attributes: {
          "http.request.method": "POST",
          "url.full": call.url.href,
          "http.response.status_code": BigInt(callStatus),
        },
        span: client,
      });
      made.push({ url: call.url.href, status: callStatus });
      if (callStatus < 200 || callStatus > 299) {
        status = 502;
        error ??= `${call.url.href} answered ${callStatus}`;
        break;
      }
    }
  } catch (e) {
    status = 500;
    error = e.message;
  }
  span.end(
    error === undefined ? { code: StatusCode.OK } : { code: StatusCode.ERROR, message: error },
  );

  writeEnvelope({
    schema: { type: "request", subtype: "http_fanout", version: "1.0.0" },
    attributes: {
      "http.request.method": req.method ?? "",
      "http.response.status_code": BigInt(status),
      "trace.incoming": incoming.issue ?? "extracted",
      "fanout.urls": made.map((call) => call.url),
      "fanout.status_codes": made.map((call) => BigInt(call.status)),
    },
    span,
  });

  const answer = JSON.stringify(error === undefined ? { calls: made } : { calls: made, error });
  res.writeHead(status, { "content-type": "application/json" });
  res.end(answer);
});

server.listen(port, "127.0.0.1", () => {
  console.error(`listening on 127.0.0.1:${server.address().port}`);
});

function shutdown() {
  server.close(() => {
    if (out === process.stdout) process.exit(0);
    else out.end(() => process.exit(0));
  });
  server.closeAllConnections();
}
process.on("SIGTERM", shutdown);
process.on("SIGINT", shutdown);
