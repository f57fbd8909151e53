/**
 * The protobuf binary codec object (codec id 1): the schema-specialised
 * encoder and decoder in to-binary.ts / from-binary.ts.
 */
import { CODEC_IDS, type EnvelopeCodec } from "@envelope/core";
import {
  decodeMessage,
  decodeSections,
  readBody,
  readEnvelope,
  readHeader,
} from "./from-binary.js";
import { writeBody, writeEnvelope, writeHeader } from "./to-binary.js";
import { ProtoWriter } from "./wire/writer.js";

/**
 * Creates a protobuf codec with its own output slab (see ProtoWriter):
 * results are views that are never written again and may share an
 * `ArrayBuffer` with other results. A re-entrant encode (a Map subclass that
 * encodes from inside iteration) gets a writer of its own.
 */
export function createProtobufCodec(): EnvelopeCodec {
  const own = new ProtoWriter();
  /** Runs `write` on the codec's writer (or a fresh one when it is busy) and returns the output. */
  const run = <T>(value: T, write: (w: ProtoWriter, v: T) => void): Uint8Array => {
    const w = own.busy ? new ProtoWriter(4096) : own;
    w.busy = true;
    w.begin();
    try {
      write(w, value);
      return w.result();
    } catch (cause) {
      w.abort();
      throw cause;
    } finally {
      w.busy = false;
    }
  };
  return Object.freeze({
    name: "protobuf",
    id: CODEC_IDS.protobuf,
    checksAttributes: true,
    encodeHeader: (header) => run(header, writeHeader),
    encodeBody: (body) => run(body, writeBody),
    encodeEnvelope: (envelope) => run(envelope, writeEnvelope),
    decodeHeader: (bytes, budget, offset) => decodeMessage(bytes, budget, offset, readHeader),
    decodeBody: (bytes, budget, offset) => decodeMessage(bytes, budget, offset, readBody),
    decodeEnvelope: (bytes, budget, offset) => decodeMessage(bytes, budget, offset, readEnvelope),
    decodeSections,
    encodeSections: (envelope, reserve, trailer) => {
      let headerEnd = 0;
      let bodyEnd = 0;
      const bytes = run(envelope, (w, e) => {
        w.ensure(reserve);
        w.pos += reserve;
        writeHeader(w, e.header);
        headerEnd = w.offset();
        writeBody(w, e.body);
        bodyEnd = w.offset();
        w.ensure(trailer);
        w.pos += trailer;
      });
      return { bytes, headerLength: headerEnd - reserve, bodyLength: bodyEnd - headerEnd };
    },
  } satisfies EnvelopeCodec);
}

/** The shared protobuf codec. */
export const protobufCodec: EnvelopeCodec = createProtobufCodec();
