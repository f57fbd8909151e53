// The JSON codec object as the frame and the SDK use it: section by section,
// with byte offsets in UTF-8 and the writer's refusal of lone surrogates.
import {
  CODEC_IDS,
  createEnvelope,
  DEFAULT_LIMITS,
  DecodeBudget,
  jsonCodec,
  type Limits,
  resolveLimits,
} from "@envelope/core";
import { describe, expect, test } from "vitest";
import { thrown } from "./thrown.js";

const utf8 = new TextEncoder();
const budget = (limits: Limits = DEFAULT_LIMITS) => new DecodeBudget(limits);

function sample() {
  return createEnvelope({
    schema: { type: "request", subtype: "auth", version: "1.2.0" },
    resource: { serviceName: "checkout" },
    timeUnixNano: 1_700_000_000_000_000_000n,
    attributes: { user: "ünïcödé 😀", n: 3n },
  });
}

describe("the codec object", () => {
  test("is named json, with codec id 2 (the ids the frame writes)", () => {
    expect(CODEC_IDS).toEqual({ protobuf: 1, json: 2, cbor: 3 });
    expect(Object.isFrozen(CODEC_IDS)).toBe(true);
    expect(jsonCodec.name).toBe("json");
    expect(jsonCodec.id).toBe(2);
  });

  test("header and body sections are the envelope's two members, written compactly", () => {
    const e = sample();
    const whole = JSON.parse(new TextDecoder().decode(jsonCodec.encodeEnvelope(e)));
    const header = new TextDecoder().decode(jsonCodec.encodeHeader(e.header));
    const body = new TextDecoder().decode(jsonCodec.encodeBody(e.body));
    expect(header).toBe(JSON.stringify(whole.header));
    expect(body).toBe(JSON.stringify(whole.body));
    expect(body).toBe(
      '{"attributes":[{"key":"user","value":{"stringValue":"ünïcödé 😀"}},{"key":"n","value":{"intValue":"3"}}]}',
    );
    expect(jsonCodec.decodeHeader(utf8.encode(header), budget(), 0)).toEqual(e.header);
    expect(jsonCodec.decodeBody(utf8.encode(body), budget(), 0)).toEqual(e.body);
  });

  test("errors in a section name the section's path and the offset of the section", () => {
    const header = thrown(() =>
      jsonCodec.decodeHeader(utf8.encode('{"eventId":"zz"}'), budget(), 100),
    );
    expect(header.code).toBe("invalid_id");
    expect(header.path).toBe("header.eventId");
    const body = thrown(() =>
      jsonCodec.decodeBody(utf8.encode('{"attributes":{}}'), budget(), 100),
    );
    expect(body.code).toBe("invalid_json");
    expect(body.path).toBe("body.attributes");
    const syntax = thrown(() => jsonCodec.decodeBody(utf8.encode('{"a":}'), budget(), 100));
    expect(syntax.code).toBe("invalid_json");
    expect(syntax.offset).toBe(105);
  });
});

describe("text that is not UTF-8: the offset of the first bad sequence", () => {
  // Each input is a JSON string of `bytes`; the error's offset counts from
  // the section's own offset (10) plus the opening quote.
  test.each<[string, number[], number]>([
    ["a byte that never starts a sequence", [0x61, 0xff], 1],
    ["a lone continuation byte", [0x80], 0],
    ["continuation bytes only", [0x80, 0x80, 0x80, 0x80], 0],
    ["C1 before three continuation bytes", [0xc1, 0xbf, 0xbf, 0xbf], 0],
    ["an overlong two-byte form (C0 80)", [0xc0, 0x80], 0],
    ["an overlong two-byte form (C1 BF)", [0x61, 0xc1, 0xbf], 1],
    ["an overlong three-byte form (E0 80 80)", [0xe0, 0x80, 0x80], 0],
    ["an overlong four-byte form (F0 80 80 80)", [0xf0, 0x80, 0x80, 0x80], 0],
    ["a surrogate (ED A0 80)", [0xc3, 0xa9, 0xed, 0xa0, 0x80], 2],
    ["past U+10FFFF (F4 90 80 80)", [0xf4, 0x90, 0x80, 0x80], 0],
    ["a lead byte past F4", [0xf5, 0x80, 0x80, 0x80], 0],
    ["a sequence cut by the closing quote", [0xe2, 0x82], 0],
    ["a bad third byte", [0xe2, 0x82, 0x41], 0],
    ["a bad fourth byte", [0xf0, 0x9f, 0x98, 0x41], 0],
    // Well-formed sequences at each edge of the table are stepped over.
    ["after U+0080 (C2 80) and U+07FF (DF BF)", [0xc2, 0x80, 0xdf, 0xbf, 0xff], 4],
    [
      "after U+0800 (E0 A0 80) and U+D7FF (ED 9F BF)",
      [0xe0, 0xa0, 0x80, 0xed, 0x9f, 0xbf, 0xff],
      6,
    ],
    [
      "after U+E000 (EE 80 80) and U+FFFF (EF BF BF)",
      [0xee, 0x80, 0x80, 0xef, 0xbf, 0xbf, 0xc0],
      6,
    ],
    ["after U+10000 (F0 90 80 80)", [0xf0, 0x90, 0x80, 0x80, 0x80], 4],
    ["after U+50000 (F1 90 80 80)", [0xf1, 0x90, 0x80, 0x80, 0xc0], 4],
    ["after U+10FFFF (F4 8F BF BF)", [0xf4, 0x8f, 0xbf, 0xbf, 0xf8], 4],
  ])("%s", (_label, bytes, at) => {
    const text = Uint8Array.from([0x22, ...bytes, 0x22]);
    const e = thrown(() => jsonCodec.decodeBody(text, budget(), 10));
    expect(e.code).toBe("invalid_utf8");
    expect(e.detail).toBe("JSON text is not valid UTF-8");
    expect(e.offset).toBe(10 + 1 + at);
  });
});

describe("offsets and lengths count UTF-8 bytes, not UTF-16 units", () => {
  // U+0080 and U+07FF take 2 bytes, U+0800 and U+FFFF 3, a surrogate pair 4
  // (U+10000 is D800 DC00, U+10FFFF DBFF DFFF: the pairs' edges).
  const wide = "\u0080\u07ff\u0800\uffff😀\u{10000}\u{10ffff}";
  const wideBytes = 2 + 2 + 3 + 3 + 4 + 4 + 4;

  test("a syntax error after wide characters", () => {
    const text = `{"attributes":[{"key":"${wide}","value":}]}`;
    const e = thrown(() => jsonCodec.decodeBody(utf8.encode(text), budget(), 0));
    expect(e.code).toBe("invalid_json");
    const at = text.indexOf("}]");
    expect(e.offset).toBe(utf8.encode(text.slice(0, at)).length);
    expect(e.offset).toBe(at + wideBytes - wide.length);
  });

  test("a member name longer than maxKeyLength: its length and offset in bytes", () => {
    const limits = resolveLimits({ maxKeyLength: wideBytes - 1 });
    const text = `{"x":"${wide}","${wide}":1}`;
    const e = thrown(() => jsonCodec.decodeBody(utf8.encode(text), budget(limits), 0));
    expect(e.code).toBe("limit_exceeded");
    expect(e.detail).toBe(
      `a member name of ${wideBytes} bytes is longer than maxKeyLength (${wideBytes - 1})`,
    );
    expect(e.offset).toBe(6 + wideBytes + 2);
    const fits = `{"${wide}":1}`;
    const ok = resolveLimits({ maxKeyLength: wideBytes });
    expect(jsonCodec.decodeBody(utf8.encode(fits), budget(ok), 0).$unknown).toBeDefined();
  });

  test("an attribute key: exactly maxKeyLength bytes passes, one more does not", () => {
    const body = (key: string) =>
      utf8.encode(`{"attributes":[{"key":"${key}","value":{"boolValue":true}}]}`);
    const limits = resolveLimits({ maxKeyLength: wideBytes });
    expect([...jsonCodec.decodeBody(body(wide), budget(limits), 0).attributes.keys()]).toEqual([
      wide,
    ]);
    const e = thrown(() => jsonCodec.decodeBody(body(`${wide}a`), budget(limits), 0));
    expect(e.code).toBe("limit_exceeded");
    expect(e.path).toBe("body.attributes[0].key");
    expect(e.detail).toBe(
      `a key of ${wideBytes + 1} bytes is longer than maxKeyLength (${wideBytes})`,
    );
  });

  test("a string longer than maxStringLength: its length in bytes", () => {
    const limits = resolveLimits({ maxStringLength: wideBytes });
    const body = (s: string) =>
      utf8.encode(`{"attributes":[{"key":"k","value":{"stringValue":"${s}"}}]}`);
    expect(jsonCodec.decodeBody(body(wide), budget(limits), 0).attributes.get("k")).toBe(wide);
    const e = thrown(() => jsonCodec.decodeBody(body(`${wide}😀`), budget(limits), 0));
    expect(e.code).toBe("limit_exceeded");
    expect(e.detail).toBe(
      `a string of ${wideBytes + 4} UTF-8 bytes is longer than maxStringLength (${wideBytes})`,
    );
  });

  test("a \\u escape of a lone surrogate is invalid_utf8 at the escape", () => {
    const text = `{"attributes":[{"key":"é\\ud83dx","value":{"boolValue":true}}]}`;
    const e = thrown(() => jsonCodec.decodeBody(utf8.encode(text), budget(), 0));
    expect(e.code).toBe("invalid_utf8");
    expect(e.detail).toBe("a \\u escape is a lone surrogate, not a character");
    expect(e.offset).toBe(text.indexOf("\\") + 1);
  });
});

describe("the writer refuses lone surrogates", () => {
  const withString = (s: string) =>
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "svc" },
      attributes: { s },
    });

  test.each([
    ["a lone high surrogate", "a\ud800"],
    ["a lone low surrogate", "\udfff"],
    ["a lone surrogate after a backslash", "\\\ud800"],
    ["a lone surrogate after two backslashes", "\\\\\udbff"],
  ])("%s", (_label, s) => {
    const e = thrown(() => jsonCodec.encodeEnvelope(withString(s)));
    expect(e.code).toBe("invalid_utf8");
    expect(e.message).toBe("[invalid_utf8] a string has a lone surrogate and is not valid Unicode");
    expect(thrown(() => jsonCodec.encodeBody(withString(s).body)).code).toBe("invalid_utf8");
  });

  test.each([
    ["the text \\ud800 (a backslash, then letters)", "\\ud800"],
    ["three backslashes, then ud800", "\\\\\\ud800"],
    ["a surrogate pair", "😀"],
  ])("%s is written and read back", (_label, s) => {
    const e = withString(s);
    const bytes = jsonCodec.encodeEnvelope(e);
    expect(jsonCodec.decodeEnvelope(bytes, budget(), 0).body.attributes.get("s")).toBe(s);
  });
});
