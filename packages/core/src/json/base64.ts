/** Standard base64 (RFC 4648 §4) for the JSON mapping's `bytesValue`. */
import { EnvelopeError } from "../errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = (() => {
  const table = new Int16Array(128).fill(-1);
  // Stryker disable next-line EqualityOperator: charCodeAt(64) is NaN, and table[NaN] is no index
  for (let i = 0; i < 64; i++) table[ALPHABET.charCodeAt(i)] = i;
  table["-".charCodeAt(0)] = 62; // URL-safe alphabet accepted on read
  table["_".charCodeAt(0)] = 63;
  return table;
})();

/** Standard base64 with padding. */
export function bytesToBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out +=
      ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += `${ALPHABET[n >> 18]!}${ALPHABET[(n >> 12) & 63]!}${ALPHABET[(n >> 6) & 63]!}=`;
  }
  return out;
}

/**
 * Decodes standard or URL-safe base64, padded or not. Throws `invalid_value`
 * on any other character or an impossible length.
 */
export function base64ToBytes(text: string, path: string): Uint8Array {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--; // '='
  if (text.length - end > 2 || end % 4 === 1 || (text.length !== end && text.length % 4 !== 0)) {
    throw new EnvelopeError(
      "invalid_value",
      "bytesValue is not valid base64 (bad length or padding)",
      { path },
    );
  }
  const out = new Uint8Array(Math.floor((end * 3) / 4));
  let bits = 0;
  let acc = 0;
  let o = 0;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? DECODE[c]! : -1;
    if (v < 0) {
      throw new EnvelopeError("invalid_value", `bytesValue is not valid base64 (character ${i})`, {
        path,
      });
    }
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
