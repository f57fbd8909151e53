import {
  assertValidEnvelope,
  createEnvelope,
  type Envelope,
  isEnvelopeError,
  isSemver,
  resolveLimits,
  SDK_VERSION,
  toAttributes,
  validateEnvelope,
} from "@envelope/core";
import { describe, expect, test } from "vitest";
import { fullValidation } from "../src/validate.js";

function valid(): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.0.0" },
    resource: { serviceName: "auth" },
    attributes: { user: "alice" },
  });
}

describe("createEnvelope", () => {
  test("fills event id, time and producer; plain objects become Maps; numbers stay doubles", () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const e = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "svc", attributes: { "host.arch": "x64" } },
      attributes: { n: 1, i: 1n, nested: { list: [1, { deep: true }] } },
      extensions: [{ namespace: "http", version: "1.0.0", attributes: { method: "GET" } }],
    });
    expect(e.header.eventId).toHaveLength(16);
    expect(e.header.eventId.some((b) => b !== 0)).toBe(true);
    expect(e.header.timeUnixNano).toBeGreaterThanOrEqual(before - 1_000_000n);
    expect(e.header.producer).toEqual({ language: "typescript", version: SDK_VERSION });
    expect(e.body.attributes).toEqual(
      new Map<string, unknown>([
        ["n", 1],
        ["i", 1n],
        ["nested", new Map([["list", [1, new Map([["deep", true]])]]])],
      ]),
    );
    expect(e.header.resource.attributes.get("host.arch")).toBe("x64");
    expect(e.body.extensions[0]!.attributes.get("method")).toBe("GET");
    expect(validateEnvelope(e)).toEqual([]);
  });

  test("values of no contract kind are refused", () => {
    try {
      toAttributes({ a: { b: null } } as never);
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
      expect((error as Error).message).toContain('"b"');
    }
  });
});

describe("isSemver", () => {
  test.each([
    ["1.0.0", true],
    ["0.0.0", true],
    ["10.20.30", true],
    ["9007199254740991.0.0", true],
    ["9007199254740992.0.0", false],
    ["1.0", false],
    ["1.0.0.0", false],
    ["01.0.0", false],
    ["1.0.0-rc.1", false],
    ["1.0.0+build", false],
    ["v1.0.0", false],
    ["1..0", false],
    ["", false],
  ])("%s -> %s", (text, expected) => {
    expect(isSemver(text)).toBe(expected);
  });
});

describe("validateEnvelope collects every issue with path and code", () => {
  test("a valid envelope has none", () => {
    expect(validateEnvelope(valid())).toEqual([]);
  });

  test("many problems at once", () => {
    const e = valid();
    e.header.schema.version = "1.0";
    e.header.schema.type = "";
    e.header.eventId = new Uint8Array(16);
    e.header.timeUnixNano = 0n;
    e.header.trace = {
      traceId: new Uint8Array(15).fill(1),
      spanId: new Uint8Array(8),
      traceFlags: 256,
    };
    e.header.resource.serviceName = "";
    e.header.status = { code: -1 as never, message: "" };
    e.body.extensions = [
      { namespace: "x", version: "1.0.0", attributes: new Map() },
      { namespace: "x", version: "2", attributes: new Map() },
    ];
    e.body.attributes.set("big", 2n ** 63n);
    e.body.attributes.set("null", null as never);
    expect(validateEnvelope(e).map(({ path, code }) => [path, code])).toEqual([
      ["header.schema.type", "missing_field"],
      ["header.schema.version", "invalid_semver"],
      ["header.eventId", "invalid_id"],
      ["header.timeUnixNano", "missing_field"],
      ["header.trace.traceId", "invalid_id"],
      ["header.trace.spanId", "invalid_id"],
      ["header.trace.traceFlags", "invalid_value"],
      ["header.resource.serviceName", "missing_field"],
      ["header.status.code", "invalid_value"],
      ['body.attributes["big"]', "invalid_value"],
      ['body.attributes["null"]', "invalid_value"],
      ["body.extensions[1].version", "invalid_semver"],
      ["body.extensions[1].namespace", "duplicate_key"],
    ]);
  });

  test("missing required messages", () => {
    const e = valid() as unknown as { header: Record<string, unknown> };
    delete e.header.schema;
    delete e.header.producer;
    delete e.header.resource;
    expect(validateEnvelope(e as unknown as Envelope).map((i) => i.path)).toEqual([
      "header.schema",
      "header.producer",
      "header.resource",
    ]);
  });

  test("nesting deeper than the limit", () => {
    const e = valid();
    e.body.attributes.set("deep", [[["x"]]]);
    expect(validateEnvelope(e, resolveLimits({ maxDepth: 3 }))).toEqual([]);
    expect(validateEnvelope(e, resolveLimits({ maxDepth: 2 }))).toEqual([
      {
        path: 'body.attributes["deep"][0][0]',
        code: "limit_exceeded",
        message: "nested deeper than 2",
      },
    ]);
  });

  test("assertValidEnvelope throws the first issue as EnvelopeError", () => {
    const e = valid();
    e.header.eventId = new Uint8Array(8).fill(1);
    try {
      assertValidEnvelope(e);
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "invalid_id")).toBe(true);
      expect((error as Error).message).toBe(
        "[invalid_id] invalid envelope: must be 16 bytes, got 8 (at header.eventId)",
      );
    }
  });
});

describe("the quick pre-check agrees with the full check", () => {
  // validateEnvelope answers most envelopes with an allocation-free pre-check
  // (quickValid) and sends the rest to the full check: for every envelope the
  // answer must be the one the full check alone gives.
  const limits = resolveLimits({ maxDepth: 3 });
  const withTrace = (parentSpanId: Uint8Array, traceFlags: number) => (e: Envelope) => {
    (e.header as { trace?: unknown }).trace = {
      traceId: new Uint8Array(16).fill(2),
      spanId: new Uint8Array(8).fill(3),
      parentSpanId,
      traceFlags,
    };
  };
  const mutations: Array<(e: Envelope) => void> = [
    () => {},
    (e) => {
      (e.header.schema as { version: string }).version = "1.0";
    },
    (e) => {
      (e.header.schema as { type: string }).type = "";
    },
    (e) => {
      (e.header as { eventId: Uint8Array }).eventId = new Uint8Array(16);
    },
    (e) => {
      (e.header as { eventId: Uint8Array }).eventId = new Uint8Array(15).fill(1);
    },
    (e) => {
      (e.header as { timeUnixNano: bigint }).timeUnixNano = 0n;
    },
    (e) => {
      (e.header as { timeUnixNano: bigint }).timeUnixNano = 2n ** 64n;
    },
    (e) => {
      (e.header as { timeUnixNano: bigint }).timeUnixNano = 2n ** 64n - 1n;
    },
    (e) => {
      (e.header.producer as { language: string }).language = "";
    },
    withTrace(new Uint8Array(0), 256),
    withTrace(new Uint8Array(8), 1), // an all-zero parent span id
    withTrace(new Uint8Array(8).fill(4), 1),
    (e) => {
      (e.header as { status?: unknown }).status = { code: -1, message: "" };
    },
    (e) => {
      (e.header as { status?: unknown }).status = { code: 2, message: "x" };
    },
    (e) => e.body.attributes.set("big", 2n ** 63n),
    (e) => e.body.attributes.set("min", -(2n ** 63n)),
    (e) => e.body.attributes.set("max", 2n ** 63n - 1n),
    (e) => e.body.attributes.set("deep", [[[["too deep"]]]]),
    (e) => e.body.attributes.set("ok", [[["three"]]]),
    (e) => e.body.attributes.set("null", null as never),
    (e) => e.body.attributes.set("fn", (() => 1) as never),
    (e) => e.header.resource.attributes.set("m", new Map([["x", 2n ** 70n]])),
    (e) => {
      const ext = { namespace: "http", version: "1.0.0", attributes: new Map() };
      e.body.extensions.push(ext, { ...ext });
    },
    (e) => e.body.extensions.push({ namespace: "db", version: "01.0.0", attributes: new Map() }),
    // More than 16 extensions skip the pre-check: valid, and with a duplicate.
    (e) => {
      for (let i = 0; i < 17; i++)
        e.body.extensions.push({ namespace: `ns${i}`, version: "1.0.0", attributes: new Map() });
    },
    (e) => {
      for (let i = 0; i < 17; i++)
        e.body.extensions.push({
          namespace: `ns${i % 16}`,
          version: "1.0.0",
          attributes: new Map(),
        });
    },
    (e) => {
      (e as { body: unknown }).body = undefined;
    },
  ];
  test.each(mutations.map((m, i) => [i, m] as const))("mutation %i", (_, mutate) => {
    const e = valid();
    mutate(e);
    for (const attributes of [true, false]) {
      expect(validateEnvelope(e, limits, { attributes })).toEqual(
        fullValidation(e, limits, attributes),
      );
    }
  });
  test("17 distinct extensions are valid; a 17th that repeats a namespace is reported", () => {
    const e = valid();
    for (let i = 0; i < 17; i++)
      e.body.extensions.push({ namespace: `ns${i}`, version: "1.0.0", attributes: new Map() });
    expect(validateEnvelope(e, limits)).toEqual([]);
    (e.body.extensions[16] as { namespace: string }).namespace = "ns0";
    expect(validateEnvelope(e, limits).map((i) => [i.path, i.code])).toEqual([
      ["body.extensions[16].namespace", "duplicate_key"],
    ]);
  });
  test("the unmutated envelope passes the pre-check and a broken one does not", () => {
    expect(validateEnvelope(valid(), limits)).toEqual([]);
    const e = valid();
    e.body.attributes.set("big", 2n ** 63n);
    expect(validateEnvelope(e, limits).map((i) => i.code)).toEqual(["invalid_value"]);
  });
});
