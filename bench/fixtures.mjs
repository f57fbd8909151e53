// Loads the benchmark envelopes from the committed cross-language fixtures
// (test/fixtures/<producer>/bench__<size>.<variant>.<compression>.bin) and
// derives the same bytes and objects every baseline needs.
import { readFileSync } from "node:fs";
import { decode, encode, peek, toJson } from "@envelope/sdk";

const root = new URL("../", import.meta.url);
export const SIZES = ["small", "medium", "large"];
export const PRODUCERS = ["go", "rust", "ts"];

/** The bytes of one committed fixture. */
export function fixture(producer, size, variant, compression) {
  return new Uint8Array(
    readFileSync(
      new URL(`test/fixtures/${producer}/bench__${size}.${variant}.${compression}.bin`, root),
    ),
  );
}

/** The stored body section of a framed envelope. */
export function bodySection(bytes) {
  const { frame } = peek(bytes);
  return bytes.subarray(frame.bodyOffset, frame.bodyOffset + frame.bodyLength);
}

/**
 * Everything the cases of one size need: framed fixtures per codec and
 * compression (Go-produced: the decoder's input is another language's
 * output), the envelope (and the decoder's own output, for re-encoding), and
 * unframed bytes for the baselines.
 */
export function loadSize(size, producer = "go") {
  const framed = {};
  for (const [variant] of [["protobuf"], ["json"], ["cbor"]]) {
    for (const compression of ["none", "lz4"])
      framed[`${variant}/${compression}`] = fixture(producer, size, variant, compression);
  }
  const decoded = decode(framed["protobuf/none"]);
  // The encode cases' input is an envelope as a producer holds it: its
  // strings made on their own, as literals and built strings are. A decoded
  // envelope's longer ASCII strings are slices of one string of the input
  // (see ProtoReader.ascii), which V8 reads char by char about 15% slower
  // (large encode), and every baseline encodes its own decoder's output,
  // whose strings are all made on their own. structuredClone makes such
  // strings; the bytes are checked to be the same.
  const envelope = structuredClone(decoded);
  const raw = encode(decoded, { framed: false, codec: "protobuf" });
  if (Buffer.compare(raw, encode(envelope, { framed: false, codec: "protobuf" })) !== 0)
    throw new Error(`bench: the cloned ${size} envelope encodes differently`);
  return {
    size,
    framed,
    envelope,
    decoded,
    raw: {
      protobuf: raw,
      json: encode(envelope, { framed: false, codec: "json" }),
      cbor: encode(envelope, { framed: false, codec: "cbor" }),
    },
    json: toJson(envelope),
    body: bodySection(framed["protobuf/none"]),
  };
}

/** A value's descriptor type kind (docs/spec.md, "Descriptor format"). */
const kindOf = (v) =>
  typeof v === "string"
    ? "string"
    : typeof v === "bigint"
      ? "int"
      : typeof v === "number"
        ? "double"
        : typeof v === "boolean"
          ? "bool"
          : v instanceof Uint8Array
            ? "bytes"
            : Array.isArray(v)
              ? "array"
              : "map";

/**
 * The fixture's envelope as a registered event's producer writes it: the
 * event (its schema reference, and a descriptor that declares each attribute
 * with the kind of its value) and the `init` a builder takes, attributes as
 * a plain object (nested maps stay `Map`s). `createEnvelope({ ...init,
 * schema })` is the fixture's envelope.
 */
export function registeredEvent(envelope) {
  const h = envelope.header;
  const attributes = envelope.body.attributes;
  return {
    event: {
      ...h.schema,
      attributes: [...attributes].map(([key, v]) => ({ key, type: { kind: kindOf(v) } })),
    },
    init: {
      eventId: h.eventId,
      timeUnixNano: h.timeUnixNano,
      producer: h.producer,
      trace: h.trace,
      resource: h.resource,
      status: h.status,
      extensions: envelope.body.extensions,
      attributes: Object.fromEntries(attributes),
    },
  };
}
