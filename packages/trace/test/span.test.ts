import { isEnvelopeError, StatusCode, TraceFlags } from "@envelope/core";
import {
  extract,
  generateSpanId,
  generateTraceId,
  isValidSpanContext,
  isValidSpanId,
  isValidTraceId,
  parseTraceState,
  type SpanContext,
  startSpan,
  type TraceState,
} from "@envelope/trace";
import { afterEach, describe, expect, test, vi } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("startSpan: child of a valid parent", () => {
  test.each([
    ["sampled", 0x01, 0x01],
    ["not sampled", 0x00, 0x00],
    ["sampled and random", 0x03, 0x03],
    ["random only", 0x02, 0x02],
    ["unknown bits are not inherited", 0xff, 0x03],
  ])("%s: flags %i -> %i", (_name, parentFlags, childFlags) => {
    const parent: SpanContext = { traceId: T, spanId: S, traceFlags: parentFlags };
    const span = startSpan(parent);
    expect(span.context.traceId).toBe(T);
    expect(span.context.spanId).not.toBe(S);
    expect(isValidSpanId(span.context.spanId)).toBe(true);
    expect(span.parentSpanId).toBe(S);
    expect(span.context.traceFlags).toBe(childFlags);
  });

  test("of an extracted context, with its tracestate", () => {
    const parent = extract({ traceparent: `00-${T}-${S}-01`, tracestate: "a=1,b=2" })!;
    const span = startSpan(parent, { name: "GET /", sampled: false });
    expect(span.name).toBe("GET /");
    expect(span.context).toEqual({
      traceId: T,
      spanId: span.context.spanId,
      traceFlags: 0x01, // inherited: options.sampled only concerns a root
      traceState: parseTraceState("a=1,b=2"),
    });
    expect(span.context.isRemote).toBeUndefined();
  });

  test("of a local span: grandchild lineage", () => {
    const root = startSpan();
    const child = startSpan(root);
    const grandchild = startSpan(child.context);
    expect(child.context.traceId).toBe(root.context.traceId);
    expect(grandchild.context.traceId).toBe(root.context.traceId);
    expect(child.parentSpanId).toBe(root.context.spanId);
    expect(grandchild.parentSpanId).toBe(child.context.spanId);
    expect(new Set([root, child, grandchild].map((s) => s.context.spanId)).size).toBe(3);
  });

  test("tracestate option replaces the parent's", () => {
    const parent: SpanContext = {
      traceId: T,
      spanId: S,
      traceFlags: 1,
      traceState: parseTraceState("a=1")!,
    };
    expect(startSpan(parent, { traceState: parseTraceState("b=2")! }).context.traceState).toEqual([
      ["b", "2"],
    ]);
    expect(startSpan(parent, { traceState: undefined }).context).not.toHaveProperty("traceState");
  });

  test("a hand-made tracestate keeps only its valid members, from a parent or the option", () => {
    const handMade = [
      ["a", "1"],
      ["B", "2"],
      null,
      ["c", "3\r\n"],
      ["d", "4"],
    ] as unknown as TraceState;
    const parent = { traceId: T, spanId: S, traceFlags: 1, traceState: handMade };
    const expected = [
      ["a", "1"],
      ["d", "4"],
    ];
    expect(startSpan(parent).context.traceState).toEqual(expected);
    expect(startSpan(undefined, { traceState: handMade }).context.traceState).toEqual(expected);
    const nothingValid = [["X", "1"]] as unknown as TraceState;
    expect(startSpan(parent, { traceState: nothingValid }).context).not.toHaveProperty(
      "traceState",
    );
  });
});

describe("startSpan: new root", () => {
  test.each<[string, SpanContext | undefined | null]>([
    ["no parent", undefined],
    ["null parent", null],
    ["zero trace id", { traceId: "0".repeat(32), spanId: S, traceFlags: 1 }],
    ["zero span id", { traceId: T, spanId: "0".repeat(16), traceFlags: 1 }],
    ["uppercase trace id", { traceId: T.toUpperCase(), spanId: S, traceFlags: 1 }],
    ["short span id", { traceId: T, spanId: "abc", traceFlags: 1 }],
    ["flags not a number", { traceId: T, spanId: S, traceFlags: Number.NaN }],
  ])("%s", (_name, parent) => {
    const span = startSpan(parent, { traceState: parseTraceState("r=1")! });
    expect(isValidTraceId(span.context.traceId)).toBe(true);
    expect(span.context.traceId).not.toBe(T);
    expect(isValidSpanId(span.context.spanId)).toBe(true);
    expect(span.parentSpanId).toBeUndefined();
    expect(span.context.traceFlags).toBe(TraceFlags.RANDOM | TraceFlags.SAMPLED);
    expect(span.context.traceState).toEqual([["r", "1"]]);
  });

  test.each([
    [undefined, 0x03],
    [true, 0x03],
    [false, 0x02],
  ])("sampled: %s -> flags %i", (sampled, flags) => {
    const span = startSpan(undefined, sampled === undefined ? {} : { sampled });
    expect(span.context.traceFlags).toBe(flags);
    expect(span.context).not.toHaveProperty("traceState");
  });

  test("two roots have different trace ids", () => {
    expect(startSpan().context.traceId).not.toBe(startSpan().context.traceId);
  });
});

describe("random ids", () => {
  test("are lowercase hex of the right length", () => {
    for (let i = 0; i < 100; i++) {
      expect(generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
      expect(generateSpanId()).toMatch(/^[0-9a-f]{16}$/);
    }
  });

  test("an all-zero draw is retried", () => {
    let calls = 0;
    const original = globalThis.crypto.getRandomValues.bind(globalThis.crypto);
    const real = (array: Uint8Array) => original(array as Uint8Array<ArrayBuffer>);
    const fake = (array: Uint8Array) => {
      calls++;
      if (calls <= 2) return array; // zero-filled
      return real(array);
    };
    vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation(
      fake as Crypto["getRandomValues"],
    );
    const id = generateSpanId();
    expect(calls).toBe(3);
    expect(isValidSpanId(id)).toBe(true);
  });

  test("startSpan retries zero ids too", () => {
    let calls = 0;
    const fake = (array: Uint8Array) => array.fill(calls++ % 2 === 0 ? 0 : 0xab);
    vi.spyOn(globalThis.crypto, "getRandomValues").mockImplementation(
      fake as Crypto["getRandomValues"],
    );
    const span = startSpan();
    expect(span.context.traceId).toBe("ab".repeat(16));
    expect(span.context.spanId).toBe("ab".repeat(8));
  });
});

describe("span.end", () => {
  test("records the status and the end time once", () => {
    const span = startSpan();
    expect(span.ended).toBe(false);
    expect(span.status).toBeUndefined();
    span.end({ code: StatusCode.ERROR, message: "upstream failed" });
    expect(span.ended).toBe(true);
    expect(span.status).toEqual({ code: StatusCode.ERROR, message: "upstream failed" });
    const end = span.endTimeUnixNano!;
    expect(end).toBeGreaterThanOrEqual(span.startTimeUnixNano);
    span.end({ code: StatusCode.OK });
    expect(span.status).toEqual({ code: StatusCode.ERROR, message: "upstream failed" });
    expect(span.endTimeUnixNano).toBe(end);
  });

  test("without a status leaves it unset", () => {
    const span = startSpan();
    span.end();
    expect(span.ended).toBe(true);
    expect(span.status).toBeUndefined();
  });

  test("message defaults to empty", () => {
    const span = startSpan();
    span.end({ code: StatusCode.OK });
    expect(span.status).toEqual({ code: StatusCode.OK, message: "" });
  });

  test("start time is close to now", () => {
    const before = BigInt(Date.now() - 1000) * 1_000_000n;
    const after = BigInt(Date.now() + 1000) * 1_000_000n;
    const { startTimeUnixNano } = startSpan();
    expect(startTimeUnixNano > before && startTimeUnixNano < after).toBe(true);
  });

  test.each([-1, 1.5, 2 ** 31, Number.NaN])("rejects status code %s", (code) => {
    const span = startSpan();
    let error: unknown;
    try {
      span.end({ code: code as StatusCode });
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
    expect(span.ended).toBe(false);
  });
});

describe("isValidSpanContext", () => {
  test.each<[unknown, boolean]>([
    [{ traceId: T, spanId: S, traceFlags: 0 }, true],
    [{ traceId: T, spanId: S }, false],
    [{ traceId: T, spanId: S.toUpperCase(), traceFlags: 0 }, false],
    [null, false],
    [undefined, false],
  ])("%j -> %s", (context, valid) => {
    expect(isValidSpanContext(context as SpanContext)).toBe(valid);
  });
});
