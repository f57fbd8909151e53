// What the trace helpers say about arguments they cannot use: the error code,
// the words and the path a caller sees, and the inputs that are quietly
// ignored instead (an envelope without trace, a tracestate that is not text).
import { EnvelopeError, isEnvelopeError, type StatusCode } from "@envelope/core";
import {
  contextFromEnvelope,
  contextFromTraceContext,
  formatTraceParent,
  isValidSpanId,
  isValidTraceId,
  type RedactionPolicy,
  redactTraceState,
  type Span,
  spanIdToBytes,
  spanIdToHex,
  startSpan,
  type TraceState,
  traceContextFromSpan,
  traceIdToBytes,
  traceIdToHex,
  validateRedactionPolicy,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";

/** Runs `fn`, which must throw an EnvelopeError; returns its code, detail and path. */
function failure(fn: () => unknown): { code: string; detail: string; path: string | undefined } {
  try {
    fn();
  } catch (e) {
    if (!isEnvelopeError(e)) throw e;
    return { code: e.code, detail: e.detail, path: e.path };
  }
  throw new Error("expected an EnvelopeError");
}

describe("isValidTraceId / isValidSpanId", () => {
  test.each([
    ["the id", T, true],
    ["one character more", `${T}0`, false],
    ["one character less", T.slice(1), false],
    ["uppercase", T.toUpperCase(), false],
    ["all zero", "0".repeat(32), false],
    // U+0161 ends in the byte 0x61 ("a"): a lookup by low byte alone would accept it.
    ["a character above U+00FF whose low byte is hex", `${T.slice(0, 31)}\u0161`, false],
    ["U+00FF", `${T.slice(0, 31)}\u00ff`, false],
  ])("trace id: %s -> %s", (_name, id, valid) => {
    expect(isValidTraceId(id)).toBe(valid);
  });

  test.each([
    ["the id", S, true],
    ["one character more", `${S}0`, false],
    ["a character above U+00FF whose low byte is hex", `\u0130${S.slice(1)}`, false],
    ["all zero", "0".repeat(16), false],
  ])("span id: %s -> %s", (_name, id, valid) => {
    expect(isValidSpanId(id)).toBe(valid);
  });

  test("something that is not a string is not an id, even with the right length", () => {
    // An array of 32 hex digits has a length and indexes, but no charCodeAt.
    expect(isValidTraceId(Array.from(T) as never)).toBe(false);
    expect(isValidSpanId(Array.from(S) as never)).toBe(false);
    expect(isValidTraceId(42 as never)).toBe(false);
    expect(isValidSpanId(undefined as never)).toBe(false);
  });
});

describe("id conversions: invalid_id with the caller's path", () => {
  test.each([
    [
      "trace id not a string",
      () => traceIdToBytes(7 as never, "x.traceId"),
      "trace id must be a string",
      "x.traceId",
    ],
    [
      "span id not a string",
      () => spanIdToBytes(null as never, "x.spanId"),
      "span id must be a string",
      "x.spanId",
    ],
    [
      "trace id all zero",
      () => traceIdToBytes("0".repeat(32), "x.traceId"),
      "trace id is all zero",
      "x.traceId",
    ],
    [
      "span id all zero",
      () => spanIdToBytes("0".repeat(16), "x.spanId"),
      "span id is all zero",
      "x.spanId",
    ],
    [
      "trace id bytes not bytes",
      () => traceIdToHex([1] as never, "t"),
      "trace id must be a Uint8Array",
      "t",
    ],
    [
      "span id bytes too short",
      () => spanIdToHex(new Uint8Array(7).fill(1), "s"),
      "span id must be 8 bytes, got 7",
      "s",
    ],
    [
      "trace id bytes all zero",
      () => traceIdToHex(new Uint8Array(16), "t"),
      "trace id is all zero",
      "t",
    ],
  ])("%s", (_name, fn, detail, path) => {
    expect(failure(fn)).toEqual({ code: "invalid_id", detail, path });
  });

  test("without a path the error has none", () => {
    expect(failure(() => traceIdToBytes(7 as never))).toEqual({
      code: "invalid_id",
      detail: "trace id must be a string",
      path: undefined,
    });
    expect(failure(() => spanIdToBytes("0".repeat(16))).path).toBeUndefined();
    expect(failure(() => spanIdToHex(new Uint8Array(8))).path).toBeUndefined();
  });

  test("valid ids convert both ways", () => {
    expect(traceIdToHex(traceIdToBytes(T))).toBe(T);
    expect(spanIdToHex(spanIdToBytes(S))).toBe(S);
  });
});

describe("formatTraceParent", () => {
  test.each([
    [
      "trace id",
      { traceId: T.toUpperCase(), spanId: S, traceFlags: 1 },
      "invalid_id",
      "trace id must be 32 lowercase hex characters, not all zero",
      "traceId",
    ],
    [
      "span id",
      { traceId: T, spanId: "0".repeat(16), traceFlags: 1 },
      "invalid_id",
      "span id must be 16 lowercase hex characters, not all zero",
      "spanId",
    ],
    [
      "flags",
      { traceId: T, spanId: S, traceFlags: 256 },
      "invalid_argument",
      "trace flags must be an integer 0..255",
      "traceFlags",
    ],
  ])("an invalid %s", (_name, context, code, detail, path) => {
    expect(failure(() => formatTraceParent(context))).toEqual({ code, detail, path });
  });
});

describe("Span.end(status)", () => {
  test.each([0, 1, 2, 0x7fffffff])("code %i is kept with an empty message", (code) => {
    const span = startSpan(undefined, { name: "op" });
    span.end({ code: code as StatusCode });
    expect(span.status).toEqual({ code, message: "" });
    expect(span.ended).toBe(true);
  });

  test.each([
    -1,
    0x80000000,
    1.5,
    Number.NaN,
  ])("code %d is invalid_argument at status.code", (code) => {
    const span = startSpan();
    expect(failure(() => span.end({ code: code as StatusCode }))).toEqual({
      code: "invalid_argument",
      detail: "status code must be an integer 0..2^31-1",
      path: "status.code",
    });
    expect(span.ended).toBe(false);
  });

  test("a message that is not a string is invalid_argument at status.message", () => {
    const span = startSpan();
    expect(failure(() => span.end({ code: 2, message: 5 as never }))).toEqual({
      code: "invalid_argument",
      detail: "status message must be a string",
      path: "status.message",
    });
    expect(span.ended).toBe(false);
  });

  test("a new root span has an empty name and a local (not remote) context", () => {
    const span = startSpan();
    expect(span.name).toBe("");
    expect(span.context.isRemote ?? false).toBe(false);
    expect(span.parentSpanId).toBeUndefined();
  });
});

describe("redaction policies", () => {
  const list = [
    ["a", "1"],
    ["b", "2"],
    ["vendor@t", "3"],
  ] as unknown as TraceState;

  test("only matched members are masked; the others keep their values", () => {
    expect(redactTraceState(list, { mask: ["a"] })).toEqual([
      ["a", "redacted"],
      ["b", "2"],
      ["vendor@t", "3"],
    ]);
    expect(redactTraceState(list, { mask: [{ prefix: "vendor" }], maskValue: "x" })).toEqual([
      ["a", "1"],
      ["b", "2"],
      ["vendor@t", "x"],
    ]);
  });

  test.each<[string, unknown, string, string | undefined]>([
    ["null", null, "a redaction policy must be an object", undefined],
    ["a string", "mask", "a redaction policy must be an object", undefined],
    ["patterns not an array", { mask: "a" }, "redaction patterns must be an array", "mask"],
    [
      "an invalid key",
      { drop: ["ok", "Not A Key"] },
      '"Not A Key" is not a tracestate key',
      "drop[1]",
    ],
    [
      "an invalid prefix",
      { mask: [{ prefix: "-x" }] },
      '"-x" is not the start of a tracestate key',
      "mask[0].prefix",
    ],
    ["a null pattern", { mask: [null] }, "a key pattern is a string or { prefix }", "mask[0]"],
    ["a number pattern", { mask: ["a", 5] }, "a key pattern is a string or { prefix }", "mask[1]"],
    // A function is not a `{ prefix }` object even when it carries a prefix.
    [
      "a function with a prefix",
      { drop: [Object.assign(() => {}, { prefix: "a" })] },
      "a key pattern is a string or { prefix }",
      "drop[0]",
    ],
    [
      "an object without a prefix",
      { drop: [{ key: "a" }] },
      "a key pattern is a string or { prefix }",
      "drop[0]",
    ],
    [
      "a mask value with a comma",
      { mask: ["a"], maskValue: "x,y" },
      "the mask value breaks the tracestate value grammar",
      "maskValue",
    ],
  ])("%s: invalid_argument", (_name, policy, detail, path) => {
    const expected = { code: "invalid_argument", detail, path };
    expect(failure(() => validateRedactionPolicy(policy as RedactionPolicy))).toEqual(expected);
    expect(failure(() => redactTraceState(list, policy as RedactionPolicy))).toEqual(expected);
  });
});

describe("contexts from envelopes and trace contexts", () => {
  const trace = {
    traceId: traceIdToBytes(T),
    spanId: spanIdToBytes(S),
    traceFlags: 1,
  };

  test("no envelope, no header, no trace, or a trace that is not an object: undefined", () => {
    expect(contextFromEnvelope(undefined)).toBeUndefined();
    expect(contextFromEnvelope({ header: undefined } as never)).toBeUndefined();
    expect(contextFromEnvelope({ header: {} } as never)).toBeUndefined();
    expect(contextFromTraceContext(null as never)).toBeUndefined();
    expect(contextFromTraceContext("trace" as never)).toBeUndefined();
  });

  test("a tracestate that is not text is dropped, even a list of members", () => {
    const context = contextFromTraceContext({ ...trace, traceState: ["a=1"] } as never);
    expect(context).toMatchObject({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
    expect(context?.traceState).toBeUndefined();
    expect(contextFromTraceContext({ ...trace, traceState: "a=1" })?.traceState).toEqual([
      ["a", "1"],
    ]);
  });

  test.each([
    ["traceId", { traceId: "0".repeat(32), spanId: S }, "trace.traceId"],
    ["spanId", { traceId: T, spanId: "zz" }, "trace.spanId"],
  ])("a hand-made span with an invalid %s names the envelope field", (_name, ids, path) => {
    const span = { context: { ...ids, traceFlags: 1 }, parentSpanId: undefined } as unknown as Span;
    const error = failure(() => traceContextFromSpan(span));
    expect(error.code).toBe("invalid_id");
    expect(error.path).toBe(path);
  });

  test("a hand-made span with an invalid parent span id names trace.parentSpanId", () => {
    const span = {
      context: { traceId: T, spanId: S, traceFlags: 1 },
      parentSpanId: "0".repeat(16),
    } as unknown as Span;
    expect(failure(() => traceContextFromSpan(span))).toEqual({
      code: "invalid_id",
      detail: "span id is all zero",
      path: "trace.parentSpanId",
    });
  });

  test("errors are the SDK's own type", () => {
    expect(() => traceIdToBytes("x")).toThrow(EnvelopeError);
  });
});
