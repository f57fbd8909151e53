/**
 * The JSON codec: UTF-8 JSON text of the spec's JSON mapping
 * (docs/spec.md, section "Codec: JSON").
 */
import { CODEC_IDS, type EnvelopeCodec } from "../codec.js";
import { EnvelopeError } from "../errors.js";
import type { DecodeBudget } from "../limits.js";
import { jsonBounds, parseJson } from "./json-value.js";
import {
  bodyFromJson,
  bodyToJson,
  envelopeFromJson,
  headerFromJson,
  headerToJson,
  toJson,
} from "./mapping.js";
import type { JsonValue } from "./to-json.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function parse(bytes: Uint8Array, budget: DecodeBudget, offset: number): JsonValue {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    throw new EnvelopeError("invalid_utf8", "JSON text is not valid UTF-8", {
      offset: offset + firstInvalidUtf8(bytes),
    });
  }
  return parseJson(text, jsonBounds(budget.limits), offset);
}

/**
 * Byte index of the first invalid UTF-8 sequence (for error messages), by the
 * table of well-formed sequences of Unicode 15, section 3.9 (what the fatal
 * `TextDecoder` applies): no overlong forms, no surrogates, nothing past U+10FFFF.
 */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  // Stryker disable next-line EqualityOperator: one more turn reads undefined, which returns i = bytes.length, as the end does
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    // Continuation bytes after the lead, and the range of the first of them.
    let n: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) low = 0xa0;
      else if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) low = 0x90;
      else if (b === 0xf4) high = 0x8f;
    } else return i;
    // Stryker disable next-line UnaryOperator: 1 is below every continuation range too
    const first = bytes[i + 1] ?? -1;
    if (first < low || first > high) return i;
    for (let k = 2; k <= n; k++) if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return i;
}

/**
 * Index of the first `\uD800`–`\uDFFF` escape in JSON text, or -1.
 * `JSON.stringify` escapes a lone surrogate that way and writes every other
 * character outside U+0000–U+001F as itself, so one native search finds lone
 * surrogates anywhere in the output; the backslashes before a hit are counted
 * so that an escaped backslash followed by "ud" is not one.
 */
function loneSurrogateEscape(text: string): number {
  // Stryker disable next-line UnaryOperator: the text is an object's ("{..."), so a hit is never at 1, and a turn at -1 returns -1
  for (let at = text.indexOf("\\ud"); at !== -1; at = text.indexOf("\\ud", at + 1)) {
    let backslashes = 1;
    while (text.charCodeAt(at - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 1) return at;
  }
  return -1;
}

function encodeJson(value: JsonValue): Uint8Array {
  let text: string;
  // Stryker disable all: the catch is untested, it takes a JSON text of the engine's longest string (about 512 MiB in V8)
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    // toJson checks nesting and kept data, so what is left is the engine's
    // longest string: a JSON text too large to hold.
    if (!(cause instanceof RangeError)) throw cause;
    throw new EnvelopeError(
      "too_large",
      `cannot write the JSON text (${cause.message})`,
      {},
      { cause },
    );
  }
  // Stryker restore all
  // Readers refuse lone surrogates (invalid_utf8), so the writer does not write them.
  if (loneSurrogateEscape(text) !== -1) {
    throw new EnvelopeError(
      "invalid_utf8",
      "a string has a lone surrogate and is not valid Unicode",
    );
  }
  return encoder.encode(text);
}

/** The JSON codec object (codec id 2). */
export const jsonCodec: EnvelopeCodec = Object.freeze({
  name: "json",
  id: CODEC_IDS.json,
  encodeHeader: (header) => encodeJson(headerToJson(header)),
  encodeBody: (body) => encodeJson(bodyToJson(body)),
  encodeEnvelope: (envelope) => encodeJson(toJson(envelope)),
  decodeHeader: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
    headerFromJson(parse(bytes, budget, offset), budget),
  decodeBody: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
    bodyFromJson(parse(bytes, budget, offset), budget),
  decodeEnvelope: (bytes: Uint8Array, budget: DecodeBudget, offset: number) =>
    envelopeFromJson(parse(bytes, budget, offset), budget),
} satisfies EnvelopeCodec);
