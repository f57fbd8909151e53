/**
 * Lowercase hex for ids, as the JSON mapping writes them (docs/spec.md, "JSON mapping").
 */
import { EnvelopeError } from "./errors.js";

const HEX = "0123456789abcdef";
const BYTE_TO_HEX: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4]! + HEX[i & 15]!);

/** Lowercase hex of `bytes`. */
export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += BYTE_TO_HEX[bytes[i]!]!;
  return out;
}

function nibble(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  if (code >= 97 && code <= 102) return code - 87; // a-f
  return -1;
}

/**
 * Parses lowercase hex into bytes. With `byteLength`, the text must encode
 * exactly that many bytes. Throws `invalid_id` (uppercase, odd length, wrong
 * length, non-hex), naming `path` when given.
 */
export function hexToBytes(text: string, byteLength?: number, path?: string): Uint8Array {
  const loc = path === undefined ? {} : { path };
  if (byteLength !== undefined && text.length !== byteLength * 2) {
    throw new EnvelopeError(
      "invalid_id",
      `expected ${byteLength * 2} lowercase hex characters, got ${text.length}`,
      loc,
    );
  }
  if (text.length % 2 !== 0) {
    throw new EnvelopeError("invalid_id", "hex text has an odd number of characters", loc);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = nibble(text.charCodeAt(2 * i));
    const lo = nibble(text.charCodeAt(2 * i + 1));
    if (hi < 0 || lo < 0) {
      throw new EnvelopeError(
        "invalid_id",
        `character ${2 * i + (hi < 0 ? 0 : 1)} is not lowercase hex`,
        loc,
      );
    }
    out[i] = (hi << 4) | lo;
  }
  return out;
}

/** True when every byte is zero (an invalid id). */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
