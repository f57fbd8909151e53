/**
 * What the input is (README.md, "Detection"). Cheap checks on the first
 * bytes, in this order; the first that fits wins:
 *
 * 1. the frame magic `89 45 4e 56` at byte 0, or 3 of its 4 bytes (a damaged magic, reported
 *    as `bad_magic`): a stream of frames (one frame is a stream of one);
 * 2. the LZ4 frame magic `04 22 4d 18`: an LZ4-compressed payload, decompressed and detected again;
 * 3. text starting with `{` or `[` (after a BOM and white space): JSON, or NDJSON when the
 *    first line is a whole object and another line follows;
 * 4. text of only hex digits (plain, `0x`, `xxd` or `hexdump -C` dumps) or only base64
 *    characters: unwrapped, then detected again (hex wins a tie: hex digits are base64 too);
 * 5. a CBOR map whose first key is 1 or 2 and whose first value is a map: raw CBOR;
 * 6. the shape of a protobuf Envelope over the whole input: raw protobuf (a heuristic, see
 *    protobuf-shape.ts); a varint length followed by such a message: length-delimited protobuf;
 * 7. a frame candidate (magic and prefix checksum, as the stream reader looks for them) anywhere
 *    in the first MiB: a stream of frames after some leading bytes (reported as skipped).
 */
import { FRAME_MAGIC, FRAME_PREFIX_SIZE, findFrameCandidate, hasFrameMagic } from "@envelope/core";
import { looksDelimited, looksLikeEnvelope } from "./protobuf-shape.js";
import { type TextEncoding, textEncodingOf } from "./text.js";

/** The forms of input the CLI reads. */
export type Form =
  | "frames"
  | "lz4"
  | "json"
  | "ndjson"
  | "cbor"
  | "protobuf"
  | "protobuf-delimited";

/** How each form is named in messages. */
export const FORM_NAMES: Readonly<Record<Form, string>> = Object.freeze({
  frames: "a stream of frames",
  lz4: "an LZ4-compressed payload",
  json: "JSON",
  ndjson: "NDJSON",
  cbor: "raw CBOR",
  protobuf: "raw protobuf",
  "protobuf-delimited": "length-delimited protobuf",
});

/** True for the LZ4 frame magic `04 22 4d 18` at byte 0. */
export function isLz4(bytes: Uint8Array): boolean {
  return bytes[0] === 0x04 && bytes[1] === 0x22 && bytes[2] === 0x4d && bytes[3] === 0x18;
}

/** `json` or `ndjson` for text starting with `{` or `[`, else undefined (rule 3). */
export function jsonForm(bytes: Uint8Array): "json" | "ndjson" | undefined {
  let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  while (at < bytes.length && isSpace(bytes[at]!)) at++;
  if (bytes[at] === 0x5b) return "json";
  if (bytes[at] !== 0x7b) return undefined;
  const newline = bytes.indexOf(0x0a, at);
  if (newline === -1) return "json";
  let last = newline - 1;
  while (last > at && isSpace(bytes[last]!)) last--;
  if (bytes[last] !== 0x7d) return "json";
  for (let i = newline + 1; i < bytes.length; i++) if (!isSpace(bytes[i]!)) return "ndjson";
  return "json";
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Rule 5: a map (major type 5) whose first key is 1 or 2 and whose first value is a map. */
export function looksLikeCbor(bytes: Uint8Array): boolean {
  const first = bytes[0];
  const key = bytes[1];
  const value = bytes[2];
  if (first === undefined || key === undefined || value === undefined) return false;
  const isMap = (b: number) => b >> 5 === 5 && ((b & 0x1f) <= 0x1b || (b & 0x1f) === 0x1f);
  return isMap(first) && first !== 0xa0 && (key === 0x01 || key === 0x02) && isMap(value);
}

/** Rule 1: the frame magic at byte 0, or 3 of its 4 bytes in place. */
export function startsLikeFrame(bytes: Uint8Array): boolean {
  if (hasFrameMagic(bytes, 0)) return true;
  if (bytes.length < FRAME_PREFIX_SIZE) return false;
  let same = 0;
  for (let i = 0; i < 4; i++) if (bytes[i] === FRAME_MAGIC[i]) same++;
  return same === 3;
}

/** Rules 1, 2, 3, 5, 6 and 7 on binary input (`complete`: `bytes` is all of it). */
export function detectBinary(bytes: Uint8Array, complete: boolean): Form | undefined {
  if (startsLikeFrame(bytes)) return "frames";
  if (isLz4(bytes)) return "lz4";
  const json = jsonForm(bytes);
  if (json !== undefined) return json;
  if (looksLikeCbor(bytes)) return "cbor";
  if (complete && looksLikeEnvelope(bytes, 0, bytes.length)) return "protobuf";
  if (looksDelimited(bytes, complete)) return "protobuf-delimited";
  if (findFrameCandidate(bytes) !== -1) return "frames";
  return undefined;
}

/** What detection found in the head of the input. */
export interface Detected {
  /** The form, or undefined when the head alone does not tell (a raw payload longer than the head). */
  readonly form: Form | undefined;
  /** Hex or base64 text around it: the whole input must be unwrapped first, and `form` is not known yet. */
  readonly text: TextEncoding | undefined;
}

/** Detection on the head of the input (rule 4 first, as text never matches the binary rules). */
export function detect(head: Uint8Array, complete: boolean): Detected {
  const json = jsonForm(head);
  if (json !== undefined) return { form: json, text: undefined };
  const text = textEncodingOf(head, complete);
  if (text !== undefined) return { form: undefined, text };
  return { form: detectBinary(head, complete), text: undefined };
}
