/**
 * `@envelope/protobuf/schema` reads unframed payloads; a frame must go
 * through `decode`, and `isFramed` tells the two apart.
 */
import { fromBinary } from "@bufbuild/protobuf";
import { createEnvelope } from "@envelope/core";
import { EnvelopeSchema, isFramed } from "@envelope/protobuf/schema";
import { encode } from "@envelope/sdk";
import { expect, test } from "vitest";

const envelope = createEnvelope({
  schema: { type: "t", subtype: "s", version: "1.0.0" },
  resource: { serviceName: "auth" },
  eventId: new Uint8Array(16).fill(2),
  timeUnixNano: 5n,
});

test("an unframed payload reads with fromBinary; isFramed says false", () => {
  const raw = encode(envelope, { framed: false });
  expect(isFramed(raw)).toBe(false);
  const message = fromBinary(EnvelopeSchema, raw);
  expect([message.header?.resource?.serviceName, message.header?.timeUnixNano]).toEqual([
    "auth",
    5n,
  ]);
});

test("a frame is not a message: isFramed says true, and fromBinary fails on it", () => {
  const framed = encode(envelope);
  expect(isFramed(framed)).toBe(true);
  expect(() => fromBinary(EnvelopeSchema, framed)).toThrow();
});
