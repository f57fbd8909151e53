// The external CBOR vectors (test/vectors/README.md) at the codec layer:
// every Appendix A item decodes to its value or is rejected by a named rule of
// the envelope mapping, and every one of the 105 reject inputs is rejected.
import { readFileSync } from "node:fs";
import { checkCborWellFormed, decodeCborItem, encodeCborItem } from "@envelope/cbor";
import { type AttributeValue, EnvelopeError, type ErrorCode } from "@envelope/core";
import { describe, expect, test } from "vitest";

interface AppendixItem {
  hex: string;
  roundtrip: boolean;
  decoded?: unknown;
  diagnostic?: string;
}
interface RejectCase {
  hex: string;
  sections: string[];
}

const vectors = new URL("./vectors/", import.meta.url);
const appendix = JSON.parse(
  readFileSync(new URL("appendix_a.json", vectors), "utf8"),
) as AppendixItem[];
const rejects = (
  JSON.parse(readFileSync(new URL("cbor_reject_union.json", vectors), "utf8")) as {
    cases: RejectCase[];
  }
).cases;

const fromHex = (hex: string) => Uint8Array.from(Buffer.from(hex, "hex"));
const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

function thrown(fn: () => unknown): EnvelopeError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EnvelopeError);
    return error as EnvelopeError;
  }
  throw new Error("expected an EnvelopeError, nothing was thrown");
}

/**
 * Appendix A items the envelope mapping rejects on purpose, with the rule.
 * Everything else in the table must decode to its value.
 */
const MAPPING_REJECTS: Record<string, { code: ErrorCode; rule: string; offset?: number }> = {
  "1bffffffffffffffff": {
    code: "invalid_value",
    rule: "integers are int64: 2^64-1 is out of range",
  },
  "3bffffffffffffffff": {
    code: "invalid_value",
    rule: "integers are int64: -2^64 is out of range",
  },
  c249010000000000000000: { code: "invalid_cbor", rule: "no tags: tag 2 (bignum)" },
  c349010000000000000000: { code: "invalid_cbor", rule: "no tags: tag 3 (negative bignum)" },
  c074323031332d30332d32315432303a30343a30305a: {
    code: "invalid_cbor",
    rule: "no tags: tag 0 (date/time text)",
  },
  c11a514b67b0: { code: "invalid_cbor", rule: "no tags: tag 1 (epoch time)" },
  c1fb41d452d9ec200000: { code: "invalid_cbor", rule: "no tags: tag 1 (epoch time)" },
  d74401020304: { code: "invalid_cbor", rule: "no tags: tag 23 (base16 hint)" },
  d818456449455446: { code: "invalid_cbor", rule: "no tags: tag 24 (embedded CBOR)" },
  d82076687474703a2f2f7777772e6578616d706c652e636f6d: {
    code: "invalid_cbor",
    rule: "no tags: tag 32 (URI)",
  },
  f6: { code: "invalid_cbor", rule: "no null: the contract has no null value" },
  f7: { code: "invalid_cbor", rule: "no undefined" },
  f0: { code: "invalid_cbor", rule: "no simple values other than false/true" },
  // RFC 7049's table has simple(24) as f818; RFC 8949 section 3.3 made two-byte
  // simple values below 32 not well-formed (the reject union has f818 too).
  f818: {
    code: "invalid_cbor",
    rule: "not well-formed since RFC 8949 (two-byte simple value < 32)",
  },
  f8ff: { code: "invalid_cbor", rule: "no simple values other than false/true" },
  a201020304: { code: "invalid_cbor", rule: "attribute maps have text keys", offset: 1 },
};

const FLOAT_HEADS = new Set([0xf9, 0xfa, 0xfb]);

/** The model value of an Appendix A `decoded` JSON value; `float` says the item is a CBOR float. */
function modelOf(json: unknown, float: boolean): AttributeValue {
  if (typeof json === "number") {
    if (float) return json;
    expect(Number.isSafeInteger(json)).toBe(true); // larger ones are all in MAPPING_REJECTS
    return BigInt(json);
  }
  if (typeof json === "string" || typeof json === "boolean") return json;
  if (Array.isArray(json)) return json.map((v) => modelOf(v, false));
  if (typeof json === "object" && json !== null) {
    return new Map(Object.entries(json).map(([k, v]) => [k, modelOf(v, false)]));
  }
  throw new Error(`no model value for ${JSON.stringify(json)}`);
}

/** The few diagnostic-notation items that are not rejected. */
function modelOfDiagnostic(diagnostic: string): AttributeValue {
  switch (diagnostic) {
    case "Infinity":
      return Number.POSITIVE_INFINITY;
    case "-Infinity":
      return Number.NEGATIVE_INFINITY;
    case "NaN":
      return Number.NaN;
    case "h''":
      return new Uint8Array(0);
    case "h'01020304'":
      return fromHex("01020304");
    case "(_ h'0102', h'030405')":
      return fromHex("0102030405");
  }
  throw new Error(`no model value for diagnostic ${diagnostic}`);
}

describe("RFC 8949 Appendix A", () => {
  test("the table has 82 items, 16 of them rejected by the mapping", () => {
    expect(appendix).toHaveLength(82);
    expect(appendix.filter((item) => item.hex in MAPPING_REJECTS)).toHaveLength(16);
  });

  const wellFormed = appendix.filter((item) => item.hex !== "f818");
  test.each(wellFormed.map((item) => [item.hex] as const))("%s is well-formed", (hex) => {
    expect(() => checkCborWellFormed(fromHex(hex))).not.toThrow();
  });

  test("f818 (simple(24) in RFC 7049's table) is not well-formed under RFC 8949", () => {
    expect(thrown(() => checkCborWellFormed(fromHex("f818"))).code).toBe("invalid_cbor");
  });

  const decoded = appendix.filter((item) => !(item.hex in MAPPING_REJECTS));
  test.each(
    decoded.map((item) => [item.hex, item] as const),
  )("%s decodes to its value", (hex, item) => {
    const expected =
      item.decoded !== undefined
        ? modelOf(item.decoded, FLOAT_HEADS.has(fromHex(hex)[0]!))
        : modelOfDiagnostic(item.diagnostic!);
    expect(decodeCborItem(fromHex(hex))).toEqual(expected);
  });

  test.each(Object.entries(MAPPING_REJECTS))("%s is rejected: %o", (hex, { code, offset }) => {
    const error = thrown(() => decodeCborItem(fromHex(hex)));
    expect(error.code).toBe(code);
    expect(error.offset).toBe(offset ?? 0);
  });

  // Every decoded item flagged `roundtrip` is in preferred serialization, so the
  // deterministic profile (shortest integers and floats, sorted keys) writes it back byte for byte.
  const roundtrip = decoded.filter((item) => item.roundtrip);
  test.each(
    roundtrip.map((item) => [item.hex] as const),
  )("%s re-encodes exactly (deterministic)", (hex) => {
    expect(toHex(encodeCborItem(decodeCborItem(fromHex(hex)), { deterministic: true }))).toBe(hex);
  });

  test("counts: 66 decoded (49 of them re-encode exactly), 16 rejected by rule", () => {
    expect(decoded).toHaveLength(66);
    expect(roundtrip).toHaveLength(49);
  });
});

/** The code a strict well-formedness check gives for each reject case, from the section it comes from. */
function wellFormedCode(c: RejectCase): ErrorCode {
  const sections = c.sections.join(" | ");
  if (/UTF-8/.test(sections)) return "invalid_utf8";
  if (
    /Premature end|End of input|short data|not closed|truncated|not followed by tag content/i.test(
      sections,
    )
  ) {
    return "truncated";
  }
  return "invalid_cbor";
}

/**
 * Where the mapping decoder rejects for a mapping rule before it reaches the
 * well-formedness error (it reads left to right and stops at the first problem).
 */
const ITEM_CODE_DIFFERS: Record<string, { code: ErrorCode; why: string }> = {
  c0: { code: "invalid_cbor", why: "a tag head: tags are not part of the mapping" },
  a100: { code: "invalid_cbor", why: "integer key 0 in an attribute map" },
  a20102: { code: "invalid_cbor", why: "integer key 1 in an attribute map" },
  a2000000: { code: "invalid_cbor", why: "integer key 0 in an attribute map" },
  bf01020102: { code: "invalid_cbor", why: "integer key 1 in an attribute map" },
};

describe("reject union (fxamacker/cbor + ciborium)", () => {
  test("there are 105 cases", () => {
    expect(rejects).toHaveLength(105);
  });

  test.each(rejects.map((c) => [c.hex, c] as const))("%s is not well-formed", (hex, c) => {
    const error = thrown(() => checkCborWellFormed(fromHex(hex)));
    expect(error.code).toBe(wellFormedCode(c));
    expect(error.message).toMatch(/at byte \d+/);
  });

  test.each(
    rejects.map((c) => [c.hex, c] as const),
  )("%s is rejected by decodeCborItem", (hex, c) => {
    const error = thrown(() => decodeCborItem(fromHex(hex)));
    expect(error.code).toBe(ITEM_CODE_DIFFERS[hex]?.code ?? wellFormedCode(c));
    expect(error.offset).toBeGreaterThanOrEqual(0);
    expect(error.offset).toBeLessThanOrEqual(hex.length / 2);
  });
});
