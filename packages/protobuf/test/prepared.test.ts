import { readdirSync, readFileSync } from "node:fs";
import {
  type AttributeValue,
  createEnvelope,
  DEFAULT_LIMITS,
  type Envelope,
  EnvelopeError,
  readFramePrefix,
  UnknownValue,
} from "@envelope/core";
import {
  type PreparedEncoder,
  type PreparedEvent,
  type PreparedInit,
  prepareEncoder,
  protobufCodec,
} from "@envelope/protobuf";
import { decode, encode } from "@envelope/sdk";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { envelope as arbitraryEnvelope } from "../../../test/support/arbitrary.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** A value's descriptor kind. */
function kindOf(v: AttributeValue): string {
  if (typeof v === "string") return "string";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "double";
  if (typeof v === "boolean") return "bool";
  if (v instanceof Uint8Array) return "bytes";
  return Array.isArray(v) ? "array" : "map";
}

/** The event of an envelope, declaring each of its attributes with the kind of its value, and the init of a builder. */
function registered(e: Envelope): { event: PreparedEvent; init: PreparedInit } {
  const h = e.header;
  return {
    event: {
      ...h.schema!,
      attributes: [...e.body.attributes].map(([key, v]) => ({ key, type: { kind: kindOf(v) } })),
    },
    init: {
      eventId: h.eventId,
      timeUnixNano: h.timeUnixNano,
      producer: h.producer!,
      ...(h.trace === undefined ? {} : { trace: h.trace }),
      resource: h.resource!,
      ...(h.status === undefined ? {} : { status: h.status }),
      extensions: e.body.extensions,
      attributes: Object.fromEntries(e.body.attributes),
    },
  };
}

type Outcome = { bytes: string } | { code: string; message: string; path: unknown };

function outcome(run: () => Uint8Array): Outcome {
  try {
    return { bytes: hex(run()) };
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return { code: error.code, message: error.message, path: error.path };
  }
}

/** What `encode` of @envelope/sdk gives for the envelope the builder's init makes. */
function generic(event: PreparedEvent, init: PreparedInit): Outcome {
  const schema = { type: event.type, subtype: event.subtype, version: event.version };
  if (event.url !== undefined) Object.assign(schema, { url: event.url });
  return outcome(() => encode(createEnvelope({ ...init, schema })));
}

/** Asserts the prepared encoder gives what the generic path gives, and returns it. */
function same(event: PreparedEvent, init: PreparedInit): Outcome {
  const expected = generic(event, init);
  expect(outcome(() => prepareEncoder(event).encode(init))).toEqual(expected);
  return expected;
}

const base = {
  eventId: new Uint8Array(16).fill(7),
  timeUnixNano: 1_700_000_000_000_000_000n,
  producer: { language: "typescript", version: "0.1.0" },
  resource: { serviceName: "auth" },
};

const LOGIN: PreparedEvent = {
  type: "request",
  subtype: "login",
  version: "1.0.0",
  attributes: [
    { key: "user", type: { kind: "string" } },
    { key: "attempts", type: { kind: "int" } },
    { key: "duration_ms", type: { kind: "double" } },
    { key: "ok", type: { kind: "bool" } },
    { key: "token", type: { kind: "bytes" } },
    { key: "tags", type: { kind: "array" } },
    { key: "geo", type: { kind: "map" } },
    { key: "ключ", type: { kind: "string" } },
    { key: "", type: { kind: "double" } },
  ],
};

describe("prepareEncoder: the bytes of encode(createEnvelope(...))", () => {
  test("a small login event, byte for byte", () => {
    const bytes = prepareEncoder(LOGIN).encode({
      ...base,
      attributes: { user: "alice", attempts: 3n, duration_ms: 12.5, ok: true },
    });
    // The frame prefix, the header (schema reference, id, time, producer,
    // resource) and the body's four KeyValues.
    expect(hex(bytes.subarray(24))).toBe(
      [
        "0a17 0a07 72657175657374 1205 6c6f67696e 1a05 312e302e30",
        `1210 ${"07".repeat(16)}`,
        "19 00002a36fe9c9717",
        "2213 0a0a 74797065736372697074 1205 302e312e30",
        "3206 0a04 61757468",
        "0a0f 0a04 75736572 1207 0a05 616c696365",
        "0a0e 0a08 617474656d707473 1202 1803",
        "0a18 0a0b 6475726174696f6e5f6d73 1209 21 0000000000002940",
        "0a08 0a02 6f6b 1202 1001",
      ]
        .join("")
        .replace(/\s+/g, ""),
    );
    expect(readFramePrefix(bytes, 0, DEFAULT_LIMITS)).toMatchObject({
      codec: "protobuf",
      checksum: false,
      headerLength: 81,
      bodyLength: 69,
    });
    expect(decode(bytes).body.attributes).toEqual(
      new Map<string, AttributeValue>([
        ["user", "alice"],
        ["attempts", 3n],
        ["duration_ms", 12.5],
        ["ok", true],
      ]),
    );
  });

  test("every value kind, declared or not, in the object's key order", () => {
    same(LOGIN, {
      ...base,
      attributes: {
        geo: { lat: 1.5, deep: new Map([["x", [1n, "y"]]]) },
        tags: ["a", 2n, 3.5, false, new Uint8Array([1]), ["nested"], { m: "v" }],
        token: new Uint8Array([0, 1, 2, 255]),
        ok: false,
        duration_ms: -0,
        attempts: -1n,
        user: "",
        undeclared: "x",
        "": 1,
        "2": "an index key: first, as Object.entries has it",
      },
    });
  });

  test("values of another kind than declared", () => {
    same(LOGIN, {
      ...base,
      attributes: { user: 5, attempts: "three", duration_ms: true, ok: 1n, token: "t", geo: [1] },
    });
  });

  test("missing, undefined and null attributes are left out; no attributes at all", () => {
    expect(
      same(LOGIN, { ...base, attributes: { user: undefined, ok: null, attempts: 1n } }),
    ).toEqual(generic(LOGIN, { ...base, attributes: { attempts: 1n } }));
    same(LOGIN, { ...base, attributes: {} });
    same(LOGIN, base);
    same({ ...LOGIN, attributes: [] }, { ...base, attributes: { user: "bob" } });
  });

  test("unicode keys and values, long and short strings, lone-surrogate-free", () => {
    same(LOGIN, {
      ...base,
      attributes: {
        ключ: "значение",
        user: "é".repeat(100),
        tags: ["😀", "x".repeat(200)],
        undeclared_ключ: "ü",
        geo: { ñ: "日本語" },
      },
    });
    same(LOGIN, { ...base, attributes: { user: "a".repeat(24), ключ: "b".repeat(25) } });
  });

  test("64-bit integers and doubles at their edges", () => {
    for (const attempts of [
      0n,
      1n,
      127n,
      128n,
      -1n,
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 53n + 1n,
    ]) {
      for (const duration_ms of [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 5e-324, 1.5]) {
        same(LOGIN, { ...base, attributes: { attempts, duration_ms } });
      }
    }
  });

  test("long keys and entries past 127 bytes take the general path with the same bytes", () => {
    const long = "k".repeat(130);
    const event = {
      ...LOGIN,
      attributes: [
        { key: long, type: { kind: "double" } },
        { key: "s", type: { kind: "string" } },
        { key: "b".repeat(120), type: { kind: "bool" } },
      ],
    };
    same(event, {
      ...base,
      attributes: { [long]: 1, s: "v".repeat(126), ["b".repeat(120)]: true },
    });
  });

  test("header fields: trace, status, url, resource attributes, extensions, defaults", () => {
    const full = {
      ...base,
      trace: {
        traceId: new Uint8Array(16).fill(1),
        spanId: new Uint8Array(8).fill(2),
        parentSpanId: new Uint8Array(8).fill(3),
        traceFlags: 1,
        traceState: "a=b",
      },
      status: { code: 2 as const, message: "failed" },
      resource: {
        serviceName: "auth",
        serviceVersion: "1.2.3",
        environment: "",
        host: "h",
        attributes: { "k8s.pod": "p", n: 1n },
      },
      extensions: [{ namespace: "http", version: "1.0.0", attributes: { method: "POST" } }],
      attributes: { user: "u" },
    };
    same(LOGIN, full);
    same({ ...LOGIN, url: "https://schemas.example.com/login" }, full);
    // Defaults: a random id, now, this SDK as producer; only the id and time differ between two encodes.
    const prepared = prepareEncoder(LOGIN);
    const made = decode(prepared.encode({ resource: { serviceName: "auth" } }));
    expect(made.header.producer).toEqual(
      createEnvelope({ schema: prepared.schema, ...base }).header.producer,
    );
    expect(made.header.eventId).toHaveLength(16);
    expect(made.header.timeUnixNano).toBeGreaterThan(0n);
    expect(prepared.schema).toEqual({ type: "request", subtype: "login", version: "1.0.0" });
    expect(Object.isFrozen(prepared.schema)).toBe(true);
  });

  test("attributes given as a Map, or an object with another prototype", () => {
    same(LOGIN, {
      ...base,
      attributes: new Map<string, AttributeValue>([
        ["user", "m"],
        ["x", 1],
      ]),
    });
    const bare = Object.create(null) as Record<string, unknown>;
    bare.user = "b";
    same(LOGIN, { ...base, attributes: bare as never });
    class Attrs {
      user = "c";
    }
    same(LOGIN, { ...base, attributes: new Attrs() as never });
  });

  test("inherited enumerable keys are not attributes", () => {
    const proto = { user: "inherited" };
    const child = Object.create(proto) as Record<string, unknown>;
    child.ok = true;
    // A non-plain object takes the general path; a plain one with a polluted prototype chain is checked with hasOwn.
    same(LOGIN, { ...base, attributes: child as never });
    Object.defineProperty(Object.prototype, "polluted", {
      value: "x",
      enumerable: true,
      configurable: true,
      writable: true,
    });
    try {
      const out = same(LOGIN, { ...base, attributes: { ok: true } });
      expect("bytes" in out && out.bytes.includes(hex(new TextEncoder().encode("polluted")))).toBe(
        false,
      );
    } finally {
      delete (Object.prototype as Record<string, unknown>).polluted;
    }
  });

  test("a bytes value that holds a frame gets the frame's content checksum, as encode does", () => {
    const inner = encode(createEnvelope({ schema: LOGIN, ...base }));
    const out = same(LOGIN, { ...base, attributes: { token: inner } });
    const bytes = Buffer.from((out as { bytes: string }).bytes, "hex");
    expect(readFramePrefix(new Uint8Array(bytes), 0, DEFAULT_LIMITS).checksum).toBe(true);
  });

  test("the committed fixtures of every producer", () => {
    const root = new URL("../../../test/fixtures/", import.meta.url);
    let n = 0;
    for (const producer of ["ts", "go", "rust"]) {
      const dir = new URL(`${producer}/`, root);
      for (const name of readdirSync(dir).filter((f) => f.endsWith(".protobuf.none.bin"))) {
        const e = decode(new Uint8Array(readFileSync(new URL(name, dir))));
        const { event, init } = registered(e);
        expect("bytes" in same(event, init), `${producer}/${name}`).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThan(30);
  });

  test("any valid envelope, with its attributes declared, partly declared or declared with other kinds", () => {
    fc.assert(
      fc.property(
        arbitraryEnvelope,
        fc.func(fc.constantFrom("string", "int", "double", "bool", "bytes", "drop")),
        (e, pick) => {
          const { event, init } = registered(e);
          expect("bytes" in same(event, init)).toBe(true);
          const other = {
            ...event,
            attributes: event.attributes
              .map((a) => ({ key: a.key, type: { kind: pick(a.key) } }))
              .filter((a) => a.type.kind !== "drop"),
          };
          same(other, init);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("prepareEncoder: errors are encode's", () => {
  const cases: [string, PreparedInit, string][] = [
    ["int64 out of range", { ...base, attributes: { attempts: 2n ** 63n } }, "invalid_value"],
    [
      "undeclared int64 out of range",
      { ...base, attributes: { n: -(2n ** 64n) } },
      "invalid_value",
    ],
    [
      "int64 out of range in an array",
      { ...base, attributes: { tags: [2n ** 64n] } },
      "invalid_value",
    ],
    ["a lone surrogate in a value", { ...base, attributes: { user: "a\ud800" } }, "invalid_utf8"],
    [
      "a lone surrogate in a long value",
      { ...base, attributes: { user: `${"é".repeat(30)}\udc00` } },
      "invalid_utf8",
    ],
    ["a lone surrogate in a key", { ...base, attributes: { "k\ud800": "v" } }, "invalid_utf8"],
    [
      "null inside an array",
      { ...base, attributes: { tags: ["a", null] } } as never,
      "invalid_argument",
    ],
    ["a function", { ...base, attributes: { user: () => 1 } } as never, "invalid_argument"],
    [
      "a symbol, undeclared",
      { ...base, attributes: { s: Symbol("s") } } as never,
      "invalid_argument",
    ],
    ["a Date", { ...base, attributes: { geo: new Date(0) } } as never, "invalid_argument"],
    ["an all-zero event id", { ...base, eventId: new Uint8Array(16) }, "invalid_id"],
    ["a short event id", { ...base, eventId: new Uint8Array(3) }, "invalid_id"],
    ["no service name", { ...base, resource: { serviceName: "" } }, "missing_field"],
    ["no resource", { ...base, resource: undefined } as never, "invalid_argument"],
    ["a time of 0", { ...base, timeUnixNano: 0n }, "missing_field"],
    [
      "a trace flag of 256",
      {
        ...base,
        trace: {
          traceId: new Uint8Array(16).fill(1),
          spanId: new Uint8Array(8).fill(1),
          traceFlags: 256,
        },
      },
      "invalid_value",
    ],
    [
      "an extension without a version",
      { ...base, extensions: [{ namespace: "http", version: "1" }] },
      "invalid_semver",
    ],
    [
      "an extension twice",
      {
        ...base,
        extensions: [
          { namespace: "a", version: "1.0.0" },
          { namespace: "a", version: "1.0.0" },
        ],
      },
      "duplicate_key",
    ],
    [
      "an unknown value of another codec",
      { ...base, attributes: { user: new UnknownValue("cbor", 9) } },
      "invalid_value",
    ],
    [
      "a lone surrogate in a resource attribute",
      { ...base, resource: { serviceName: "a", attributes: { k: "\ud800" } } },
      "invalid_utf8",
    ],
  ];
  let deep: AttributeValue = "leaf";
  for (let i = 0; i < 40; i++) deep = [deep];
  cases.push(["nested deeper than 32", { ...base, attributes: { tags: deep } }, "limit_exceeded"]);

  test.each(cases)("%s", (_, init, code) => {
    const got = same(LOGIN, init);
    expect(got).toMatchObject({ code });
  });

  test("an invalid schema reference fails at encode, as encode fails", () => {
    for (const event of [
      { ...LOGIN, version: "1.0" },
      { ...LOGIN, type: "" },
      { ...LOGIN, subtype: "\ud800" },
    ]) {
      const prepared = prepareEncoder(event);
      expect(outcome(() => prepared.encode({ ...base, attributes: { user: "u" } }))).toEqual(
        generic(event, { ...base, attributes: { user: "u" } }),
      );
    }
    expect(same({ ...LOGIN, version: "x" }, base)).toMatchObject({ code: "invalid_semver" });
  });

  test("after an error the encoder writes the next envelope as before", () => {
    const prepared = prepareEncoder(LOGIN);
    expect(() =>
      prepared.encode({ ...base, attributes: { user: "ok", attempts: 2n ** 64n } }),
    ).toThrow(EnvelopeError);
    const init = { ...base, attributes: { user: "ok", attempts: 2n } };
    expect(hex(prepared.encode(init))).toBe((generic(LOGIN, init) as { bytes: string }).bytes);
  });

  test("an encode from inside another (a getter that encodes) gets its own writer", () => {
    const prepared = prepareEncoder(LOGIN);
    const inner = { ...base, attributes: { user: "inner" } };
    let nested: Uint8Array | undefined;
    const init = {
      ...base,
      attributes: {
        get user() {
          nested = prepared.encode(inner);
          return "outer";
        },
      },
    };
    const outer = prepared.encode(init);
    expect(hex(nested!)).toBe((generic(LOGIN, inner) as { bytes: string }).bytes);
    expect(decode(outer).body.attributes.get("user")).toBe("outer");
  });
});

describe("prepareEncoder: which path writes an envelope", () => {
  // The general path writes through the shared codec, whose outputs share its
  // slab; the prepared path writes into the encoder's own. An output in the
  // shared codec's slab (the probe's, made just before or after) came from
  // the general path.
  const probe = () => protobufCodec.encodeBody({ attributes: new Map(), extensions: [] }).buffer;
  function pathOf(prepared: PreparedEncoder, init: PreparedInit): "prepared" | "general" {
    const before = probe();
    const out = prepared.encode(init);
    const after = probe();
    expect(hex(out)).toBe(
      (generic(prepared.schema as PreparedEvent, init) as { bytes: string }).bytes,
    );
    return out.buffer === before || out.buffer === after ? "general" : "prepared";
  }

  test.each<[string, PreparedInit]>([
    ["no attributes", base],
    [
      "declared and undeclared attributes of every kind",
      {
        ...base,
        attributes: {
          user: "alice",
          attempts: 3n,
          duration_ms: 12.5,
          ok: false,
          token: new Uint8Array([1, 2]),
          tags: ["a", 1, [true], { k: "v" }],
          geo: { lat: 1.5, nested: new Map([["x", 1n]]) },
          "": 2,
          other: "x".repeat(40),
        },
      },
    ],
    [
      "attributes in a Map",
      {
        ...base,
        attributes: new Map<string, unknown>([
          ["ok", true],
          ["n", 1],
        ]) as never,
      },
    ],
    [
      "every header field",
      {
        ...base,
        trace: {
          traceId: new Uint8Array(16).fill(1),
          spanId: new Uint8Array(8).fill(2),
          traceFlags: 1,
        },
        status: { code: 2, message: "failed" },
        resource: {
          serviceName: "auth",
          serviceVersion: "1.2.3",
          environment: "prod",
          region: "eu",
          host: "h1",
          attributes: { zone: "a", n: 1 },
        },
        extensions: [{ namespace: "http", version: "1.0.0", attributes: { method: "GET" } }],
      },
    ],
  ])("%s: the prepared path", (_, init) => {
    const prepared = prepareEncoder(LOGIN);
    expect(pathOf(prepared, init)).toBe("prepared");
    expect(pathOf(prepared, init)).toBe("prepared");
  });

  test.each<[string, PreparedEvent, PreparedInit]>([
    ["an invalid schema reference", { ...LOGIN, version: "1" }, base],
    [
      "a nested class instance",
      LOGIN,
      { ...base, attributes: { geo: { d: new (class {})() } } } as never,
    ],
    [
      "a nested Map subclass",
      LOGIN,
      { ...base, attributes: { geo: new (class extends Map {})() } } as never,
    ],
  ])("%s: the general path", (_, e, init) => {
    const prepared = prepareEncoder(e);
    const out = outcome(() => prepared.encode(init));
    expect(out).toEqual(generic(e, init));
    if ("bytes" in out) expect(pathOf(prepared, init)).toBe("general");
  });
});
