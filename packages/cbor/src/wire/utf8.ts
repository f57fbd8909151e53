/**
 * Strict UTF-8 for CBOR text strings (RFC 8949 section 3.1, major type 3:
 * "a string of Unicode characters that is encoded as UTF-8 [RFC 3629]").
 *
 * Strict means RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF),
 * nothing above U+10FFFF, no truncated sequences. A leading U+FEFF is a
 * character like any other (never stripped as a byte order mark).
 */

/** Strings longer than this go to the platform decoder; shorter ones are decoded in JavaScript (call overhead dominates there). */
const SHORT_TEXT = 32;

const fatalDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const fromCharCode = String.fromCharCode;

interface NodeBuffer {
  from(
    buffer: ArrayBufferLike,
    byteOffset: number,
    length: number,
  ): { toString(encoding: "latin1"): string };
}
const NodeBuffer = (globalThis as { Buffer?: NodeBuffer }).Buffer;
const latin1Decoder = new TextDecoder("latin1");

/**
 * The whole input as a one-byte string, byte i -> char code i (Node's
 * `latin1`; elsewhere WHATWG's windows-1252, which agrees on ASCII, the only
 * range it is used for). One native call per input instead of one per string:
 * an ASCII text string is then a `substring` of it.
 */
export function byteString(bytes: Uint8Array): string {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: both agree on ASCII, the only range used
  if (NodeBuffer !== undefined)
    return NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  return latin1Decoder.decode(bytes);
}

/**
 * Index of the first byte of the first invalid sequence in `bytes[start, end)`,
 * or -1 when the range is valid UTF-8. Allocates nothing.
 */
export function findInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    const n = sequenceLength(bytes, i, end);
    if (n === 0) return i;
    i += n;
  }
  return -1;
}

/**
 * Length (2..4) of the well-formed multi-byte sequence at `i`, or 0 when it is
 * not well-formed. Follows Table 3-7 of the Unicode Standard (the same table
 * WHATWG's decoder and RFC 3629 section 4 use).
 */
function sequenceLength(bytes: Uint8Array, i: number, end: number): number {
  const b0 = bytes[i]!;
  if (b0 < 0xc2) return 0; // continuation byte or overlong 2-byte lead (C0, C1)
  if (b0 < 0xe0) {
    return i + 1 < end && (bytes[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  }
  if (b0 < 0xf0) {
    if (i + 2 >= end) return 0;
    const b1 = bytes[i + 1]!;
    // E0: A0..BF (no overlongs); ED: 80..9F (no surrogates); others 80..BF.
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (b1 < lo || b1 > hi || (bytes[i + 2]! & 0xc0) !== 0x80) return 0;
    return 3;
  }
  if (b0 < 0xf5) {
    if (i + 3 >= end) return 0;
    const b1 = bytes[i + 1]!;
    // F0: 90..BF (no overlongs); F4: 80..8F (nothing above U+10FFFF).
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (b1 < lo || b1 > hi || (bytes[i + 2]! & 0xc0) !== 0x80 || (bytes[i + 3]! & 0xc0) !== 0x80)
      return 0;
    return 4;
  }
  return 0;
}

/**
 * Decodes `bytes[start, end)` as strict UTF-8; `undefined` when it is not
 * valid (the caller reports where, with {@link findInvalidUtf8}).
 */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  const length = end - start;
  // Which decoder runs is cost only: both are strict and give the same string.
  // Stryker disable ConditionalExpression,EqualityOperator,BlockStatement: same result either way
  if (length > SHORT_TEXT) {
    try {
      return fatalDecoder.decode(bytes.subarray(start, end));
    } catch {
      return undefined;
    }
  }
  for (let i = start; i < end; i++) {
    if (bytes[i]! >= 0x80) return decodeShortUtf8(bytes, start, end);
  }
  // Stryker restore ConditionalExpression,EqualityOperator,BlockStatement
  return asciiString(bytes, start, length);
}

/** ASCII bytes to a string: `fromCharCode` with several arguments beats building per character or `apply`. */
function asciiString(b: Uint8Array, s: number, length: number): string {
  // Stryker disable next-line ConditionalExpression: the loops below build the same strings (the cases are a shortcut)
  switch (length) {
    case 0:
      return "";
    case 1:
      return fromCharCode(b[s]!);
    case 2:
      return fromCharCode(b[s]!, b[s + 1]!);
    case 3:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!);
    // Stryker disable next-line ConditionalExpression: the loops below build the same string
    case 4:
      return fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
  }
  let out = "";
  let i = s;
  const end = s + length;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the loops below finish what this one leaves
  for (; i + 8 <= end; i += 8) {
    out += fromCharCode(
      b[i]!,
      b[i + 1]!,
      b[i + 2]!,
      b[i + 3]!,
      b[i + 4]!,
      b[i + 5]!,
      b[i + 6]!,
      b[i + 7]!,
    );
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the byte loop finishes what this one leaves
  for (; i + 4 <= end; i += 4) out += fromCharCode(b[i]!, b[i + 1]!, b[i + 2]!, b[i + 3]!);
  for (; i < end; i++) out += fromCharCode(b[i]!);
  return out;
}

/** Short non-ASCII text: validate and decode in one pass. */
function decodeShortUtf8(bytes: Uint8Array, start: number, end: number): string | undefined {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const b0 = bytes[i]!;
    if (b0 < 0x80) {
      units.push(b0);
      i++;
      continue;
    }
    const n = sequenceLength(bytes, i, end);
    if (n === 0) return undefined;
    if (n === 2) {
      units.push(((b0 & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
    } else if (n === 3) {
      units.push(((b0 & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
    } else {
      const cp =
        ((b0 & 0x07) << 18) |
        ((bytes[i + 1]! & 0x3f) << 12) |
        ((bytes[i + 2]! & 0x3f) << 6) |
        (bytes[i + 3]! & 0x3f);
      const v = cp - 0x10000;
      units.push(0xd800 | (v >> 10), 0xdc00 | (v & 0x3ff));
    }
    i += n;
  }
  return fromCharCode(...units);
}
