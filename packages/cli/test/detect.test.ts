/**
 * Detection rules, in order (README.md, "Detection"), on the first bytes
 * alone: table-driven, one row per rule and per near miss.
 */
import {
  decodeText,
  detect,
  looksDelimited,
  looksLikeEnvelope,
  textEncodingOf,
} from "@envelope/cli";
import { createEnvelope, encode } from "@envelope/sdk";
import { describe, expect, test } from "vitest";

const envelope = createEnvelope({
  schema: { type: "t", subtype: "s", version: "1.0.0" },
  resource: { serviceName: "svc" },
  attributes: { n: 1n },
});
const frame = encode(envelope);
const protobuf = encode(envelope, { framed: false });
const cbor = encode(envelope, { framed: false, codec: "cbor" });
const lz4 = encode(envelope, { framed: false, compression: "lz4" });
const text = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => Uint8Array.from(b);
const join = (...parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe("detect", () => {
  test.each<[string, Uint8Array, ReturnType<typeof detect>]>([
    ["a frame", frame, { form: "frames", text: undefined }],
    [
      "a damaged magic (3 of 4 bytes)",
      join(bytes(0x09), frame.subarray(1)),
      { form: "frames", text: undefined },
    ],
    ["an LZ4 frame", lz4, { form: "lz4", text: undefined }],
    ["a JSON object", text('  {"header": {}}'), { form: "json", text: undefined }],
    [
      "a pretty-printed JSON object",
      text('{\n  "header": {}\n}\n{'),
      { form: "json", text: undefined },
    ],
    ["a JSON array", text("[{}]"), { form: "json", text: undefined }],
    ["NDJSON", text('{"a":1}\n{"a":2}\n'), { form: "ndjson", text: undefined }],
    ["one JSON line and a newline", text('{"a":1}\n'), { form: "json", text: undefined }],
    [
      "NDJSON after a BOM",
      join(bytes(0xef, 0xbb, 0xbf), text('{"a":1}\r\n{"a":2}')),
      { form: "ndjson", text: undefined },
    ],
    ["hex", text(Buffer.from(frame).toString("hex")), { form: undefined, text: "hex" }],
    [
      "HEX with 0x, commas and spaces",
      text("0x89, 0x45, 0x4E, 0x56"),
      { form: undefined, text: "hex" },
    ],
    [
      "an xxd line",
      text("00000000: 8945 4e56 0101 0000  .ENV....\n"),
      { form: undefined, text: "hex" },
    ],
    [
      "a hexdump -C line",
      text("00000000  89 45 4e 56 01 01 00 00  |.ENV....|\n"),
      { form: undefined, text: "hex" },
    ],
    ["base64", text(Buffer.from(frame).toString("base64")), { form: undefined, text: "base64" }],
    [
      "base64url",
      text(Buffer.from(frame).toString("base64url")),
      { form: undefined, text: "base64" },
    ],
    ["raw CBOR", cbor, { form: "cbor", text: undefined }],
    ["raw protobuf", protobuf, { form: "protobuf", text: undefined }],
    [
      "length-delimited protobuf",
      join(bytes(protobuf.length), protobuf, bytes(protobuf.length), protobuf),
      { form: "protobuf-delimited", text: undefined },
    ],
    ["frames after leading bytes", join(text("key:"), frame), { form: "frames", text: undefined }],
    ["plain text", text("hello, world"), { form: undefined, text: undefined }],
    ["zeros", new Uint8Array(64), { form: undefined, text: undefined }],
  ])("%s", (_, input, expected) => {
    expect(detect(input, true)).toEqual(expected);
  });

  test("raw protobuf needs the whole input: a head alone does not decide", () => {
    expect(detect(protobuf.subarray(0, 40), false)).toEqual({ form: undefined, text: undefined });
  });
});

describe("the protobuf heuristic", () => {
  test("an Envelope's shape, not a header or a truncated message", () => {
    expect(looksLikeEnvelope(protobuf, 0, protobuf.length)).toBe(true);
    expect(looksLikeEnvelope(protobuf, 0, protobuf.length - 1)).toBe(false);
    expect(looksLikeEnvelope(join(protobuf, bytes(0)), 0, protobuf.length + 1)).toBe(false);
    expect(looksLikeEnvelope(bytes(0x12, 0x00), 0, 2)).toBe(false);
  });

  test("length-delimited: the first record, and the start of the next", () => {
    expect(looksDelimited(join(bytes(protobuf.length), protobuf), true)).toBe(true);
    expect(looksDelimited(join(bytes(protobuf.length), protobuf, bytes(0xff)), true)).toBe(false);
    expect(looksDelimited(join(bytes(protobuf.length + 1), protobuf), true)).toBe(false);
  });
});

describe("text", () => {
  test("a head cut in the middle of a hex pair is still hex", () => {
    expect(textEncodingOf(text("89454e5"), false)).toBe("hex");
    expect(textEncodingOf(text("89454e5"), true)).toBe("base64");
  });

  test.each([
    ["plain", Buffer.from(frame).toString("hex")],
    ["xxd", "00000000: 8945 4e56 0101  .ENV..\n00000006: 0000                      ..\n"],
    ["hexdump -C", "00000000  89 45 4e 56 01 01 00 00  |.ENV....|\n00000008\n"],
  ])("%s hex decodes to the bytes", (_, input) => {
    const out = decodeText(text(input), "hex");
    expect(Buffer.from(out.subarray(0, 4)).toString("hex")).toBe("89454e56");
  });

  test.each<[string, string, ReturnType<typeof textEncodingOf>]>([
    ["base64 with white space anywhere and padding", " QUJD\nRA\t= =\r\n ", "base64"],
    ["three padding characters", "QUJDRA===", undefined],
    ["padding in the middle", "QU==JD", undefined],
    ["a character outside both alphabets", "QUJD!", undefined],
    ["0x prefixes inside hex", "0x89 0X45,0x4e:0x56", "hex"],
    ["fewer than 4 base64 characters", "QUJ", undefined],
  ])("%s", (_, input, expected) => {
    expect(textEncodingOf(text(input), true)).toBe(expected);
  });

  test("base64 padding and white space decode to the bytes", () => {
    expect(Buffer.from(decodeText(text(" QUJD\nRA\t= =\r\n "), "base64")).toString()).toBe("ABCD");
  });

  test("odd hex and bad base64 are unreadable input (exit 4)", () => {
    expect(() => decodeText(text("894"), "hex")).toThrow("odd number of digits");
    expect(() => decodeText(text("ab=cd"), "base64")).toThrow("not base64");
    expect(() => decodeText(text("abcde"), "base64")).toThrow("not base64");
  });
});
