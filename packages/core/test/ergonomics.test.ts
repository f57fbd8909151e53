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
  newEventId,
  toAttributes,
  toPlainAttributes,
  toPlainExtensions,
  UnknownValue,
  unixNanoToDate,
} from "@envelope/core";
import { describe, expect, test, vi } from "vitest";

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

describe("typed getters name every kind they find", () => {
  const attributes = toAttributes({
    s: "x",
    b: true,
    i: 1n,
    d: 1.5,
    raw: new Uint8Array([1]),
    list: ["a"],
    map: { k: "v" },
  });
  attributes.set("future", new UnknownValue("protobuf", new Uint8Array([0x50, 0x01])));

  test.each([
    ["s", "a string"],
    ["b", "a bool"],
    ["i", "an int (bigint)"],
    ["d", "a double (number)"],
    ["raw", "bytes (Uint8Array)"],
    ["list", "an array"],
    ["map", "a map"],
    ["future", "a value of a newer kind"],
  ])("%s is %s", (key, kind) => {
    const asked = key === "b" ? getString : getBool;
    const want = key === "b" ? "a string" : "a bool";
    expect(codeAndMessage(() => asked(attributes, key))).toEqual([
      "invalid_value",
      `[invalid_value] attribute "${key}" is ${kind}, not ${want}`,
    ]);
  });

  test("getBool returns a bool", () => {
    expect(getBool(attributes, "b")).toBe(true);
  });

  test.each([
    ["undefined", undefined],
    ["an object without a body", {}],
    ["a body without attributes", { body: {} }],
    ["attributes that are not a Map", { body: { attributes: {} } }],
  ])("a source that is %s is refused", (_label, source) => {
    expect(codeAndMessage(() => getString(source as never, "k"))).toEqual([
      "invalid_argument",
      "[invalid_argument] expected an envelope or an attribute Map",
    ]);
  });
});

describe("createEnvelope copies only what is given", () => {
  const base = {
    schema: { type: "t", subtype: "s", version: "1.0.0" },
    resource: { serviceName: "svc" },
  };

  test("no trace and no status: the header has neither key", () => {
    const e = createEnvelope(base);
    expect(Object.hasOwn(e.header, "trace")).toBe(false);
    expect(Object.hasOwn(e.header, "status")).toBe(false);
  });

  test("a trace and a status are kept", () => {
    const trace = { traceId: new Uint8Array(16).fill(1), spanId: new Uint8Array(8).fill(2) };
    const status = { code: 2, message: "failed" };
    const e = createEnvelope({ ...base, trace, status } as never);
    expect(e.header.trace).toBe(trace);
    expect(e.header.status).toBe(status);
  });

  test("no init, a null schema or a null resource is invalid_argument", () => {
    expect(codeAndMessage(() => createEnvelope(undefined as never))[0]).toBe("invalid_argument");
    expect(codeAndMessage(() => createEnvelope({ ...base, schema: null } as never))[1]).toMatch(
      /needs schema/,
    );
    expect(codeAndMessage(() => createEnvelope({ ...base, resource: null } as never))[1]).toMatch(
      /needs resource/,
    );
  });

  test("null attributes build an empty map", () => {
    expect(toAttributes(null as never)).toEqual(new Map());
  });

  test.each([
    ["a Date", new Date(0), "a Date"],
    ["an object without a prototype", Object.create(null), "an object without a prototype"],
    ["an instance of an anonymous class", new (class {})(), "an object without a prototype"],
    [
      "an object whose constructor has no name",
      Object.create({ constructor: { name: 1 } }),
      "an object without a prototype",
    ],
    ["a symbol", Symbol("s"), "a symbol"],
  ])("%s is refused and named", (_label, value, kind) => {
    expect(codeAndMessage(() => toAttributes({ a: { b: value } } as never))).toEqual([
      "invalid_argument",
      `[invalid_argument] attribute "a.b" must be a string, boolean, bigint, number, Uint8Array, array or map, got ${kind}`,
    ]);
  });
});

describe("newEventId", () => {
  test("draws again when the random bytes are all zero, and only then", () => {
    const draws = [
      new Uint8Array(16),
      Uint8Array.from({ length: 16 }, (_, i) => (i === 3 ? 0 : 7)),
    ];
    const spy = vi.spyOn(crypto, "getRandomValues").mockImplementation(<T>(array: T): T => {
      (array as Uint8Array).set(draws.shift()!);
      return array;
    });
    try {
      const id = newEventId();
      expect(spy).toHaveBeenCalledTimes(2);
      expect([...id]).toEqual([7, 7, 7, 0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7]);
    } finally {
      spy.mockRestore();
    }
  });
});
