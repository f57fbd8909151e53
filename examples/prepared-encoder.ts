import { prepareEncoder } from "@envelope/sdk";

// Once, at start-up: the event's schema reference and attribute keys are encoded here
// (a registry's descriptor is such an event: prepareEncoder(registry.latest(event))).
const login = prepareEncoder({
  type: "request",
  subtype: "auth_request",
  version: "1.2.0",
  attributes: [
    { key: "user", type: { kind: "string" } },
    { key: "attempts", type: { kind: "int" } },
    { key: "duration_ms", type: { kind: "double" } },
  ],
});

/** On the hot path: the frame encode(createEnvelope({ ...init, schema })) writes, byte for byte. */
export function recordLogin(user: string, attempts: number, durationMs: number): Uint8Array {
  return login.encode({
    resource: { serviceName: "auth", environment: "production" },
    attributes: { user, attempts: BigInt(attempts), duration_ms: durationMs },
  });
}
