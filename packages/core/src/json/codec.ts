/**
 * The JSON codec: UTF-8 JSON text of the spec's JSON mapping
 * (docs/spec.md, section "Codec: JSON").
 */
import { CODEC_IDS, type EnvelopeCodec } from "../codec.js";
import { EnvelopeError } from "../errors.js";
import type { DecodeBudget } from "../limits.js";
import { bodyFromJson, envelopeFromJson, headerFromJson } from "./from-json.js";
import { bodyToJson, headerToJson, type JsonValue, toJson } from "./to-json.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function parse(bytes: Uint8Array, offset: number): JsonValue {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new EnvelopeError("invalid_utf8", "JSON text is not valid UTF-8", {
      offset: offset + firstInvalidUtf8(bytes),
    });
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new EnvelopeError(
      "invalid_json",
      `not well-formed JSON: ${detail}`,
      { offset },
      { cause },
    );
  }
}

/** Byte index of the first invalid UTF-8 sequence (for error messages). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n =
      b < 0x80
        ? 0
        : b >= 0xc2 && b < 0xe0
          ? 1
          : b >= 0xe0 && b < 0xf0
            ? 2
            : b >= 0xf0 && b < 0xf5
              ? 3
              : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return i;
}

function encodeJson(value: JsonValue): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** The JSON codec object (codec id 2). */
export const jsonCodec: EnvelopeCodec = Object.freeze({
  name: "json",
  id: CODEC_IDS.json,
  encodeHeader: (header) => encodeJson(headerToJson(header)),
  encodeBody: (body) => encodeJson(bodyToJson(body)),
  encodeEnvelope: (envelope) => encodeJson(toJson(envelope)),
  decodeHeader: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
    headerFromJson(parse(bytes, offset), budget),
  decodeBody: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
    bodyFromJson(parse(bytes, offset), budget),
  decodeEnvelope: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
    envelopeFromJson(parse(bytes, offset), budget),
} satisfies EnvelopeCodec);
