/**
 * The protobuf binary codec object (codec id 1): the schema-specialised
 * encoder and decoder in to-binary.ts / from-binary.ts.
 */
import { CODEC_IDS, type EnvelopeCodec } from "@envelope/core";
import { decodeMessage, readBody, readEnvelope, readHeader } from "./from-binary.js";
import { writeBody, writeEnvelope, writeHeader } from "./to-binary.js";
import { ProtoWriter } from "./wire/writer.js";

/**
 * Creates a protobuf codec with its own reusable output buffer. Not safe to
 * share between concurrent encodes in different threads (there are none in
 * one JavaScript realm), safe for re-entrant use from one thread.
 */
export function createProtobufCodec(): EnvelopeCodec {
  const w = new ProtoWriter();
  const run = <T>(write: (w: ProtoWriter, v: T) => void, value: T): Uint8Array => {
    w.reset();
    write(w, value);
    return w.finish();
  };
  return Object.freeze({
    name: "protobuf",
    id: CODEC_IDS.protobuf,
    encodeHeader: (header) => run(writeHeader, header),
    encodeBody: (body) => run(writeBody, body),
    encodeEnvelope: (envelope) => run(writeEnvelope, envelope),
    decodeHeader: (bytes, budget, offset) => decodeMessage(bytes, budget, offset, readHeader),
    decodeBody: (bytes, budget, offset) => decodeMessage(bytes, budget, offset, readBody),
    decodeEnvelope: (bytes, budget, offset) => decodeMessage(bytes, budget, offset, readEnvelope),
    encodeSections: (envelope, reserve, trailer) => {
      w.reset();
      w.ensure(reserve);
      w.pos = reserve;
      writeHeader(w, envelope.header);
      const headerEnd = w.pos;
      writeBody(w, envelope.body);
      const bodyEnd = w.pos;
      w.ensure(trailer);
      w.pos += trailer;
      return {
        bytes: w.finish(),
        headerLength: headerEnd - reserve,
        bodyLength: bodyEnd - headerEnd,
      };
    },
  } satisfies EnvelopeCodec);
}

/** The shared protobuf codec. */
export const protobufCodec: EnvelopeCodec = createProtobufCodec();
