// Hostile JSON (docs/spec.md, "Codec: JSON"; docs/security.md): deep or wide
// unknown values, huge numbers, duplicate and long member names, lone
// surrogates, strings whose UTF-8 length is over the limit, and JavaScript
// values fromJson/toJson cannot take. Each input is an unframed JSON envelope
// decoded with `decode(bytes, { framed: false, codec: "json" })`, or a value
// given to fromJson/toJson. `peer()` builds a valid envelope of about the same
// size for bench/hostile.mjs. See ../README.md.
import { createEnvelope, decode, fromJson, toJson } from "@envelope/sdk";

const MiB = 1024 * 1024;
const utf8 = new TextEncoder();

const HEADER = JSON.stringify({
  schema: { type: "t", subtype: "s", version: "1.0.0" },
  eventId: "0af7651916cd43dd8448eb211c80319c",
  timeUnixNano: "1700000000000000000",
  producer: { language: "go", version: "0.1.0" },
  resource: { serviceName: "svc" },
});

/** An unframed JSON envelope whose body holds `bodyJson` (text) and whose root ends with `extra` (text, may be empty). */
function envelopeText(bodyJson, extra = "") {
  return `{"header":${HEADER},"body":${bodyJson}${extra}}`;
}

const readJson = (bytes, limits) =>
  decode(bytes, { framed: false, codec: "json", ...(limits ? { limits } : {}) });

/** What a decode returned, small: attribute count and unknown root keys. */
function summary(envelope) {
  return {
    attributes: envelope.body.attributes.size,
    unknownRootKeys: envelope.$unknown?.data.length ?? 0,
  };
}

/** A valid envelope of about `size` bytes: at most 50,000 string attributes. */
function validOfSize(size) {
  const count = Math.min(50_000, Math.ceil(size / 48));
  const value = "v".repeat(Math.max(1, Math.floor(size / count) - 48));
  const items = [];
  for (let i = 0; i < count; i++) {
    items.push(`{"key":"k${i}","value":{"stringValue":"${value}"}}`);
  }
  return utf8.encode(envelopeText(`{"attributes":[${items.join(",")}]}`));
}

/** A valid envelope of about `size` bytes with one long string value. */
function validLongString(size, char = "a") {
  return utf8.encode(
    envelopeText(
      `{"attributes":[{"key":"s","value":{"stringValue":"${char.repeat(size / utf8.encode(char).length)}"}}]}`,
    ),
  );
}

export const cases = [
  {
    name: "json: unknown value nested 100,000 deep",
    build: () =>
      utf8.encode(envelopeText("{}", `,"x":${"[".repeat(100_000)}${"]".repeat(100_000)}`)),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(200_000),
  },
  {
    name: "json: unknown value nested 100,000 deep in an attribute",
    build: () =>
      utf8.encode(
        envelopeText(
          `{"attributes":[{"key":"k","value":{"futureValue":${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}}]}`,
        ),
      ),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(600_000),
  },
  {
    name: "json: 8 MiB of empty objects in an unknown value",
    build: () => {
      const count = (8 * MiB) / 3;
      return utf8.encode(envelopeText("{}", `,"x":[${"{},".repeat(count - 1)}{}]`));
    },
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(8 * MiB),
  },
  {
    // null reads as absent, so the mapping never sees these; the parser's
    // bound on members (8 x maxAttributes + 4096) stops them.
    name: "json: 810,000 null members in a known object",
    build: () => {
      const members = [];
      for (let i = 0; i < 810_000; i++) members.push(`"${i.toString(36)}":null`);
      return utf8.encode(envelopeText(`{${members.join(",")}}`));
    },
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(810_000 * 11),
  },
  {
    name: "json: unknown value with more entries than maxAttributes",
    build: () => utf8.encode(envelopeText("{}", `,"x":[${"0,".repeat(100_000)}0]`)),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(200_000),
  },
  {
    name: "json: intValue string of 8 MiB digits",
    build: () =>
      utf8.encode(
        envelopeText(`{"attributes":[{"key":"i","value":{"intValue":"${"9".repeat(8 * MiB)}"}}]}`),
      ),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "invalid_value" },
    peer: () => validLongString(8 * MiB),
  },
  {
    name: "json: number of 8 MiB digits",
    build: () =>
      utf8.encode(
        envelopeText(`{"attributes":[{"key":"i","value":{"intValue":${"9".repeat(8 * MiB)}}}]}`),
      ),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "invalid_json" },
    peer: () => validLongString(8 * MiB),
  },
  {
    name: "json: duplicate member name (header twice)",
    build: () => utf8.encode(`{"header":${HEADER},"body":{},"header":${HEADER}}`),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "invalid_json" },
  },
  {
    name: "json: 8,000 distinct member names of 1,000 bytes in one object",
    build: () => {
      const members = [];
      for (let i = 0; i < 8_000; i++) members.push(`"${String(i).padStart(1000, "k")}":0`);
      return utf8.encode(envelopeText("{}", `,"x":{${members.join(",")}}`));
    },
    run: (bytes) => summary(readJson(bytes)),
    expect: { value: { attributes: 0, unknownRootKeys: 1 } },
    peer: () => validOfSize(8_000 * 1006),
  },
  {
    name: "json: member names of 20,000 characters (one V8 hash)",
    build: () => {
      const members = [];
      for (let i = 0; i < 400; i++) members.push(`"${String(i).padStart(20_000, "k")}":0`);
      return utf8.encode(envelopeText("{}", `,"x":{${members.join(",")}}`));
    },
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(400 * 20_004),
  },
  {
    name: "json: attribute keys of 20,000 characters",
    build: () => {
      const items = [];
      for (let i = 0; i < 400; i++) {
        items.push(`{"key":"${String(i).padStart(20_000, "k")}","value":{"boolValue":true}}`);
      }
      return utf8.encode(envelopeText(`{"attributes":[${items.join(",")}]}`));
    },
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(400 * 20_040),
  },
  {
    name: "json: lone surrogate escape",
    build: () =>
      utf8.encode(envelopeText(`{"attributes":[{"key":"s","value":{"stringValue":"a\\ud800b"}}]}`)),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "invalid_utf8" },
  },
  {
    name: "json: string of 5 Mi 'é' (10 MiB of UTF-8) under an 8 MiB maxStringLength",
    build: () => validLongString(10 * MiB, "é"),
    run: (bytes) => summary(readJson(bytes, { maxStringLength: 8 * MiB })),
    expect: { code: "limit_exceeded" },
    peer: () => validLongString(10 * MiB),
  },
  {
    name: "json: byte order mark before the JSON text",
    build: () => utf8.encode(`\ufeff${envelopeText("{}")}`),
    run: (bytes) => summary(readJson(bytes)),
    expect: { code: "invalid_json" },
  },
  {
    name: "fromJson: a bigint where a decimal string belongs",
    build: () => ({ ...JSON.parse(envelopeText("{}")), extra: 1n }),
    run: (value) => summary(fromJson(value, { validate: false })),
    expect: { code: "invalid_json" },
  },
  {
    name: "fromJson: a circular value",
    build: () => {
      const value = JSON.parse(envelopeText("{}"));
      value.header.resource.self = value;
      return value;
    },
    run: (value) => summary(fromJson(value)),
    expect: { code: "invalid_json" },
  },
  {
    name: "toJson: an attribute value nested 100,000 deep",
    build: () => {
      let deep = [];
      for (let i = 0; i < 100_000; i++) deep = [deep];
      const envelope = createEnvelope({
        schema: { type: "t", subtype: "s", version: "1.0.0" },
        resource: { serviceName: "svc" },
      });
      // Set directly: createEnvelope copies values recursively.
      envelope.body.attributes.set("deep", deep);
      return envelope;
    },
    run: (envelope) => Object.keys(toJson(envelope)),
    expect: { code: "limit_exceeded" },
  },
];
