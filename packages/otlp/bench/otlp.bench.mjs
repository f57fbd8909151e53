/**
 * What the OTLP bridge costs, on this machine.
 *
 *   pnpm --filter @envelope/otlp bench
 *   BENCH_ROUNDS=21 pnpm --filter @envelope/otlp bench
 *
 * Cases, each over a batch of 512 envelopes like the README's producer (five
 * body attributes, one extension):
 * - `otlp/write`: what otlpTransport does before the POST: decode the 512 frames,
 *   map them (toLogsData) and write the protobuf request (toProtobuf);
 * - `otel/write`: OpenTelemetry JS writing the same request from the same records
 *   already held as SDK `ReadableLogRecord`s (what its own exporter does):
 *   the same bytes, checked; the ratio is the bridge's decode and mapping;
 * - `otlp/send`: otlpTransport.send to an HTTP server on loopback that reads the
 *   body and answers 200 (no Collector: the transport's own cost).
 * Rounds alternate the cases, so load on the machine hits them alike; medians
 * with min-max over the rounds.
 */
import { createServer } from "node:http";
import { createEncoder, createEnvelope, decode, hexToBytes } from "@envelope/sdk";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
} from "@opentelemetry/sdk-logs";
import { otlpTransport, toLogsData, toProtobuf } from "../dist/index.js";

const rounds = Number(process.env.BENCH_ROUNDS ?? 11);
const BATCH = 512;
const OBSERVED = 1764892801000000000n;

const encoder = createEncoder();
const envelopes = Array.from({ length: BATCH }, (_, i) =>
  createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth", environment: "production" },
    attributes: {
      user: `user-${i}`,
      attempts: 3n,
      duration_ms: 12.5,
      tags: ["password", "mfa"],
      path: "/login",
    },
    extensions: [
      { namespace: "http", version: "1.0.0", attributes: { method: "POST", path: "/login" } },
    ],
    eventId: hexToBytes((i + 1).toString(16).padStart(32, "0")),
    timeUnixNano: 1764892800000000000n + BigInt(i),
    producer: { language: "typescript", version: "0.1.0" },
  }),
);
const frames = envelopes.map((e) => encoder.encode(e));
const items = frames.map((bytes, i) => ({
  bytes,
  meta: {
    eventId: String(i),
    type: "request",
    subtype: "auth_request",
    version: "1.2.0",
    codec: "protobuf",
    compression: "none",
  },
}));
const frameBytes = frames.reduce((n, f) => n + f.length, 0);

// The same records through OpenTelemetry JS's own SDK, captured as ReadableLogRecords.
const memory = new InMemoryLogRecordExporter();
const provider = new LoggerProvider({
  resource: resourceFromAttributes({
    "service.name": "auth",
    "deployment.environment.name": "production",
  }),
  processors: [new SimpleLogRecordProcessor({ exporter: memory })],
});
const logger = provider.getLogger("@envelope/otlp");
for (const [i, e] of envelopes.entries()) {
  logger.emit({
    eventName: "request/auth_request",
    timestamp: [1764892800, i],
    observedTimestamp: [1764892801, 0],
    body: {
      user: `user-${i}`,
      attempts: 3,
      duration_ms: 12.5,
      tags: ["password", "mfa"],
      path: "/login",
    },
    attributes: {
      "envelope.event_id": (i + 1).toString(16).padStart(32, "0"),
      "envelope.schema.type": "request",
      "envelope.schema.subtype": "auth_request",
      "envelope.schema.version": "1.2.0",
      "envelope.producer.language": e.header.producer.language,
      "envelope.producer.version": e.header.producer.version,
      "envelope.extensions": { http: "1.0.0" },
      "http.method": "POST",
      "http.path": "/login",
    },
  });
}
const readable = memory.getFinishedLogRecords();
const ours = toProtobuf(
  toLogsData(
    frames.map((f) => decode(f)),
    { observedTimeUnixNano: OBSERVED },
  ),
);
const theirs = ProtobufLogsSerializer.serializeRequest(readable);
if (Buffer.compare(Buffer.from(ours), Buffer.from(theirs)) !== 0) {
  throw new Error(
    `the two sides write different requests (${ours.length} vs ${theirs.length} bytes)`,
  );
}

const server = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/x-protobuf" }).end());
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const transport = otlpTransport({ url: `http://127.0.0.1:${server.address().port}/v1/logs` });

const cases = {
  "otlp/write": () =>
    toProtobuf(
      toLogsData(
        frames.map((f) => decode(f)),
        { observedTimeUnixNano: OBSERVED },
      ),
    ),
  "otel/write": () => ProtobufLogsSerializer.serializeRequest(readable),
  "otlp/send": () => transport.send(items, AbortSignal.timeout(30_000)),
};
const samples = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
const ratios = [];
const names = Object.keys(cases);
for (let round = 0; round < rounds; round++) {
  const order = round % 2 === 0 ? names : [...names].reverse();
  const times = {};
  for (const name of order) {
    // Each round: warm up, then time 20 batches.
    for (let i = 0; i < 3; i++) await cases[name]();
    const start = performance.now();
    for (let i = 0; i < 20; i++) await cases[name]();
    times[name] = (performance.now() - start) / 20;
    samples[name].push(times[name]);
  }
  ratios.push(times["otlp/write"] / times["otel/write"]);
}
server.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs) => `${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)}`;
console.log(
  `batch of ${BATCH} envelopes: ${frameBytes} frame bytes, ${ours.length} OTLP protobuf bytes; ${rounds} rounds`,
);
for (const name of names) {
  const ms = median(samples[name]);
  console.log(
    `${name.padEnd(11)} ${ms.toFixed(2)} ms/batch (${range(samples[name])}), ${((BATCH / ms) * 1000).toFixed(0)} envelopes/s, ${(
      frameBytes / 1e3 / ms
    ).toFixed(1)} MB/s of frames`,
  );
}
console.log(`otlp/write / otel/write: ${median(ratios).toFixed(2)}x (${range(ratios)})`);
