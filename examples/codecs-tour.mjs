// The main job until the benchmark lands: encode and decode sample envelopes
// with every codec and compression, check each round trip, and print sizes.
// Run with `pnpm demo` after `pnpm build` (it imports the built packages).
import { createEnvelope, decode, encode, peek, toJson } from "@envelope/sdk";

function sample(attributeCount) {
  const attributes = {
    "http.method": "POST",
    "http.route": "/v1/login",
    "http.status_code": 200n,
    duration_ms: 12.5,
    retried: false,
    "user.id_hash": new Uint8Array([0x9f, 0x86, 0xd0, 0x81]),
    tags: ["auth", "edge"],
    client: { ip: "203.0.113.7", "user_agent.original": "curl/8.5.0" },
  };
  for (let i = Object.keys(attributes).length; i < attributeCount; i++) {
    attributes[`extra.${i}`] = i % 3 === 0 ? BigInt(i) : i % 3 === 1 ? `value ${i}` : i / 7;
  }
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: "auth", environment: "production", region: "eu-west-1" },
    trace: {
      traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      spanId: Uint8Array.from({ length: 8 }, (_, i) => i + 1),
      traceFlags: 1,
    },
    status: { code: 1, message: "" },
    attributes,
    extensions: [
      { namespace: "auth", version: "1.0.0", attributes: { method: "password", mfa: true } },
    ],
  });
}

const sizes = { small: 8, medium: 40, large: 1000 };
const codecs = ["protobuf", "json", "cbor"];
const compressions = ["none", "lz4"];
const rows = [];
for (const [size, count] of Object.entries(sizes)) {
  const envelope = sample(count);
  const reference = JSON.stringify(toJson(envelope));
  for (const codec of codecs) {
    for (const compression of compressions) {
      const bytes = encode(envelope, { codec, compression });
      const back = decode(bytes);
      if (JSON.stringify(toJson(back)) !== reference)
        throw new Error(`round trip changed ${size}/${codec}/${compression}`);
      const { frame } = peek(bytes);
      rows.push({
        size,
        attributes: count,
        codec,
        compression,
        bytes: bytes.length,
        "header bytes": frame.headerLength,
      });
    }
  }
}
console.table(rows);
console.log("every envelope decoded back to what was encoded");
