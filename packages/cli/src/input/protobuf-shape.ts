/**
 * The raw-protobuf heuristic. Protobuf has no magic number, so an unframed
 * payload is taken for an `envelope.v1.Envelope` when its shape fits,
 * checked without decoding any value:
 *
 * - every field of the message has a valid tag (field number > 0, wire type
 *   0, 1, 2 or 5) and its value ends inside the message, and the last one
 *   ends exactly at the end;
 * - the `header` field (1) is present with its wire type (length-delimited)
 *   and has the same shape, with its own `schema` field (1, length-delimited)
 *   first.
 *
 * The field numbers and wire types come from the table generated from the
 * proto (gen/envelope/v1/envelope_shape.ts). A length-delimited stream is a
 * varint length followed by such a message, repeated. `--codec protobuf`
 * skips the heuristic.
 */
import { ENVELOPE_FIELDS, HEADER_FIELDS } from "../gen/envelope/v1/envelope_shape.js";

const HEADER = ENVELOPE_FIELDS.header;
const SCHEMA = HEADER_FIELDS.schema;

/** Reads a varint at `at`; returns [value, next offset] or undefined. */
export function readVarint(
  bytes: Uint8Array,
  at: number,
  end: number,
): [number, number] | undefined {
  let value = 0;
  let scale = 1;
  for (let i = at; i < end && i < at + 10; i++) {
    const byte = bytes[i]!;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, i + 1];
    scale *= 128;
  }
  return undefined;
}

/** The fields of `bytes[from..to)` as [field number, wire type, value start, value end], or undefined when malformed. */
function fields(
  bytes: Uint8Array,
  from: number,
  to: number,
): [number, number, number, number][] | undefined {
  const out: [number, number, number, number][] = [];
  let at = from;
  while (at < to) {
    const tag = readVarint(bytes, at, to);
    if (tag === undefined) return undefined;
    const [key, valueAt] = tag;
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) return undefined;
    let end: number;
    if (wire === 0) {
      const v = readVarint(bytes, valueAt, to);
      if (v === undefined) return undefined;
      end = v[1];
    } else if (wire === 1) {
      end = valueAt + 8;
    } else if (wire === 5) {
      end = valueAt + 4;
    } else if (wire === 2) {
      const len = readVarint(bytes, valueAt, to);
      if (len === undefined) return undefined;
      out.push([field, wire, len[1], len[1] + len[0]]);
      at = len[1] + len[0];
      if (at > to) return undefined;
      continue;
    } else {
      return undefined;
    }
    if (end > to) return undefined;
    out.push([field, wire, valueAt, end]);
    at = end;
  }
  return out;
}

/** True when `bytes[from..to)` has the shape of an Envelope message (see the module comment). */
export function looksLikeEnvelope(bytes: Uint8Array, from: number, to: number): boolean {
  const top = fields(bytes, from, to);
  const header = top?.find(([field, wire]) => field === HEADER.number && wire === HEADER.wire);
  if (header === undefined) return false;
  const inner = fields(bytes, header[2], header[3]);
  return (
    inner !== undefined &&
    inner.length > 0 &&
    inner[0]![0] === SCHEMA.number &&
    inner[0]![1] === SCHEMA.wire
  );
}

/**
 * True when `bytes` starts with a varint length and an Envelope of that
 * length, and what follows (when present in `bytes`) starts the same way.
 */
export function looksDelimited(bytes: Uint8Array, complete: boolean): boolean {
  const first = readVarint(bytes, 0, bytes.length);
  if (first === undefined || first[0] === 0) return false;
  const end = first[1] + first[0];
  if (end > bytes.length || !looksLikeEnvelope(bytes, first[1], end)) return false;
  if (end === bytes.length) return true;
  const second = readVarint(bytes, end, bytes.length);
  if (second === undefined) return !complete;
  const secondEnd = second[1] + second[0];
  if (secondEnd > bytes.length) return !complete && second[0] > 0;
  return looksLikeEnvelope(bytes, second[1], secondEnd);
}
