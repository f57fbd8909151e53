/**
 * Hex and base64 text around a payload: a hex dump copied from a log
 * (plain hex, `xxd`, `hexdump -C`, `0x` prefixes, spaces, colons) or base64
 * (standard or URL-safe, padding optional).
 */
import { CliError, ExitCode } from "../exit-codes.js";

/** The text encodings the CLI unwraps. */
export type TextEncoding = "hex" | "base64";

const XXD_LINE = /^[0-9a-fA-F]{4,16}:\s/;
const HEXDUMP_LINE = /^[0-9a-fA-F]{6,16}\s\s[0-9a-fA-F]{2}\s/;
const HEX_TEXT = /^[0-9a-fA-F\s:,]*$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_\-\s]*={0,2}\s*$/;

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
  const hex = text.replace(/0[xX]/g, "");
  if (HEX_TEXT.test(hex)) {
    const digits = hex.replace(/[^0-9a-fA-F]/g, "").length;
    if (digits >= 2 && (digits % 2 === 0 || !complete)) return "hex";
  }
  if (text.trim().length >= 4 && BASE64_TEXT.test(text)) return "base64";
  return undefined;
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
  const compact = text.replace(/\s/g, "");
  if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(compact) || compact.replace(/=+$/, "").length % 4 === 1) {
    throw new CliError(ExitCode.unreadable, "the input looked like base64 text but is not base64");
  }
  return Buffer.from(compact, "base64");
}
