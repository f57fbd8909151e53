import {
  assertValidEnvelope,
  assertValidHeader,
  createEnvelope,
  type Envelope,
  isEnvelopeError,
  isSemver,
  resolveLimits,
  SDK_VERSION,
  toAttributes,
  validateEnvelope,
  validateHeader,
} from "@envelope/core";
import { describe, expect, test } from "vitest";

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

  test("values of no contract kind are refused, naming the attribute and the kinds", () => {
    const message = (init: unknown) => {
      try {
        toAttributes(init as never);
      } catch (error) {
        expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
        return (error as Error).message;
      }
      return expect.unreachable();
    };
    const kinds = "must be a string, boolean, bigint, number, Uint8Array, array or map";
    expect(message({ a: { b: () => 1 } })).toBe(
      `[invalid_argument] attribute "a.b" ${kinds}, got a function`,
    );
    expect(message({ when: new Date(0) })).toBe(
      `[invalid_argument] attribute "when" ${kinds}, got a Date`,
    );
    expect(message({ list: [1, null] })).toBe(
      `[invalid_argument] attribute "list[1]" ${kinds}, got null`,
    );
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
    // Characters below "0" are not digits either (a pre-release, a space, a sign).
    ["1.0.0-1", false],
    ["1.0. 0", false],
    [" 1.0.0", false],
    ["1.0.0 ", false],
    ["1.+1.0", false],
    ["1.0.0.", false],
    [".1.0.0", false],
    ["1.0.0:", false],
    // Each number is at most 2^53 - 1, however many digits it is written with.
    ["0.0.9007199254740991", true],
    ["0.9007199254740992.0", false],
    ["10000000000000000.0.0", false],
    ["0.0.99999999999999999999", false],
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

/** An envelope with every optional header part set, valid. */
function full(): Envelope {
  const e = valid();
  e.header.trace = {
    traceId: new Uint8Array(16).fill(2),
    spanId: new Uint8Array(8).fill(3),
    parentSpanId: new Uint8Array(8).fill(4),
    traceFlags: 1,
  };
  e.header.status = { code: 2, message: "failed" };
  e.body.extensions.push({ namespace: "http", version: "1.0.0", attributes: new Map() });
  return e;
}

type Mutable = { -readonly [K in string]: unknown };
const header = (e: Envelope) => e.header as unknown as Mutable;
const part = (e: Envelope, name: "schema" | "producer" | "resource" | "trace" | "status") =>
  (e.header as unknown as Record<string, Mutable>)[name]!;
const extension = (e: Envelope, i = 0) => e.body.extensions[i] as unknown as Mutable;

/** What the first issue looks like when thrown: `[path, code, detail]`. */
function thrown(run: () => void): [string | undefined, string, string] | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return [error.path, error.code, error.detail];
  }
}

// Every rule of docs/spec.md "Validation", one broken value at a time: the
// exact issues, and the first one is what the assert functions throw.
const rules: Array<[string, (e: Envelope) => void, Array<[string, string, string]>]> = [
  ["valid, every optional part set", () => {}, []],
  [
    "no trace, no status",
    (e) => {
      delete header(e).trace;
      delete header(e).status;
    },
    [],
  ],
  [
    "header absent",
    (e) => {
      (e as unknown as Mutable).header = undefined;
    },
    [["header", "missing_field", "is required"]],
  ],
  [
    "schema absent",
    (e) => {
      header(e).schema = null;
    },
    [["header.schema", "missing_field", "is required"]],
  ],
  [
    "empty type",
    (e) => {
      part(e, "schema").type = "";
    },
    [["header.schema.type", "missing_field", "is required and must be a non-empty string"]],
  ],
  [
    "empty subtype",
    (e) => {
      part(e, "schema").subtype = "";
    },
    [["header.schema.subtype", "missing_field", "is required and must be a non-empty string"]],
  ],
  [
    "subtype not a string",
    (e) => {
      part(e, "schema").subtype = 7;
    },
    [["header.schema.subtype", "missing_field", "is required and must be a non-empty string"]],
  ],
  [
    "version with a pre-release",
    (e) => {
      part(e, "schema").version = "1.0.0-1";
    },
    [["header.schema.version", "invalid_semver", '"1.0.0-1" is not MAJOR.MINOR.PATCH']],
  ],
  [
    "version absent",
    (e) => {
      delete part(e, "schema").version;
    },
    [["header.schema.version", "invalid_semver", "undefined is not MAJOR.MINOR.PATCH"]],
  ],
  [
    "all-zero event id",
    (e) => {
      header(e).eventId = new Uint8Array(16);
    },
    [["header.eventId", "invalid_id", "must not be all zero"]],
  ],
  [
    "short event id",
    (e) => {
      header(e).eventId = new Uint8Array(15).fill(1);
    },
    [["header.eventId", "invalid_id", "must be 16 bytes, got 15"]],
  ],
  [
    "event id as a plain array",
    (e) => {
      header(e).eventId = Array.from({ length: 16 }, () => 1);
    },
    [["header.eventId", "invalid_id", "must be 16 bytes"]],
  ],
  [
    "time zero",
    (e) => {
      header(e).timeUnixNano = 0n;
    },
    [["header.timeUnixNano", "missing_field", "is required and must be > 0"]],
  ],
  [
    "time as a number, not a bigint",
    (e) => {
      header(e).timeUnixNano = 1_700_000_000_000_000_000;
    },
    [
      [
        "header.timeUnixNano",
        "invalid_value",
        "must be a bigint of nanoseconds since the UNIX epoch, got a number (BigInt(ms) * 1_000_000n, or dateToUnixNano(date))",
      ],
    ],
  ],
  [
    "time 1 ns",
    (e) => {
      header(e).timeUnixNano = 1n;
    },
    [],
  ],
  [
    "time 2^64 - 1",
    (e) => {
      header(e).timeUnixNano = 2n ** 64n - 1n;
    },
    [],
  ],
  [
    "time 2^64",
    (e) => {
      header(e).timeUnixNano = 2n ** 64n;
    },
    [["header.timeUnixNano", "invalid_value", "must fit in 64 bits"]],
  ],
  [
    "producer absent",
    (e) => {
      delete header(e).producer;
    },
    [["header.producer", "missing_field", "is required"]],
  ],
  [
    "empty producer language and version",
    (e) => {
      part(e, "producer").language = "";
      part(e, "producer").version = "";
    },
    [
      ["header.producer.language", "missing_field", "is required and must be a non-empty string"],
      ["header.producer.version", "missing_field", "is required and must be a non-empty string"],
    ],
  ],
  [
    "trace not an object",
    (e) => {
      header(e).trace = null;
    },
    [["header.trace", "invalid_value", "must be an object or absent"]],
  ],
  [
    "all-zero trace id",
    (e) => {
      part(e, "trace").traceId = new Uint8Array(16);
    },
    [["header.trace.traceId", "invalid_id", "must not be all zero"]],
  ],
  [
    "8-byte trace id",
    (e) => {
      part(e, "trace").traceId = new Uint8Array(8).fill(1);
    },
    [["header.trace.traceId", "invalid_id", "must be 16 bytes, got 8"]],
  ],
  [
    "trace id absent",
    (e) => {
      delete part(e, "trace").traceId;
    },
    [["header.trace.traceId", "invalid_id", "must be 16 bytes"]],
  ],
  [
    "all-zero span id",
    (e) => {
      part(e, "trace").spanId = new Uint8Array(8);
    },
    [["header.trace.spanId", "invalid_id", "must not be all zero"]],
  ],
  [
    "16-byte span id",
    (e) => {
      part(e, "trace").spanId = new Uint8Array(16).fill(1);
    },
    [["header.trace.spanId", "invalid_id", "must be 8 bytes, got 16"]],
  ],
  [
    "all-zero parent span id",
    (e) => {
      part(e, "trace").parentSpanId = new Uint8Array(8);
    },
    [["header.trace.parentSpanId", "invalid_id", "must not be all zero"]],
  ],
  [
    "4-byte parent span id",
    (e) => {
      part(e, "trace").parentSpanId = new Uint8Array(4).fill(1);
    },
    [["header.trace.parentSpanId", "invalid_id", "must be 8 bytes, got 4"]],
  ],
  [
    "parent span id as a string",
    (e) => {
      part(e, "trace").parentSpanId = "0102030405060708";
    },
    [["header.trace.parentSpanId", "invalid_id", "must be 8 bytes"]],
  ],
  [
    "empty parent span id: a root span",
    (e) => {
      part(e, "trace").parentSpanId = new Uint8Array(0);
    },
    [],
  ],
  [
    "no parent span id",
    (e) => {
      delete part(e, "trace").parentSpanId;
    },
    [],
  ],
  [
    "trace flags 0 and 255 are bytes",
    (e) => {
      part(e, "trace").traceFlags = 255;
    },
    [],
  ],
  [
    "trace flags 256",
    (e) => {
      part(e, "trace").traceFlags = 256;
    },
    [["header.trace.traceFlags", "invalid_value", "must be an integer 0..255"]],
  ],
  [
    "trace flags -1",
    (e) => {
      part(e, "trace").traceFlags = -1;
    },
    [["header.trace.traceFlags", "invalid_value", "must be an integer 0..255"]],
  ],
  [
    "trace flags 1.5",
    (e) => {
      part(e, "trace").traceFlags = 1.5;
    },
    [["header.trace.traceFlags", "invalid_value", "must be an integer 0..255"]],
  ],
  [
    "resource absent",
    (e) => {
      delete header(e).resource;
    },
    [["header.resource", "missing_field", "is required"]],
  ],
  [
    "empty service name",
    (e) => {
      part(e, "resource").serviceName = "";
    },
    [
      [
        "header.resource.serviceName",
        "missing_field",
        "is required and must be a non-empty string",
      ],
    ],
  ],
  [
    "resource attributes not a Map",
    (e) => {
      part(e, "resource").attributes = { a: 1 };
    },
    [["header.resource.attributes", "invalid_value", "must be a Map"]],
  ],
  [
    "status code 0 (unset) is valid",
    (e) => {
      part(e, "status").code = 0;
    },
    [],
  ],
  [
    "status code 2^31 - 1",
    (e) => {
      part(e, "status").code = 2 ** 31 - 1;
    },
    [],
  ],
  [
    "status code 2^31",
    (e) => {
      part(e, "status").code = 2 ** 31;
    },
    [["header.status.code", "invalid_value", "must be an integer 0..2^31-1"]],
  ],
  [
    "status code -1",
    (e) => {
      part(e, "status").code = -1;
    },
    [["header.status.code", "invalid_value", "must be an integer 0..2^31-1"]],
  ],
  [
    "status code 1.5",
    (e) => {
      part(e, "status").code = 1.5;
    },
    [["header.status.code", "invalid_value", "must be an integer 0..2^31-1"]],
  ],
  [
    "status not an object",
    (e) => {
      header(e).status = 2;
    },
    [["header.status.code", "invalid_value", "must be an integer 0..2^31-1"]],
  ],
  [
    "body absent",
    (e) => {
      (e as unknown as Mutable).body = null;
    },
    [["body", "missing_field", "is required"]],
  ],
  [
    "body attributes not a Map",
    (e) => {
      (e.body as unknown as Mutable).attributes = [];
    },
    [["body.attributes", "invalid_value", "must be a Map"]],
  ],
  [
    "a bad value deep in a valid list",
    (e) => {
      e.body.attributes.set("list", ["a", ["b", new Map([["k", 2n ** 64n]])], "c"]);
    },
    [['body.attributes["list"][1][1]["k"]', "invalid_value", "int64 out of range"]],
  ],
  [
    "extensions not an array",
    (e) => {
      (e.body as unknown as Mutable).extensions = {};
    },
    [["body.extensions", "invalid_value", "must be an array"]],
  ],
  [
    "an extension that is not an object",
    (e) => {
      (e.body.extensions as unknown[]).push(null);
    },
    [["body.extensions[1]", "invalid_value", "must be an object"]],
  ],
  [
    "empty namespace",
    (e) => {
      extension(e).namespace = "";
    },
    [["body.extensions[0].namespace", "missing_field", "is required"]],
  ],
  [
    "namespace with an upper-case letter",
    (e) => {
      extension(e).namespace = "Http";
    },
    [
      [
        "body.extensions[0].namespace",
        "invalid_value",
        '"Http" is not a namespace: [a-z0-9][a-z0-9_.-]*, at most 255 bytes',
      ],
    ],
  ],
  [
    "extension version with a pre-release",
    (e) => {
      extension(e).version = "2.0.0-rc.1";
    },
    [["body.extensions[0].version", "invalid_semver", '"2.0.0-rc.1" is not MAJOR.MINOR.PATCH']],
  ],
  [
    "namespace twice",
    (e) => {
      e.body.extensions.push({ namespace: "http", version: "2.0.0", attributes: new Map() });
    },
    [["body.extensions[1].namespace", "duplicate_key", 'namespace "http" appears twice']],
  ],
  [
    "extension attributes not a Map",
    (e) => {
      extension(e).attributes = "x";
    },
    [["body.extensions[0].attributes", "invalid_value", "must be a Map"]],
  ],
];

describe("validation rules, one at a time", () => {
  test.each(rules)("%s", (_, mutate, expected) => {
    const e = full();
    mutate(e);
    const issues = validateEnvelope(e).map((i) => [i.path, i.code, i.message]);
    expect(issues).toEqual(expected);
    expect(thrown(() => assertValidEnvelope(e))).toEqual(
      expected[0] && [expected[0][0], expected[0][1], `invalid envelope: ${expected[0][2]}`],
    );
    // The header alone gets the header's issues (what peek() validates).
    if (!(e as { header?: unknown }).header) return;
    const forHeader = expected.filter(([path]) => path.startsWith("header"));
    expect(validateHeader(e.header).map((i) => [i.path, i.code, i.message])).toEqual(forHeader);
    expect(thrown(() => assertValidHeader(e.header))).toEqual(
      forHeader[0] && [forHeader[0][0], forHeader[0][1], `invalid envelope: ${forHeader[0][2]}`],
    );
  });

  test("a missing header is one issue for validateHeader too", () => {
    expect(validateHeader(undefined as never)).toEqual([
      { path: "header", code: "missing_field", message: "is required" },
    ]);
  });

  test("attributes: false skips attribute values (the codecs checked them) but not the rest", () => {
    const e = full();
    e.header.resource.attributes.set("big", 2n ** 64n);
    e.body.extensions[0]!.attributes.set("big", 2n ** 64n);
    e.body.attributes.set("big", 2n ** 64n);
    expect(validateEnvelope(e, undefined, { attributes: false })).toEqual([]);
    expect(validateHeader(e.header, undefined, { attributes: false })).toEqual([]);
    expect(validateEnvelope(e).map((i) => i.path)).toEqual([
      'header.resource.attributes["big"]',
      'body.attributes["big"]',
      'body.extensions[0].attributes["big"]',
    ]);
    expect(validateHeader(e.header).map((i) => i.path)).toEqual([
      'header.resource.attributes["big"]',
    ]);
    (e.header.status as { code: number }).code = -1;
    expect(thrown(() => assertValidEnvelope(e, undefined, { attributes: false }))).toEqual([
      "header.status.code",
      "invalid_value",
      "invalid envelope: must be an integer 0..2^31-1",
    ]);
  });
});

describe("extension namespaces", () => {
  // docs/spec.md "Validation": ^[a-z0-9][a-z0-9_.-]*$, at most 255 UTF-8 bytes.
  test.each([
    ["http", true],
    ["9", true],
    ["0tel", true],
    ["com.example.payments", true],
    ["a_b-c.d", true],
    ["a".repeat(255), true],
    ["a".repeat(256), false],
    ["_http", false],
    ["-http", false],
    [".http", false],
    ["HTTP", false],
    ["ht tp", false],
    ["http/2", false],
    ["http:", false],
    ["caf\u00e9", false],
    ["\u0430pi", false], // Cyrillic a
    ["a@b", false],
    ["a`b", false],
    ["a{b", false],
    ["a[b", false],
  ])("%j -> %s", (namespace, ok) => {
    const e = valid();
    e.body.extensions.push({ namespace, version: "1.0.0", attributes: new Map() });
    expect(validateEnvelope(e).map((i) => [i.path, i.code])).toEqual(
      ok ? [] : [["body.extensions[0].namespace", "invalid_value"]],
    );
  });

  test("a long bad namespace or version is quoted in part", () => {
    const e = valid();
    e.body.extensions.push({
      namespace: "A".repeat(1e6),
      version: "9".repeat(1e6),
      attributes: new Map(),
    });
    const issues = validateEnvelope(e);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ["body.extensions[0].namespace", "invalid_value"],
      ["body.extensions[0].version", "invalid_semver"],
    ]);
    expect(issues[0]!.message).toBe(
      `"${"A".repeat(40)}…" is not a namespace: [a-z0-9][a-z0-9_.-]*, at most 255 bytes`,
    );
    expect(issues[1]!.message).toBe(`"${"9".repeat(40)}…" is not MAJOR.MINOR.PATCH`);
  });

  test("namespaces are compared whatever their number: a repeat after the 16th is found", () => {
    const e = valid();
    for (let i = 0; i < 17; i++)
      e.body.extensions.push({ namespace: `ns${i}`, version: "1.0.0", attributes: new Map() });
    expect(validateEnvelope(e)).toEqual([]);
    (e.body.extensions[16] as { namespace: string }).namespace = "ns3";
    expect(validateEnvelope(e).map((i) => [i.path, i.code])).toEqual([
      ["body.extensions[16].namespace", "duplicate_key"],
    ]);
    (e.body.extensions[2] as { namespace: string }).namespace = "ns1";
    expect(validateEnvelope(e).map((i) => [i.path, i.code])).toEqual([
      ["body.extensions[2].namespace", "duplicate_key"],
      ["body.extensions[16].namespace", "duplicate_key"],
    ]);
  });
});

describe("asserting stops at the first issue", () => {
  // issue #14: a body of many bad entries must not be described entry by entry
  // just to throw the first. Entries after the first bad one are never read.
  function manyBadExtensions(count: number): { e: Envelope; reads: () => number } {
    const e = valid();
    const extensions: unknown[] = [];
    let reads = 0;
    for (let i = 0; i < count; i++) {
      Object.defineProperty(extensions, i, {
        enumerable: true,
        get: () => {
          reads++;
          return { namespace: "x", version: "1", attributes: new Map() };
        },
      });
    }
    (e.body as { extensions: unknown }).extensions = extensions;
    return { e, reads: () => reads };
  }

  test("assertValidEnvelope reads one extension of 100,000", () => {
    const { e, reads } = manyBadExtensions(100_000);
    expect(thrown(() => assertValidEnvelope(e))).toEqual([
      "body.extensions[0].version",
      "invalid_semver",
      'invalid envelope: "1" is not MAJOR.MINOR.PATCH',
    ]);
    expect(reads()).toBe(1);
  });

  test("validateEnvelope still lists every issue", () => {
    const { e } = manyBadExtensions(1000);
    const issues = validateEnvelope(e);
    expect(issues).toHaveLength(1000 + 999);
    expect(issues[1]).toEqual({
      path: "body.extensions[1].version",
      code: "invalid_semver",
      message: '"1" is not MAJOR.MINOR.PATCH',
    });
    expect(issues[2]).toEqual({
      path: "body.extensions[1].namespace",
      code: "duplicate_key",
      message: 'namespace "x" appears twice',
    });
  });
});

describe("attribute values", () => {
  // docs/spec.md "Attribute values": at maxDepth 2, a list in a list is the deepest.
  const limits = resolveLimits({ maxDepth: 2 });
  const unknown = new Map<string, unknown>();
  test.each<[string, unknown, Array<[string, string, string]>]>([
    ["empty string", "", []],
    ["false", false, []],
    ["a double", -1.5, []],
    ["int64 min", -(2n ** 63n), []],
    ["int64 max", 2n ** 63n - 1n, []],
    ["bytes", new Uint8Array([1]), []],
    ["empty list and map", [[], unknown], []],
    ["a list in a list", [["x", 1n]], []],
    ["a map in a map", new Map([["m", new Map([["k", true]])]]), []],
    ["int64 max + 1", 2n ** 63n, [["a", "invalid_value", "int64 out of range"]]],
    ["int64 min - 1", -(2n ** 63n) - 1n, [["a", "invalid_value", "int64 out of range"]]],
    ["null", null, [["a", "invalid_value", "unsupported attribute value type null"]]],
    [
      "undefined",
      undefined,
      [["a", "invalid_value", "unsupported attribute value type undefined"]],
    ],
    ["a function", () => 1, [["a", "invalid_value", "unsupported attribute value type function"]]],
    ["a symbol", Symbol("s"), [["a", "invalid_value", "unsupported attribute value type symbol"]]],
    ["a Date", new Date(0), [["a", "invalid_value", "unsupported attribute value type Date"]]],
    [
      "a plain object",
      { k: 1 },
      [["a", "invalid_value", "unsupported attribute value type Object"]],
    ],
    [
      "an object without a prototype",
      Object.create(null),
      [["a", "invalid_value", "unsupported attribute value type object"]],
    ],
    [
      "bad items in a list, good ones around",
      ["ok", null, 1, 2n ** 64n],
      [
        ["a[1]", "invalid_value", "unsupported attribute value type null"],
        ["a[3]", "invalid_value", "int64 out of range"],
      ],
    ],
    [
      "a bad value in a map in a list",
      [
        new Map<string, unknown>([
          ["ok", 1],
          ["k", null],
        ]),
      ],
      [['a[0]["k"]', "invalid_value", "unsupported attribute value type null"]],
    ],
    ["a list three deep", [[["x"]]], [["a[0][0]", "limit_exceeded", "nested deeper than 2"]]],
    [
      "a map three deep",
      new Map([["m", new Map([["n", new Map()]])]]),
      [['a["m"]["n"]', "limit_exceeded", "nested deeper than 2"]],
    ],
    [
      "a list in a map in a list",
      [new Map([["l", []]])],
      [['a[0]["l"]', "limit_exceeded", "nested deeper than 2"]],
    ],
  ])("%s", (_, value, expected) => {
    for (const [where, prefix] of [
      ["body", "body.attributes"],
      ["resource", "header.resource.attributes"],
      ["extension", "body.extensions[0].attributes"],
    ] as const) {
      const e = full();
      const map =
        where === "body"
          ? e.body.attributes
          : where === "resource"
            ? e.header.resource.attributes
            : e.body.extensions[0]!.attributes;
      map.set("ok", "fine");
      map.set("a", value as never);
      const issues = validateEnvelope(e, limits).map((i) => [i.path, i.code, i.message]);
      expect(issues).toEqual(
        expected.map(([path, code, message]) => [`${prefix}["a"]${path.slice(1)}`, code, message]),
      );
    }
  });
});

describe("edges the rules table does not show", () => {
  const issuesOf = (mutate: (e: Envelope) => void) => {
    const e = full();
    mutate(e);
    return validateEnvelope(e).map((i) => [i.path, i.code]);
  };
  test("the last letter and digit are namespace characters", () => {
    expect(
      issuesOf((e) => {
        extension(e).namespace = "z9.z";
      }),
    ).toEqual([]);
  });
  test("trace flags 0", () => {
    expect(
      issuesOf((e) => {
        part(e, "trace").traceFlags = 0;
      }),
    ).toEqual([]);
  });
  test("a non-string with a length is not a filled string", () => {
    expect(
      issuesOf((e) => {
        part(e, "schema").subtype = ["x"];
      }),
    ).toEqual([["header.schema.subtype", "missing_field"]]);
  });
  test("an extension without a version", () => {
    expect(issuesOf((e) => delete extension(e).version)).toEqual([
      ["body.extensions[0].version", "invalid_semver"],
    ]);
  });
  test("a body without extensions, an extension without attributes", () => {
    expect(issuesOf((e) => delete (e.body as unknown as Mutable).extensions)).toEqual([]);
    expect(issuesOf((e) => delete extension(e).attributes)).toEqual([]);
  });
  test("two identical bad namespaces are two bad namespaces, not a duplicate", () => {
    expect(
      issuesOf((e) => {
        extension(e).namespace = "A";
        e.body.extensions.push({ namespace: "A", version: "1.0.0", attributes: new Map() });
      }),
    ).toEqual([
      ["body.extensions[0].namespace", "invalid_value"],
      ["body.extensions[1].namespace", "invalid_value"],
    ]);
  });
  test("a non-object extension before a good one", () => {
    expect(
      issuesOf((e) => {
        (e.body.extensions as unknown[]).unshift(null);
      }),
    ).toEqual([["body.extensions[0]", "invalid_value"]]);
  });
});
