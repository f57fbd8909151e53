/**
 * Producer and consumer conveniences: undefined and null attribute values
 * left out when building, the plain-object view of decoded attributes, typed
 * getters and the time helpers.
 */
import {
  createEnvelope,
  dateToUnixNano,
  type Envelope,
  getBool,
  getBytes,
  getDouble,
  getInt,
  getString,
  isEnvelopeError,
  toAttributes,
  toPlainAttributes,
  toPlainExtensions,
  unixNanoToDate,
} from "@envelope/core";
import { describe, expect, test } from "vitest";

function envelope(attributes: Record<string, unknown>): Envelope {
  return createEnvelope({
    schema: { type: "t", subtype: "s", version: "1.0.0" },
    resource: { serviceName: "svc", attributes: { "host.name": "h1", zone: undefined } },
    attributes: attributes as never,
    extensions: [{ namespace: "http", version: "1.2.0", attributes: { status: 200n, path: null } }],
  });
}

function codeAndMessage(run: () => unknown): [string, string] {
  try {
    run();
  } catch (error) {
    if (isEnvelopeError(error)) return [error.code, error.message];
    throw error;
  }
  return expect.unreachable();
}

describe("undefined and null attribute values are left out when building", () => {
  test("at the top level, in nested maps, in resource and extension attributes", () => {
    const e = envelope({
      user: "alice",
      missing: undefined,
      nothing: null,
      nested: { keep: 1n, drop: undefined, map: new Map([["x", null]]) },
    });
    expect([...e.body.attributes.keys()]).toEqual(["user", "nested"]);
    expect(e.body.attributes.get("nested")).toEqual(
      new Map<string, unknown>([
        ["keep", 1n],
        ["map", new Map()],
      ]),
    );
    expect([...e.header.resource.attributes.keys()]).toEqual(["host.name"]);
    expect([...e.body.extensions[0]!.attributes.keys()]).toEqual(["status"]);
  });

  test("but not inside arrays, where leaving one out would shift the rest", () => {
    expect(codeAndMessage(() => toAttributes({ tags: ["a", undefined] } as never))).toEqual([
      "invalid_argument",
      '[invalid_argument] attribute "tags[1]" must be a string, boolean, bigint, number, Uint8Array, array or map, got undefined',
    ]);
  });
});

describe("toPlainAttributes and toPlainExtensions", () => {
  const bytes = new Uint8Array([1, 2, 3]);
  const e = envelope({
    user: "alice",
    attempts: 3n,
    ratio: 0.5,
    ok: true,
    raw: bytes,
    tags: ["a", new Map([["k", -1n]])],
    nested: new Map<string, unknown>([["deep", new Map([["x", 1]])]]),
  });

  test("nested maps become plain objects; bigint, number and Uint8Array are kept", () => {
    const plain = toPlainAttributes(e);
    expect(Object.getPrototypeOf(plain)).toBe(null);
    expect(Object.keys(plain)).toEqual([
      "user",
      "attempts",
      "ratio",
      "ok",
      "raw",
      "tags",
      "nested",
    ]);
    expect(plain.user).toBe("alice");
    expect(plain.attempts).toBe(3n);
    expect(plain.ratio).toBe(0.5);
    expect(plain.ok).toBe(true);
    expect(plain.raw).toBe(bytes);
    expect(JSON.stringify((plain.tags as unknown[])[0])).toBe('"a"');
    expect({ ...((plain.tags as unknown[])[1] as object) }).toEqual({ k: -1n });
    expect({ ...((plain.nested as { deep: object }).deep as object) }).toEqual({ x: 1 });
  });

  test("an attribute map (the resource's) works as well as an envelope", () => {
    expect({ ...toPlainAttributes(e.header.resource.attributes) }).toEqual({ "host.name": "h1" });
  });

  test("extensions are keyed by namespace", () => {
    const x = toPlainExtensions(e);
    expect(Object.keys(x)).toEqual(["http"]);
    expect(x.http!.version).toBe("1.2.0");
    expect({ ...x.http!.attributes }).toEqual({ status: 200n });
  });
});

describe("typed getters", () => {
  const e = envelope({
    user: "alice",
    attempts: 3n,
    ratio: 0.5,
    ok: false,
    raw: new Uint8Array([9]),
  });

  test("return the value, or undefined when the attribute is absent", () => {
    expect(getString(e, "user")).toBe("alice");
    expect(getInt(e, "attempts")).toBe(3n);
    expect(getDouble(e, "ratio")).toBe(0.5);
    expect(getBool(e, "ok")).toBe(false);
    expect(getBytes(e, "raw")).toEqual(new Uint8Array([9]));
    expect(getString(e, "nobody")).toBe(undefined);
    expect(getString(e.header.resource.attributes, "host.name")).toBe("h1");
  });

  test("name the attribute, its kind and the kind asked for when they differ", () => {
    expect(codeAndMessage(() => getString(e, "attempts"))).toEqual([
      "invalid_value",
      '[invalid_value] attribute "attempts" is an int (bigint), not a string',
    ]);
    expect(codeAndMessage(() => getDouble(e, "attempts"))).toEqual([
      "invalid_value",
      '[invalid_value] attribute "attempts" is an int (bigint), not a double (number)',
    ]);
    expect(codeAndMessage(() => getInt(e, "ratio"))).toEqual([
      "invalid_value",
      '[invalid_value] attribute "ratio" is a double (number), not an int (bigint)',
    ]);
    expect(codeAndMessage(() => getBytes(e, "user"))).toEqual([
      "invalid_value",
      '[invalid_value] attribute "user" is a string, not bytes (Uint8Array)',
    ]);
  });
});

describe("createEnvelope names what is missing", () => {
  test("schema and resource", () => {
    expect(
      codeAndMessage(() => createEnvelope({ resource: { serviceName: "a" } } as never)),
    ).toEqual([
      "invalid_argument",
      '[invalid_argument] createEnvelope needs schema: { type, subtype, version }, e.g. { type: "request", subtype: "login", version: "1.0.0" }',
    ]);
    expect(
      codeAndMessage(() =>
        createEnvelope({ schema: { type: "t", subtype: "s", version: "1.0.0" } } as never),
      ),
    ).toEqual([
      "invalid_argument",
      '[invalid_argument] createEnvelope needs resource: { serviceName }, e.g. { serviceName: "auth" }',
    ]);
  });
});

describe("time helpers", () => {
  test("Date to nanoseconds and back (a Date holds milliseconds)", () => {
    const date = new Date("2026-12-05T08:00:00.123Z");
    expect(dateToUnixNano(date)).toBe(1_796_457_600_123_000_000n);
    expect(unixNanoToDate(1_796_457_600_123_999_999n).toISOString()).toBe(
      "2026-12-05T08:00:00.123Z",
    );
    expect(unixNanoToDate(-1n).toISOString()).toBe("1969-12-31T23:59:59.999Z");
  });

  test("refuse what is not a time", () => {
    expect(codeAndMessage(() => dateToUnixNano(new Date(Number.NaN)))).toEqual([
      "invalid_argument",
      "[invalid_argument] dateToUnixNano needs a valid Date",
    ]);
    expect(codeAndMessage(() => unixNanoToDate(1_700_000_000_000 as never))).toEqual([
      "invalid_argument",
      "[invalid_argument] unixNanoToDate needs a bigint of nanoseconds, got a number",
    ]);
    expect(codeAndMessage(() => unixNanoToDate(2n ** 80n))).toEqual([
      "invalid_argument",
      "[invalid_argument] 1208925819614629174706176 ns is outside the range of a Date",
    ]);
  });
});
