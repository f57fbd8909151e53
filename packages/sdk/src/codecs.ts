/**
 * The codecs the SDK wires together, by name.
 */
import { cborCodec, createCborCodec } from "@envelope/cbor";
import { type CodecName, type EnvelopeCodec, EnvelopeError, jsonCodec } from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";

const codecs: Readonly<Record<CodecName, EnvelopeCodec>> = Object.freeze({
  protobuf: protobufCodec,
  json: jsonCodec,
  cbor: cborCodec,
});

/**
 * The codec for `name`; throws `unsupported_codec` for an unknown name.
 * `deterministic` selects the CBOR deterministic profile (RFC 8949 §4.2.1);
 * protobuf and JSON output is deterministic already.
 */
export function codecFor(name: CodecName, offset?: number, deterministic = false): EnvelopeCodec {
  const codec = Object.hasOwn(codecs, name) ? codecs[name] : undefined;
  if (codec === undefined) {
    throw new EnvelopeError(
      "unsupported_codec",
      `codec ${JSON.stringify(name)} is not available (known: ${Object.keys(codecs).join(", ")})`,
      offset === undefined ? {} : { offset },
    );
  }
  return deterministic && name === "cbor" ? createCborCodec({ deterministic: true }) : codec;
}
