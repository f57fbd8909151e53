import { type Envelope, type EnvelopeError, isEnvelopeError } from "@envelope/core";
import {
  checkEnvelope,
  compileSchema,
  createChecker,
  createRegistry,
  type SchemaResolver,
  type ViolationLogEntry,
} from "@envelope/registry";
import { createDecoder, createEncoder } from "@envelope/sdk";
import { afterEach, describe, expect, test, vi } from "vitest";
import { testDescriptor, testEnvelope } from "./support.js";

const descriptor = testDescriptor([
  { key: "n", type: "int", maximum: 5 },
  { key: "m", type: "string", enum: ["a"] },
  { key: "old", type: "bool", deprecated: { since: "1.0.0" } },
]);
const registry = createRegistry([descriptor]);
const envelope = (attributes: Record<string, unknown>, version = "1.0.0"): Envelope =>
  testEnvelope(attributes as never, [], { version });

afterEach(() => {
  vi.useRealTimers();
});

describe("the check's violation log", () => {
  test("structured entries, rate-limited per code/event/version/path with the suppressed count", () => {
    let clock = 1_000;
    const log: ViolationLogEntry[] = [];
    const check = registry.checker({
      log: { logger: (e) => log.push(e), perInterval: 2, intervalMs: 1_000, now: () => clock },
    });
    const encoder = createEncoder({ check: { check, mode: "report" } });
    for (let i = 0; i < 5; i++) encoder.encode(envelope({ n: 6n }));
    encoder.encode(envelope({ m: "b" }));
    expect(log).toEqual([
      {
        code: "out_of_range",
        event: "t/s",
        version: "1.0.0",
        path: 'body.attributes["n"]',
        message: "6 is above the maximum 5",
        stage: "encode",
        suppressed: 0,
      },
      expect.objectContaining({ code: "out_of_range", suppressed: 0 }),
      expect.objectContaining({ code: "not_allowed_value", path: 'body.attributes["m"]' }),
    ]);
    expect(check.stats.byCode).toEqual({ out_of_range: 5, not_allowed_value: 1 });
    clock += 999;
    encoder.encode(envelope({ n: 7n }));
    expect(log).toHaveLength(3);
    clock += 1; // a new window: the next entry carries the 4 held back
    const bytes = encoder.encode(envelope({ n: 8n }));
    expect(log).toHaveLength(4);
    expect(log[3]).toMatchObject({ message: "8 is above the maximum 5", suppressed: 4 });
    // The window restarted: one more fits in it, the next is held back.
    encoder.encode(envelope({ n: 9n }));
    encoder.encode(envelope({ n: 10n }));
    expect(log.slice(4).map((e) => `${e.message} ${e.suppressed}`)).toEqual([
      "9 is above the maximum 5 0",
    ]);
    // At decode, with the stage; an unknown version is logged under its own key.
    clock += 1_000;
    createDecoder({ check: { check, mode: "report" } }).decode(bytes);
    encoder.encode(envelope({}, "9.9.9"));
    expect(log.slice(5)).toEqual([
      expect.objectContaining({ code: "out_of_range", stage: "decode", suppressed: 1 }),
      {
        code: "unknown_version",
        event: "t/s",
        version: "9.9.9",
        path: "header.schema.version",
        message: 'the registry has no version "9.9.9" of t/s (it has 1.0.0)',
        stage: "encode",
        suppressed: 0,
      },
    ]);
  });

  test("by default one entry per key a minute, on the system clock", () => {
    vi.useFakeTimers({ now: 0 });
    const log: ViolationLogEntry[] = [];
    const check = registry.checker({ log: { logger: (e) => log.push(e) } });
    check.check(envelope({ n: 6n }), "encode");
    check.check(envelope({ n: 6n }), "encode");
    vi.setSystemTime(59_999);
    check.check(envelope({ n: 6n }), "encode");
    expect(log.map((e) => e.suppressed)).toEqual([0]);
    vi.setSystemTime(60_000);
    check.check(envelope({ n: 6n }), "encode");
    expect(log.map((e) => e.suppressed)).toEqual([0, 2]);
  });

  test("memory is bounded: past maxKeys the least recently seen key is forgotten", () => {
    const log: ViolationLogEntry[] = [];
    const check = registry.checker({
      log: { logger: (e) => log.push(e), maxKeys: 2, now: () => 0 },
    });
    check.check(envelope({ n: 6n }), "encode");
    check.check(envelope({ n: 6n }), "encode"); // suppressed
    check.check(envelope({ m: "b" }), "encode"); // a second key: both remembered
    check.check(envelope({ n: 6n }), "encode"); // still suppressed; n is now the most recent
    check.check(envelope({ old: true }), "encode"); // a third key evicts m, the least recent
    check.check(envelope({ n: 6n }), "encode"); // still remembered: suppressed
    check.check(envelope({ m: "b" }), "encode"); // m is new again
    expect(log.map((e) => `${e.code} ${e.suppressed}`)).toEqual([
      "out_of_range 0",
      "not_allowed_value 0",
      "deprecated_attribute 0",
      "not_allowed_value 0",
    ]);
  });

  test("the default keeps 1,024 keys", () => {
    const log: ViolationLogEntry[] = [];
    const check = registry.checker({ log: { logger: (e) => log.push(e), now: () => 0 } });
    // 1,025 versions, each its own key: the first is forgotten, the second is not.
    for (let i = 0; i <= 1024; i++) check.check(envelope({}, `9.0.${i}`), "encode");
    check.check(envelope({}, "9.0.1"), "encode");
    expect(log).toHaveLength(1025);
    check.check(envelope({}, "9.0.0"), "encode");
    expect(log).toHaveLength(1026);
    expect(log[1025]).toMatchObject({ version: "9.0.0", suppressed: 0 });
  });

  test("an envelope without a header is logged with an empty event and version", () => {
    const log: ViolationLogEntry[] = [];
    const check = createChecker(
      {
        resolve: () => {
          throw new Error("no header");
        },
      },
      { log: { logger: (e) => log.push(e) } },
    );
    check.check({ header: {} } as unknown as Envelope, "decode");
    // The same key (no event, no version, path ""): held back, and the check does not throw.
    expect(check.check({ body: {} } as unknown as Envelope, "decode").issues).toHaveLength(1);
    expect(log).toEqual([
      {
        code: "invalid_envelope",
        event: "/",
        version: "",
        path: "",
        message: "the envelope could not be checked: no header",
        stage: "decode",
        suppressed: 0,
      },
    ]);
  });

  test("a logger that throws does not break the check", () => {
    const check = registry.checker({
      log: {
        logger: () => {
          throw new Error("disk full");
        },
      },
    });
    expect(check.check(envelope({ n: 6n }), "encode").issues.map((i) => i.code)).toEqual([
      "out_of_range",
    ]);
  });

  test.each<[string, object, string]>([
    ["perInterval 0", { perInterval: 0 }, "log.perInterval must be an integer >= 1"],
    ["perInterval 1.5", { perInterval: 1.5 }, "log.perInterval must be an integer >= 1"],
    ["intervalMs 0", { intervalMs: 0 }, "log.intervalMs must be > 0"],
    ["intervalMs NaN", { intervalMs: Number.NaN }, "log.intervalMs must be > 0"],
    ["maxKeys 0", { maxKeys: 0 }, "log.maxKeys must be an integer >= 1"],
    ["maxKeys 2.5", { maxKeys: 2.5 }, "log.maxKeys must be an integer >= 1"],
  ])("bad log options are refused when the check is built: %s", (_name, options, message) => {
    let error: unknown;
    try {
      registry.checker({ log: { logger: () => {}, ...options } });
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
    expect((error as EnvelopeError).message).toBe(`[invalid_argument] ${message}`);
  });

  test("the smallest options are accepted", () => {
    const log: ViolationLogEntry[] = [];
    const check = registry.checker({
      log: { logger: (e) => log.push(e), perInterval: 1, intervalMs: 0.5, maxKeys: 1 },
    });
    check.check(envelope({ n: 6n }), "encode");
    expect(log).toHaveLength(1);
  });
});

describe("the check: policy, counters, envelopes it cannot check", () => {
  test("the validation policy given to the checker applies", () => {
    const input = envelope({ extra: 1n, old: true });
    expect(
      registry
        .checker()
        .check(input, "encode")
        .issues.map((i) => i.code),
    ).toEqual(["unknown_attribute", "deprecated_attribute"]);
    expect(registry.checker({ unknownAttributes: "ignore" }).check(input, "encode").issues).toEqual(
      [
        {
          path: 'body.attributes["old"]',
          code: "deprecated_attribute",
          message: '"old" is deprecated since 1.0.0',
        },
      ],
    );
    expect(registry.checker({ deprecated: "ignore" }).check(input, "encode").issues).toEqual([
      {
        path: 'body.attributes["extra"]',
        code: "unknown_attribute",
        message: '"extra" is not declared by the schema',
      },
    ]);
  });

  test("stats count envelopes without issues as checked only", () => {
    const check = registry.checker();
    check.check(envelope({ n: 1n }), "encode");
    check.check(envelope({ n: 1n }), "decode");
    expect(check.stats).toEqual({ checked: 2, withIssues: 0, issues: 0, byCode: {} });
    check.check(envelope({ n: 6n, m: "b" }), "encode");
    expect(check.stats).toEqual({
      checked: 3,
      withIssues: 1,
      issues: 2,
      byCode: { out_of_range: 1, not_allowed_value: 1 },
    });
  });

  test.each<[string, unknown, string]>([
    ["an Error", new Error("broken resolver"), "broken resolver"],
    ["anything else", "a string", "a string"],
  ])("a resolver that throws %s gives invalid_envelope, from the check and from checkEnvelope", (_name, thrown, text) => {
    const resolver: SchemaResolver = {
      resolve: () => {
        throw thrown;
      },
    };
    const issue = {
      path: "",
      code: "invalid_envelope",
      message: `the envelope could not be checked: ${text}`,
    };
    const input = envelope({});
    expect(createChecker(resolver).check(input, "encode")).toEqual({
      envelope: input,
      issues: [issue],
    });
    expect(checkEnvelope(resolver, input)).toEqual([issue]);
  });

  test("checkEnvelope: the resolver's issue, or the issues under the policy", () => {
    const compiled = compileSchema(descriptor);
    const missing = {
      path: "header.schema.version",
      code: "unknown_version",
      message: "none",
    } as const;
    const resolver: SchemaResolver = {
      resolve: (ref) => (ref.version === "1.0.0" ? compiled : missing),
    };
    expect(checkEnvelope(resolver, envelope({ extra: 1n }))).toEqual([
      {
        path: 'body.attributes["extra"]',
        code: "unknown_attribute",
        message: '"extra" is not declared by the schema',
      },
    ]);
    expect(
      checkEnvelope(resolver, envelope({ extra: 1n }), { unknownAttributes: "ignore" }),
    ).toEqual([]);
    expect(checkEnvelope(resolver, envelope({}, "2.0.0"))).toEqual([missing]);
  });
});
