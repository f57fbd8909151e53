// The TypeScript service of the trace-context flows (test/services/README.md):
// node:http with @envelope/trace for the W3C context and @envelope/sdk for the
// envelopes it emits. It also consumes the message-bus hop: POST /consume takes
// a frame stream whose envelopes carry the producer span's context in header.trace.
// With --kafka it also publishes a route step `via: "kafka"` to a Kafka topic
// (@envelope/kafka's transport: the header convention, traceparent/tracestate
// in message headers), and with --consume-topic it consumes one, continuing
// each message's trace from those headers.
//
//   node test/services/ts/service.mjs --name NAME --sink URL [--redact KEY]... [--priority-sampling]
//        [--ignore-incoming] [--kafka HOST:PORT [--consume-topic TOPIC]]
//
// It listens on 127.0.0.1 (a free port) and prints `listening on 127.0.0.1:PORT`
// on stderr. GET /stats answers the extraction counts as JSON, GET /stats/envelope
// as one envelope. It imports the built packages: run `pnpm build` first.
import http from "node:http";
import { parseArgs } from "node:util";
import { eachEnvelope, kafkaTransport } from "@envelope/kafka";
import { bytesToHex, createEnvelope, decodeStream, encode } from "@envelope/sdk";
import {
  contextFromEnvelope,
  extractWithReason,
  formatTraceState,
  inject,
  startSpan,
  traceContextFromSpan,
} from "@envelope/trace";
import { Kafka, logLevel } from "kafkajs";

const MAX_BODY = 1024 * 1024;
const FRAMES = "application/vnd.envelope.frames";

const { values: args } = parseArgs({
  options: {
    name: { type: "string", default: "ts-service" },
    sink: { type: "string" },
    redact: { type: "string", multiple: true, default: [] },
    "priority-sampling": { type: "boolean", default: false },
    // A broken hop on purpose (the audit must catch it): the incoming context is ignored.
    "ignore-incoming": { type: "boolean", default: false },
    kafka: { type: "string" },
    "consume-topic": { type: "string" },
  },
  strict: true,
});
const redact = { mask: args.redact };
const counts = {};

function count(outcome, sampled, restarted) {
  for (const key of [
    outcome,
    sampled ? "sampled" : "unsampled",
    ...(restarted ? ["restarted"] : []),
  ])
    counts[key] = (counts[key] ?? 0) + 1;
}

/** The members of a tracestate list (empty list members, which W3C allows, do not count). */
function members(list) {
  return list.split(",").filter((member) => member.trim() !== "").length;
}

/**
 * The outcomes every service counts (docs/spec.md, "Trace context", "Across services"):
 * `outcome` is exactly one of valid, missing, malformed, tracestate_dropped and
 * tracestate_truncated; `restarted` is whether this hop starts a new trace although
 * the caller sent trace headers (a `traceparent` or a `tracestate`).
 */
function outcomeOf(req, extracted) {
  const sent = req.rawHeaders.filter(
    (_, i) => i % 2 === 1 && /^trace(parent|state)$/i.test(req.rawHeaders[i - 1]),
  );
  const sentState = req.rawHeaders
    .filter((_, i) => i % 2 === 1 && req.rawHeaders[i - 1].toLowerCase() === "tracestate")
    .join(",");
  const restarted = extracted.context === undefined && sent.length > 0;
  if (extracted.issue === "missing_traceparent") return { outcome: "missing", restarted };
  if (extracted.context === undefined) return { outcome: "malformed", restarted };
  const kept = members(formatTraceState(extracted.context.traceState));
  if (kept === 0 && members(sentState) > 0) return { outcome: "tracestate_dropped", restarted };
  if (kept < members(sentState)) return { outcome: "tracestate_truncated", restarted };
  return { outcome: "valid", restarted };
}

/**
 * The request's span: a child of the extracted context, or a new sampled root.
 * A high-priority request is sampled whatever its parent decided, when this
 * service is configured to override (the child keeps trace id and tracestate).
 */
function serverSpan(remote, priority) {
  if (args["priority-sampling"] && priority === "high" && remote !== undefined) {
    return startSpan({ ...remote, traceFlags: remote.traceFlags | 0x01 }, { name: "server" });
  }
  return startSpan(remote, { name: "server", sampled: true });
}

function hopEnvelope(span, attributes, options = {}) {
  return createEnvelope({
    schema: { type: "trace", subtype: "hop", version: "1.0.0" },
    resource: { serviceName: args.name },
    attributes,
    trace: traceContextFromSpan(span, options),
  });
}

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error(`body over ${MAX_BODY} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function post(url, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: "POST", headers, timeout: 10_000 }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
      res.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timed out")));
    request.on("error", reject);
    request.end(body);
  });
}

/** Calls the next step of the route from `span`: over HTTP with trace headers, or as a message on the bus. */
async function callNext(span, flow, route, priority, incoming, restarted, frames) {
  const [next, ...rest] = route;
  const call = startSpan(span, { name: `POST ${next.url}` });
  const restBody = JSON.stringify({ flow, route: rest, priority });
  const attributes = {
    flow,
    "hop.role": "client",
    "trace.incoming": incoming,
    "trace.restarted": restarted,
    "hop.via": next.via ?? "http",
  };
  let status;
  if (next.via === "kafka") {
    // The message is the producer span's envelope, published with the Kafka header
    // convention: the consumer continues the trace from its traceparent/tracestate
    // headers (redacted as a call's headers are).
    const messageAttributes = { ...attributes, "flow.route": restBody };
    const envelope = hopEnvelope(call, messageAttributes, { redact });
    const headers = {};
    inject(call, headers, { redact });
    await publish(next.topic, encode(envelope), envelope, headers);
    status = 200;
    frames.push(encode(hopEnvelope(call, messageAttributes)));
  } else if (next.via === "bus") {
    // The message is the producer span's envelope: its header.trace carries the context,
    // redacted as a call's headers are; our own copy for the sink keeps the full tracestate.
    const messageAttributes = { ...attributes, "flow.route": restBody };
    const message = encode(hopEnvelope(call, messageAttributes, { redact }));
    // One event, several consumers (`fanout`): each gets the same message, so each
    // consumer's span is a child of this producer span.
    for (const url of [next.url, ...(next.fanout ?? [])]) {
      status = await post(url, { "content-type": FRAMES }, message);
      if (status < 200 || status > 299) break;
    }
    frames.push(encode(hopEnvelope(call, messageAttributes)));
  } else {
    const headers = { "content-type": "application/json" };
    inject(call, headers, { redact });
    status = await post(next.url, headers, restBody);
    frames.push(encode(hopEnvelope(call, attributes)));
  }
  call.end();
  if (status < 200 || status > 299) throw new Error(`${next.url} answered ${status}`);
}

const kafkaConfig = { clientId: args.name, brokers: [args.kafka ?? ""], logLevel: logLevel.ERROR };
const transports = new Map();

/** Publishes one frame to `topic` through @envelope/kafka's transport (what an exporter would do). */
async function publish(topic, bytes, envelope, headers) {
  if (args.kafka === undefined) throw new Error("a kafka step needs --kafka");
  let transport = transports.get(topic);
  if (transport === undefined) {
    transport = kafkaTransport({ kafka: kafkaConfig, topic });
    transports.set(topic, transport);
  }
  const { schema, eventId } = envelope.header;
  const meta = {
    eventId: bytesToHex(eventId),
    type: schema.type,
    subtype: schema.subtype,
    version: schema.version,
    codec: "protobuf",
    compression: "none",
    service: args.name,
    traceId: bytesToHex(envelope.header.trace.traceId),
    traceparent: headers.traceparent,
    ...(headers.tracestate === undefined ? {} : { tracestate: headers.tracestate }),
  };
  const result = await transport.send([{ bytes, meta }], AbortSignal.timeout(20_000));
  if ((result.retry?.length ?? 0) + (result.rejected?.length ?? 0) > 0) {
    throw new Error(`kafka did not take the message: ${JSON.stringify(result)}`);
  }
}

/** The Kafka consumer: each message continues the trace from its traceparent/tracestate headers. */
async function consumeKafka(topic) {
  const consumer = new Kafka(kafkaConfig).consumer({ groupId: args.name });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: eachEnvelope(async (item) => {
      if (item.error !== undefined) {
        console.error(`${args.name}: skipped message at ${item.offset}: ${item.error.message}`);
        return;
      }
      const remote = item.context;
      const incoming = remote === undefined ? "missing" : "valid";
      const span = startSpan(remote, { name: "consume", sampled: true });
      count(incoming, (span.context.traceFlags & 1) === 1, false);
      const next = JSON.parse(item.envelope.body.attributes.get("flow.route") ?? "{}");
      await run(
        span,
        next.flow ?? "",
        next.route ?? [],
        next.priority ?? "",
        incoming,
        "kafka",
      ).catch((error) => console.error(`${args.name}: ${error.message}`));
    }),
  });
  return consumer;
}

async function hop(req, body) {
  const request = JSON.parse(body.toString("utf8"));
  const extracted = args["ignore-incoming"]
    ? { context: undefined, issue: "missing_traceparent" }
    : extractWithReason(req);
  const { outcome: incoming, restarted } = outcomeOf(req, extracted);
  const span = serverSpan(extracted.context, request.priority);
  count(incoming, (span.context.traceFlags & 1) === 1, restarted);
  return run(
    span,
    request.flow,
    request.route ?? [],
    request.priority ?? "",
    incoming,
    "http",
    restarted,
  );
}

/** `incoming` and `restarted` say how the server span found its context (see outcomeOf). */
async function run(span, flow, route, priority, incoming, via, restarted = false) {
  const frames = [];
  let failure;
  try {
    if (route.length > 0) await callNext(span, flow, route, priority, incoming, restarted, frames);
  } catch (error) {
    failure = error.message;
  }
  span.end();
  frames.push(
    encode(
      hopEnvelope(span, {
        flow,
        "hop.role": "server",
        "trace.incoming": incoming,
        "trace.restarted": restarted,
        "hop.via": via,
      }),
    ),
  );
  await post(args.sink, { "content-type": FRAMES }, Buffer.concat(frames));
  if (failure !== undefined) throw new Error(failure);
}

/** The bus consumer: each message continues the trace from its envelope's context. */
async function consume(body) {
  for await (const item of decodeStream(body)) {
    if (item.error !== undefined) throw item.error;
    const { envelope } = item;
    const remote = contextFromEnvelope(envelope);
    const incoming = remote === undefined ? "missing" : "valid";
    const span = startSpan(remote, { name: "consume", sampled: true });
    count(incoming, (span.context.traceFlags & 1) === 1, false);
    const next = JSON.parse(envelope.body.attributes.get("flow.route") ?? "{}");
    await run(span, next.flow ?? "", next.route ?? [], next.priority ?? "", incoming, "bus");
  }
}

function extractOnly(req) {
  const extracted = extractWithReason(req);
  const { outcome, restarted } = outcomeOf(req, extracted);
  const span = startSpan(extracted.context, { name: "extract", sampled: true });
  count(outcome, (span.context.traceFlags & 1) === 1, restarted);
  const headers = {};
  inject(span, headers, { redact });
  return {
    outcome,
    restarted,
    span: {
      traceId: span.context.traceId,
      spanId: span.context.spanId,
      parentSpanId: span.parentSpanId ?? "",
      traceFlags: span.context.traceFlags,
      traceState: formatTraceState(span.context.traceState),
    },
    traceparent: headers.traceparent ?? "",
    tracestate: headers.tracestate ?? "",
  };
}

/**
 * The counts as one envelope (schema trace/propagation_health 1.0.0, one int
 * attribute per count), for a monitoring pipeline that reads envelopes.
 */
function healthEnvelope() {
  const attributes = Object.fromEntries(
    Object.entries(counts).map(([key, value]) => [`trace.extract.${key}`, BigInt(value)]),
  );
  return encode(
    createEnvelope({
      schema: { type: "trace", subtype: "propagation_health", version: "1.0.0" },
      resource: { serviceName: args.name },
      attributes,
    }),
  );
}

const server = http.createServer(async (req, res) => {
  let status = 200;
  let answer = {};
  try {
    const body = await readBody(req);
    if (req.method === "GET" && req.url === "/stats") answer = counts;
    else if (req.method === "GET" && req.url === "/stats/envelope") {
      res.writeHead(200, { "content-type": FRAMES });
      res.end(healthEnvelope());
      return;
    } else if (req.method === "POST" && req.url === "/extract") answer = extractOnly(req);
    else if (req.method === "POST" && req.url === "/hop") await hop(req, body);
    else if (req.method === "POST" && req.url === "/consume") await consume(body);
    else if (req.method === "POST" && req.url === "/consume?later=1") {
      // A background job: the message is accepted now and worked on after the answer.
      status = 202;
      setImmediate(() => consume(body).catch((error) => console.error(error.message)));
    } else [status, answer] = [404, "not found"];
  } catch (error) {
    [status, answer] = [502, error.message];
  }
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(answer));
});

// With --consume-topic, the consumer is subscribed before the service says it listens.
const consumer =
  args["consume-topic"] === undefined ? undefined : await consumeKafka(args["consume-topic"]);
server.listen(0, "127.0.0.1", () => {
  console.error(`listening on 127.0.0.1:${server.address().port}`);
});
process.on("SIGTERM", async () => {
  server.closeAllConnections();
  await Promise.all([consumer?.disconnect(), ...[...transports.values()].map((t) => t.close())]);
  server.close(() => process.exit(0));
});
