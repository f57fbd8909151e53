import type { AttributeValue } from "@envelope/core";
import { createEnvelope, EnvelopeError, fromJson, isEnvelopeError, toJson } from "@envelope/sdk";
import { describe, expect, test } from "vitest";

function valid(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify(
      toJson(
        createEnvelope({
          schema: { type: "t", subtype: "s", version: "1.0.0" },
          resource: { serviceName: "svc" },
          attributes: { n: 1n, s: "x" },
        }),
      ),
    ),
  ) as Record<string, unknown>;
}

function errorOf(value: unknown): { code: string; path: string | undefined } {
  try {
    fromJson(value);
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, path: error.path };
  }
  throw new Error("expected an EnvelopeError");
}

describe("fromJson accepts JSON values only", () => {
  const header = (patch: Record<string, unknown>) => {
    const v = valid();
    Object.assign(v.header as object, patch);
    return v;
  };
  test.each([
    [
      "bigint time",
      () => header({ timeUnixNano: 1700000000000000000n }),
      "invalid_json",
      "header.timeUnixNano",
    ],
    ["undefined member", () => header({ trace: undefined }), "invalid_json", "header.trace"],
    ["function", () => header({ status: () => 1 }), "invalid_json", "header.status"],
    ["symbol", () => header({ status: Symbol("s") }), "invalid_json", "header.status"],
    ["Date", () => header({ resource: new Date(0) }), "invalid_json", "header.resource"],
    ["NaN", () => header({ status: { code: Number.NaN } }), "invalid_json", "header.status.code"],
    [
      "lone surrogate",
      () => header({ resource: { serviceName: "\ud800" } }),
      "invalid_utf8",
      "header.resource.serviceName",
    ],
    [
      "circular",
      () => {
        const v = valid();
        (v.body as Record<string, unknown>).self = v;
        return v;
      },
      "invalid_json",
      "body.self",
    ],
    ["not an object", () => 1n, "invalid_json", ""],
  ])("%s -> %s at %s", (_name, build, code, path) => {
    expect(errorOf(build())).toEqual({ code, path });
  });

  test("a plain JSON value round-trips", () => {
    const v = valid();
    expect(toJson(fromJson(v))).toEqual(v);
  });
});

describe("toJson never throws RangeError", () => {
  test("an attribute value nested 100,000 deep is limit_exceeded", () => {
    const e = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "svc" },
    });
    let deep: AttributeValue[] = [];
    for (let i = 0; i < 100_000; i++) deep = [deep];
    e.body.attributes.set("deep", deep);
    expect(() => toJson(e)).toThrow(EnvelopeError);
    expect(() => toJson(e)).toThrow(/\[limit_exceeded\]/);
  });
});
