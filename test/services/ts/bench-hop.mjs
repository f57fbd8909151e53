// The per-hop cost of the TypeScript service, as BenchmarkHop (Go) and
// `--bench` (Rust) measure theirs: extract the caller's context, start the
// server span, inject into the next call's headers, and fill and encode the
// span's envelope (one protobuf frame). Run after `pnpm build`:
//
//   node test/services/ts/bench-hop.mjs [ROUNDS]
import { createEnvelope, encode } from "@envelope/sdk";
import { extract, inject, startSpan, traceContextFromSpan } from "@envelope/trace";

const rounds = Number(process.argv[2] ?? 100_000);
const incoming = {
  traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
  tracestate: "vendor=secret42,other=keep",
};

function hop() {
  const span = startSpan(extract(incoming), { name: "POST /hop" });
  const out = {};
  inject(span, out);
  span.end();
  const envelope = createEnvelope({
    schema: { type: "trace", subtype: "hop", version: "1.0.0" },
    resource: { serviceName: "bench" },
    attributes: {
      flow: "bench",
      "hop.role": "server",
      "trace.incoming": "valid",
      "hop.via": "http",
    },
    trace: traceContextFromSpan(span),
  });
  return encode(envelope).length;
}

for (let i = 0; i < rounds / 10; i++) hop(); // warm-up
let bytes = 0;
const started = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) bytes += hop();
const perHop = Number(process.hrtime.bigint() - started) / rounds;
console.log(`hop: ${Math.round(perHop)} ns/op over ${rounds} rounds (${bytes} frame bytes)`);
