// Hex ids, base64 bytes and nanosecond times: the text forms every codec and
// builder relies on, at the edges of their alphabets and ranges.
import { describe, expect, test } from "vitest";
import {
  base64ToBytes,
  bytesToBase64,
  bytesToHex,
  hexToBytes,
  isAllZero,
  nowUnixNano,
  unixNanoToDate,
} from "../src/index.js";
import { thrown } from "./thrown.js";

describe("hex", () => {
  test("every byte value round-trips through lowercase hex", () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const text = bytesToHex(all);
    expect(text.slice(0, 8)).toBe("00010203");
    expect(text.slice(-6)).toBe("fdfeff");
    expect(hexToBytes(text)).toEqual(all);
    expect(hexToBytes("09afaf90", 4)).toEqual(Uint8Array.from([0x09, 0xaf, 0xaf, 0x90]));
  });

  test.each<[string, number]>([
    ["/0", 0], // '/' sits just below '0'
    [":0", 0], // ':' just above '9'
    ["0`", 1], // '`' just below 'a'
    ["0g", 1], // 'g' just above 'f'
    ["A0", 0], // uppercase is refused
    ["000F", 3],
    ["0000 0", 4],
  ])("%s: character %i is not lowercase hex", (text, at) => {
    const e = thrown(() => hexToBytes(text.length % 2 === 0 ? text : `${text}0`));
    expect(e.code).toBe("invalid_id");
    expect(e.detail).toBe(`character ${at} is not lowercase hex`);
    expect(e.location).toEqual({});
  });

  test("a wrong length names the expected and the actual length, and the path", () => {
    const e = thrown(() => hexToBytes("abcd", 8, "header.trace.spanId"));
    expect(e.code).toBe("invalid_id");
    expect(e.message).toBe(
      "[invalid_id] expected 16 lowercase hex characters, got 4 (at header.trace.spanId)",
    );
    expect(hexToBytes("abcd", 2, "p")).toEqual(Uint8Array.from([0xab, 0xcd]));
  });

  test("an odd number of characters, when no length is expected", () => {
    const e = thrown(() => hexToBytes("abc"));
    expect(e.code).toBe("invalid_id");
    expect(e.detail).toBe("hex text has an odd number of characters");
    expect(thrown(() => hexToBytes("abc", undefined, "x")).path).toBe("x");
  });

  test("isAllZero", () => {
    expect(isAllZero(new Uint8Array(0))).toBe(true);
    expect(isAllZero(new Uint8Array(16))).toBe(true);
    expect(isAllZero(Uint8Array.from([0, 0, 0, 1]))).toBe(false);
  });
});

describe("base64 (RFC 4648; the URL-safe alphabet is read too)", () => {
  test.each<[string, number[]]>([
    ["", []],
    ["AA==", [0]],
    ["AA", [0]],
    ["AAE=", [0, 1]],
    ["AAE", [0, 1]],
    ["AAEC", [0, 1, 2]],
    ["/+9-_w==", [0xff, 0xef, 0x7e, 0xff]],
    ["AZaz09+/", [0x01, 0x96, 0xb3, 0xd3, 0xdf, 0xbf]],
  ])("%s reads as %j", (text, bytes) => {
    expect(base64ToBytes(text, "p")).toEqual(Uint8Array.from(bytes));
  });

  test.each([
    ["A"],
    ["AAAAA"],
    ["AA="],
    ["A==="],
    ["="],
    ["AAA=="],
    ["AAAA=="],
  ])("%s has a bad length or padding", (text) => {
    const e = thrown(() => base64ToBytes(text, "body.attributes[0].value.bytesValue"));
    expect(e.code).toBe("invalid_value");
    expect(e.detail).toBe("bytesValue is not valid base64 (bad length or padding)");
    expect(e.path).toBe("body.attributes[0].value.bytesValue");
  });

  test.each<[string, number]>([
    ["AA==AA==", 2],
    ["AA@A", 2],
    ["AAA\u007f", 3],
    ["AAAé", 3],
    ["AA.A", 2],
  ])("%s: character %i is outside the alphabet", (text, at) => {
    const e = thrown(() => base64ToBytes(text, "p"));
    expect(e.code).toBe("invalid_value");
    expect(e.detail).toBe(`bytesValue is not valid base64 (character ${at})`);
    expect(e.path).toBe("p");
  });

  test("the writer pads to a multiple of four", () => {
    expect(bytesToBase64(Uint8Array.from([0xff]))).toBe("/w==");
    expect(bytesToBase64(Uint8Array.from([0xff, 0xef]))).toBe("/+8=");
    expect(bytesToBase64(Uint8Array.from([0xff, 0xef, 0x7e]))).toBe("/+9+");
  });
});

describe("times", () => {
  test("unixNanoToDate rounds toward the past, also before 1970", () => {
    expect(unixNanoToDate(1_500_000n).getTime()).toBe(1);
    expect(unixNanoToDate(-1_000_000n).getTime()).toBe(-1);
    expect(unixNanoToDate(-1_000_001n).getTime()).toBe(-2);
    expect(unixNanoToDate(-999_999n).getTime()).toBe(-1);
    expect(unixNanoToDate(0n).getTime()).toBe(0);
  });

  test("nowUnixNano reads the wall clock once, then advances with the monotonic clock", () => {
    const before = Date.now();
    const first = nowUnixNano();
    // Wait for the millisecond clock to move on by two after the first reading
    // (so more than 1 ms passes between the readings, however late the first ran).
    const start = Date.now();
    while (Date.now() < start + 2) {}
    const second = nowUnixNano();
    const after = Date.now();
    // The first reading is the wall clock of that moment (to the millisecond).
    expect(first >= BigInt(before) * 1_000_000n).toBe(true);
    expect(first <= BigInt(after + 1) * 1_000_000n).toBe(true);
    // The second is later by what the monotonic clock measured.
    expect(second - first >= 1_000_000n).toBe(true);
    expect(second - first <= BigInt(after - before + 1) * 1_000_000n).toBe(true);
  });
});
