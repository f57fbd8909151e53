/**
 * The protobuf binary codec object (codec id 1): the schema-specialised
 * readers and writers generated from the proto (gen/envelope/v1/envelope_codec.ts)
 * over the hand-written attribute model and helpers (from-binary.ts, to-binary.ts).
 */
import { CODEC_IDS, type DecodeBudget, type Envelope, type EnvelopeCodec } from "@envelope/core";
import { Ctx } from "./from-binary.js";
import {
  readBody,
  readEnvelope,
  readHeader,
  writeBody,
  writeEnvelope,
  writeHeader,
} from "./gen/envelope/v1/envelope_codec.js";
import { ProtoReader } from "./wire/reader.js";
import { ProtoWriter } from "./wire/writer.js";

/**
 * Decodes the header section `bytes[headerStart, bodyStart)` and the body
 * section `bytes[bodyStart, end)` of a frame with one reader, so both share
 * one latin1 string of the input (see ProtoReader.ascii).
 */
function decodeSections(
  bytes: Uint8Array,
  headerStart: number,
  bodyStart: number,
  end: number,
  budget: DecodeBudget,
): Envelope {
  // Positions are absolute in `bytes` (base 0): no subarray per decode.
  const c = new Ctx(new ProtoReader(bytes, 0, headerStart, end), budget);
  const header = readHeader(c, bodyStart);
  const body = readBody(c, end);
  return { header, body };
}

/** Runs `read` over `bytes` as one whole message. */
function decodeMessage<T>(
  bytes: Uint8Array,
  budget: DecodeBudget,
  offset: number,
  read: (c: Ctx, end: number) => T,
): T {
  const c = new Ctx(new ProtoReader(bytes, offset), budget);
  return read(c, bytes.length);
}

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
