import { createEncoder, createEnvelope } from "@envelope/sdk";

// Once, at start-up: options are checked and the codec is picked here, not per event.
const encoder = createEncoder({ codec: "protobuf", compression: "none" });

/** On the hot path, for every event: build and encode. */
export function recordLogin(user: string, attempts: number, durationMs: number): Uint8Array {
  const envelope = createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth", environment: "production" },
    attributes: {
      user,
      attempts: BigInt(attempts), // int64 is a bigint
      duration_ms: durationMs, // a number is always a double
      tags: ["password", "mfa"],
    },
  });
  return encoder.encode(envelope); // framed bytes: to Kafka as a Buffer view (see "Sending envelopes")
}
