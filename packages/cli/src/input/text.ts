/**
 * Hex and base64 text around a payload: a hex dump copied from a log
 * (plain hex, `xxd`, `hexdump -C`, `0x` prefixes, spaces, colons) or base64
 * (standard or URL-safe, padding optional).
 */
import { CliError, ExitCode } from "../exit-codes.js";

/** The text encodings the CLI unwraps. */
export type TextEncoding = "hex" | "base64";

// Every pattern here runs on untrusted text in time linear in its length: no
// two quantifiers that can match the same characters next to each other. The
// shapes of whole texts are checked by plain loops (hexDigits, base64Length):
// `^[A-Za-z0-9+/_\-\s]*={0,2}\s*$` backtracked quadratically on runs of white
// space (200 KB took 21 s).
const XXD_LINE = /^[0-9a-fA-F]{4,16}:\s/;
const HEXDUMP_LINE = /^[0-9a-fA-F]{6,16}\s\s[0-9a-fA-F]{2}\s/;

/**
 * Which text encoding `head` (the start of the input; `complete` when it is
 * all of it) looks like: a dump format or plain hex first (hex digits are
 * also base64 characters), then base64; `undefined` for anything else.
 */
export function textEncodingOf(head: Uint8Array, complete: boolean): TextEncoding | undefined {
  if (head.length === 0) return undefined;
  for (const byte of head) {
    if (byte > 0x7e || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)) {
      return undefined;
    }
  }
  const text = Buffer.from(head).toString("latin1").trimStart();
  const firstLine = text.split("\n", 1)[0] ?? "";
  if (XXD_LINE.test(firstLine) || HEXDUMP_LINE.test(firstLine)) return "hex";
  const digits = hexDigits(text);
  if (digits >= 2 && (digits % 2 === 0 || !complete)) return "hex";
  if (text.trim().length >= 4 && base64Length(text) >= 0) return "base64";
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function isHexDigit(c: number): boolean {
  const lower = c | 0x20;
  return (c >= 0x30 && c <= 0x39) || (lower >= 0x61 && lower <= 0x66);
}

function isBase64Char(c: number): boolean {
  const lower = c | 0x20;
  return (
    (lower >= 0x61 && lower <= 0x7a) ||
    (c >= 0x30 && c <= 0x39) ||
    c === 0x2b || // +
    c === 0x2f || // /
    c === 0x5f || // _
    c === 0x2d // -
  );
}

/**
 * The number of hex digits in `text`, or -1 when it holds anything but hex
 * digits, `0x` prefixes, white space, colons and commas.
 */
function hexDigits(text: string): number {
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x30 && (text.charCodeAt(i + 1) | 0x20) === 0x78) i++;
    else if (isHexDigit(c)) digits++;
    else if (!isSpace(c) && c !== 0x3a && c !== 0x2c) return -1;
  }
  return digits;
}

/**
 * The number of base64 characters in `text` (standard or URL-safe alphabet,
 * white space anywhere, at most two `=` at the end), or -1 when it is not
 * base64 text.
 */
function base64Length(text: string): number {
  let count = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) continue;
    if (c === 0x3d) {
      if (++padding > 2) return -1;
    } else if (padding > 0 || !isBase64Char(c)) {
      return -1;
    } else {
      count++;
    }
  }
  return count;
}

/** Decodes the whole text; exit 4 when it is not what its head promised. */
export function decodeText(bytes: Uint8Array, encoding: TextEncoding): Uint8Array {
  const text = Buffer.from(bytes).toString("latin1");
  const out = encoding === "hex" ? fromHex(text) : fromBase64(text);
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

function fromHex(text: string): Buffer {
  const lines = text.split(/\r?\n/);
  const first = lines.find((l) => l.trim() !== "") ?? "";
  let digits: string;
  if (XXD_LINE.test(first)) {
    // 00000000: 8945 4e56 0101 0000 1a00 0000 2f00 0000  .ENV......../...
    digits = lines
      .map((l) => l.replace(/^\s*[0-9a-fA-F]+:\s?/, "").split(/\s{2,}/, 1)[0] ?? "")
      .join("");
  } else if (HEXDUMP_LINE.test(first)) {
    // 00000000  89 45 4e 56 01 01 00 00  1a 00 00 00 2f 00 00 00  |.ENV......../...|
    digits = lines
      .map((l) => l.replace(/\|.*$/, "").replace(/^\s*[0-9a-fA-F]+(\s|$)/, ""))
      .join("");
  } else {
    digits = text.replace(/0[xX]/g, "");
  }
  digits = digits.replace(/[\s:,]/g, "");
  if (!/^[0-9a-fA-F]*$/.test(digits)) {
    throw new CliError(ExitCode.unreadable, "the input looked like hex text but is not hex");
  }
  if (digits.length % 2 !== 0) {
    throw new CliError(ExitCode.unreadable, "the hex text has an odd number of digits");
  }
  return Buffer.from(digits, "hex");
}

function fromBase64(text: string): Buffer {
  const length = base64Length(text);
  if (length < 0 || length % 4 === 1) {
    throw new CliError(ExitCode.unreadable, "the input looked like base64 text but is not base64");
  }
  return Buffer.from(text.replace(/\s/g, ""), "base64");
}
