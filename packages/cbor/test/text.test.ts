// Text strings both ways: UTF-8 bytes checked against Node's own encoder for
// every length class and every sequence length, strictness on both sides.
import { decodeCborItem, encodeCborItem } from "@envelope/cbor";
import { describe, expect, test } from "vitest";
import { expectError, fromHex, toHex } from "./helpers.js";

/** A text head for `length` bytes, shortest form (RFC 8949 section 4.2.1). */
function textHead(length: number): string {
  if (length < 24) return (0x60 + length).toString(16);
  if (length < 0x100) return `78${length.toString(16).padStart(2, "0")}`;
  if (length < 0x1_0000) return `79${length.toString(16).padStart(4, "0")}`;
  return `7a${length.toString(16).padStart(8, "0")}`;
}

const STRINGS: Array<[string, string]> = [
  ["empty", ""],
  ["ASCII, 23", "a".repeat(23)],
  ["ASCII, 24", "b".repeat(24)],
  ["ASCII, 32", "c".repeat(32)],
  ["ASCII, 33", "d".repeat(33)],
  ["ASCII, 255", "e".repeat(255)],
  ["ASCII, 256", "f".repeat(256)],
  ["ASCII, 65535", "g".repeat(65535)],
  ["ASCII, 65536", "h".repeat(65536)],
  ["U+007F and U+0080", "\u007f\u0080"],
  ["U+07FF and U+0800", "\u07ff\u0800"],
  ["U+D7FF and U+E000 (around the surrogates)", "\ud7ff\ue000"],
  ["U+FFFF", "\uffff"],
  ["U+10000 and U+10FFFF", "\u{10000}\u{10ffff}"],
  ["a pair with the highest low surrogate (U+103FF)", "\ud800\udfff"],
  ["emoji among ASCII", "a😀b"],
  ["85 three-byte characters (fills a small writer)", "€".repeat(85)],
  ["12 three-byte characters (24 bytes from 12 units)", "水".repeat(12)],
  ["40 two-byte characters (native encoder)", "é".repeat(40)],
  ["long text with every sequence length", `${"aé水😀".repeat(30)}`],
];

describe("text is written as Node writes UTF-8, and read back", () => {
  test.each(STRINGS)("%s", (_, text) => {
    const utf8 = Buffer.from(text, "utf8");
    const expected = textHead(utf8.length) + utf8.toString("hex");
    for (const deterministic of [false, true]) {
      const bytes = encodeCborItem(text, { deterministic });
      expect(toHex(bytes)).toBe(expected);
      expect(decodeCborItem(bytes)).toBe(text);
    }
  });

  test.each([
    ["a lone low surrogate U+DFFF", "\udfff"],
    ["a lone U+DFFF after ASCII", "a\udfff"],
    ["two low surrogates", "\udc00\udc00"],
    ["a high surrogate before U+E000", "\ud800\ue000"],
    ["a high surrogate at the end", "ab\udbff"],
  ])("%s is refused", (_, text) => {
    const error = expectError(() => encodeCborItem(text), "invalid_utf8");
    expect(error.message).toBe(
      "[invalid_utf8] string has a lone surrogate and is not valid Unicode",
    );
  });
});

// [case, CBOR text item, decoded, or the offset of the first bad byte]
const SEQUENCES: Array<[string, string, string | number]> = [
  ["U+40000 (F1 lead, any continuation)", "64 f1808080", "\u{40000}"],
  ["U+10FFFF, the highest", "64 f48fbfbf", "\u{10ffff}"],
  ["U+10000, the lowest four-byte", "64 f0908080", "\u{10000}"],
  ["U+0800, the lowest three-byte", "63 e0a080", "\u0800"],
  ["U+FFFF", "63 efbfbf", "\uffff"],
  ["F5 is not a lead byte", "64 f5808080", 1],
  ["overlong four-byte form", "64 f08fbfbf", 1],
  ["above U+10FFFF", "64 f4908080", 1],
  ["four-byte, bad third byte", "64 f09f2880", 1],
  ["four-byte, bad fourth byte", "64 f09f9828", 1],
  ["overlong two-byte form", "62 c080", 1],
  ["an encoded surrogate", "63 eda080", 1],
  ["overlong three-byte form", "63 e08080", 1],
  ["a lone 0x80 after eight ASCII bytes", "69 6161616161616161 80", 9],
  ["a bad sequence after good ones", "66 61c3a9 e2 8228", 4],
  ["a BOM is kept in long text", `78 24 efbbbf ${"61".repeat(33)}`, `\ufeff${"a".repeat(33)}`],
  ["a BOM is kept in short text", "64 efbbbf61", "\ufeffa"],
];

describe("text is read as strict UTF-8", () => {
  test.each(SEQUENCES)("%s", (_, hex, expected) => {
    const bytes = fromHex(hex);
    if (typeof expected === "string") expect(decodeCborItem(bytes)).toBe(expected);
    else {
      const error = expectError(() => decodeCborItem(bytes), "invalid_utf8");
      expect(error.message).toBe(
        `[invalid_utf8] text string is not valid UTF-8 (at byte ${expected})`,
      );
    }
  });

  test("a sequence cut by the end of its string is invalid, whatever byte follows", () => {
    for (const hex of ["82 62 e282 80", "82 63 f09f98 80", "82 61 c3 80"]) {
      const error = expectError(() => decodeCborItem(fromHex(hex)), "invalid_utf8");
      expect(error.message).toBe(
        "[invalid_utf8] text string is not valid UTF-8 (at [0], at byte 2)",
      );
    }
  });

  test("chunks of an indefinite-length string of any length", () => {
    const chunk = (text: string) => {
      const utf8 = Buffer.from(text);
      return textHead(utf8.length) + utf8.toString("hex");
    };
    const parts = ["abcdefghijkl", "0123456789012345678901234567890", "xyz", "é", "mnopq"];
    const hex = `7f${parts.map(chunk).join("")}ff`;
    expect(decodeCborItem(fromHex(hex))).toBe(parts.join(""));
  });
});
