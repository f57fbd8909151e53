/**
 * The codecs the SDK wires together, by name.
 */
import { type CodecName, type EnvelopeCodec, EnvelopeError, jsonCodec } from "@envelope/core";
import { protobufCodec } from "@envelope/protobuf";

const codecs: Partial<Record<CodecName, EnvelopeCodec>> = {
  protobuf: protobufCodec,
  json: jsonCodec,
};

/** The codec for `name`; throws `unsupported_codec` for one that is not available. */
export function codecFor(name: CodecName, offset?: number): EnvelopeCodec {
  const codec = codecs[name];
  if (codec === undefined) {
    throw new EnvelopeError(
      "unsupported_codec",
      `codec ${JSON.stringify(name)} is not available (known: ${Object.keys(codecs).join(", ")})`,
      offset === undefined ? {} : { offset },
    );
  }
  return codec;
}
