// Shared by the binary codecs' hostile cases (cases/protobuf.mjs, cases/cbor.mjs):
// a valid header, frames around hand-built sections, and the valid peers.
import { cborCodec } from "@envelope/cbor";
import { CODEC_IDS, writeFrame } from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";
import { encode } from "@envelope/sdk";

const CODECS = { protobuf: protobufCodec, cbor: cborCodec };

export const HEADER = {
  schema: { type: "t", subtype: "s", version: "1.0.0" },
  eventId: new Uint8Array(16).fill(7),
  timeUnixNano: 1_700_000_000_000_000_000n,
  producer: { language: "go", version: "0.1.0" },
  resource: { serviceName: "svc", attributes: new Map() },
};

/**
 * A frame of `codec` ("protobuf" or "cbor") around a body section given as
 * bytes, with HEADER or the given header section; `compression` "lz4" takes
 * `body` raw and compresses it with `compress`.
 */
export function frame(codec, body, header = CODECS[codec].encodeHeader(HEADER), compress) {
  return writeFrame({
    codecId: CODEC_IDS[codec],
    compression: compress === undefined ? "none" : "lz4",
    header,
    body: compress === undefined ? body : compress(body),
    bodyRawLength: body.length,
  });
}

/** `head`, then `unit` repeated `times` times, then `tail` (byte arrays). */
export function repeat(unit, times, head = [], tail = []) {
  const out = new Uint8Array(head.length + unit.length * times + tail.length);
  out.set(head, 0);
  for (let i = 0; i < times; i++) out.set(unit, head.length + i * unit.length);
  out.set(tail, head.length + unit.length * times);
  return out;
}

/** What a decode returned, small. */
export function summary(envelope) {
  return {
    attributes: envelope.body.attributes.size,
    extensions: envelope.body.extensions.length,
  };
}

/**
 * A valid `codec` frame of about `size` bytes made of the costliest valid
 * bytes per byte: attributes with short keys and boolean values (at most
 * 90,000), in the body or in the header's resource. A hostile input no
 * slower per byte than this gains an attacker nothing over sending valid data.
 */
export function validOfSize(codec, size, inHeader = false) {
  const count = Math.min(90_000, Math.ceil(size / (codec === "cbor" ? 7 : 11)));
  const attributes = new Map();
  for (let i = 0; i < count; i++) attributes.set(i.toString(36), true);
  const envelope = inHeader
    ? {
        header: { ...HEADER, resource: { ...HEADER.resource, attributes } },
        body: { attributes: new Map(), extensions: [] },
      }
    : { header: HEADER, body: { attributes, extensions: [] } };
  return encode(envelope, { codec });
}
