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
 * output), the decoded envelope, and unframed bytes for the baselines.
 */
export function loadSize(size, producer = "go") {
  const framed = {};
  for (const [variant] of [["protobuf"], ["json"], ["cbor"]]) {
    for (const compression of ["none", "lz4"])
      framed[`${variant}/${compression}`] = fixture(producer, size, variant, compression);
  }
  const envelope = decode(framed["protobuf/none"]);
  return {
    size,
    framed,
    envelope,
    raw: {
      protobuf: encode(envelope, { framed: false, codec: "protobuf" }),
      json: encode(envelope, { framed: false, codec: "json" }),
      cbor: encode(envelope, { framed: false, codec: "cbor" }),
    },
    json: toJson(envelope),
    body: bodySection(framed["protobuf/none"]),
  };
}
