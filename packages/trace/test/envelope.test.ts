import {
  bytesToHex,
  type Envelope,
  hexToBytes,
  isEnvelopeError,
  StatusCode,
  type TraceContext,
} from "@envelope/core";
import {
  contextFromEnvelope,
  contextFromTraceContext,
  extract,
  fillEnvelopeTrace,
  inject,
  parseTraceState,
  type Span,
  type SpanContext,
  spanIdToBytes,
  spanIdToHex,
  startSpan,
  traceContextFromSpan,
  traceIdToBytes,
  traceIdToHex,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";

function envelope(): Envelope {
  return {
    header: {
      schema: { type: "request", subtype: "http", version: "1.0.0" },
      eventId: hexToBytes("0102030405060708090a0b0c0d0e0f10"),
      timeUnixNano: 1n,
      producer: { language: "typescript", version: "0.1.0" },
      resource: { serviceName: "svc", attributes: new Map() },
    },
    body: { attributes: new Map(), extensions: [] },
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isEnvelopeError(e) ? e.code : "not an EnvelopeError";
  }
  return undefined;
}

describe("id conversion", () => {
  test("round trip", () => {
    expect(bytesToHex(traceIdToBytes(T))).toBe(T);
    expect(traceIdToHex(hexToBytes(T))).toBe(T);
    expect(spanIdToHex(spanIdToBytes(S))).toBe(S);
    expect(spanIdToBytes(S)).toEqual(
      new Uint8Array([0x00, 0xf0, 0x67, 0xaa, 0x0b, 0xa9, 0x02, 0xb7]),
    );
  });

  test.each<[string, () => unknown, string | undefined]>([
    [
      "trace id hex uppercase",
      () => traceIdToBytes(T.toUpperCase()),
      "[invalid_id] character 1 is not lowercase hex",
    ],
    [
      "trace id hex short",
      () => traceIdToBytes(T.slice(2)),
      "[invalid_id] expected 32 lowercase hex characters, got 30",
    ],
    [
      "trace id hex zero",
      () => traceIdToBytes("0".repeat(32)),
      "[invalid_id] trace id is all zero",
    ],
    [
      "trace id not a string",
      () => traceIdToBytes(7 as unknown as string),
      "[invalid_id] trace id must be a string",
    ],
    [
      "span id hex long",
      () => spanIdToBytes(`${S}00`),
      "[invalid_id] expected 16 lowercase hex characters, got 18",
    ],
    ["span id hex zero", () => spanIdToBytes("0".repeat(16)), "[invalid_id] span id is all zero"],
    [
      "trace id bytes short",
      () => traceIdToHex(new Uint8Array(8)),
      "[invalid_id] trace id must be 16 bytes, got 8",
    ],
    [
      "trace id bytes zero",
      () => traceIdToHex(new Uint8Array(16)),
      "[invalid_id] trace id is all zero",
    ],
    [
      "span id bytes long",
      () => spanIdToHex(new Uint8Array(16).fill(1)),
      "[invalid_id] span id must be 8 bytes, got 16",
    ],
    [
      "span id not bytes",
      () => spanIdToHex([1, 2] as unknown as Uint8Array),
      "[invalid_id] span id must be a Uint8Array",
    ],
    [
      "with a path",
      () => spanIdToBytes("x", "header.trace.spanId"),
      "[invalid_id] expected 16 lowercase hex characters, got 1 (at header.trace.spanId)",
    ],
  ])("%s throws invalid_id", (_name, fn, message) => {
    let error: unknown;
    try {
      fn();
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, "invalid_id")).toBe(true);
    expect((error as Error).message).toBe(message);
  });
});

describe("traceContextFromSpan / fillEnvelopeTrace", () => {
  test("a child span", () => {
    const span = startSpan(extract({ traceparent: `00-${T}-${S}-01`, tracestate: "a=1,b=2" }));
    expect(traceContextFromSpan(span)).toEqual({
      traceId: hexToBytes(T),
      spanId: hexToBytes(span.context.spanId),
      parentSpanId: hexToBytes(S),
      traceFlags: 1,
      traceState: "a=1,b=2",
    });
  });

  test("a root span has no parent and no tracestate", () => {
    const span = startSpan(undefined, { sampled: false });
    const trace = traceContextFromSpan(span);
    expect(trace).toEqual({
      traceId: hexToBytes(span.context.traceId),
      spanId: hexToBytes(span.context.spanId),
      traceFlags: 2,
    });
    expect(trace).not.toHaveProperty("parentSpanId");
    expect(trace).not.toHaveProperty("traceState");
  });

  test("tracestate is truncated to 512 and can be redacted", () => {
    const long = Array.from({ length: 6 }, (_, i) => `k${i}=${"v".repeat(100)}`).join(",");
    const span = startSpan(
      extract({ traceparent: `00-${T}-${S}-01`, tracestate: `secret=s3cr3t,${long}` }),
    );
    const trace = traceContextFromSpan(span, { redact: { drop: ["secret"] } });
    expect(trace.traceState).toBe(long.split(",").slice(0, 4).join(","));
    expect(
      traceContextFromSpan(span, { redact: { mask: ["secret"] } }).traceState?.startsWith(
        "secret=redacted,k0=",
      ),
    ).toBe(true);
  });

  test("a hand-made tracestate: only its valid members reach the envelope", () => {
    const handMade = {
      traceId: T,
      spanId: S,
      traceFlags: 1,
      traceState: [["ok", "1"], ["NO", "2"], null, ["cr", "a\rb"], ["also", "3"]],
    } as unknown as SpanContext;
    expect(traceContextFromSpan(startSpan(handMade)).traceState).toBe("ok=1,also=3");
    const nothingValid = { ...handMade, traceState: "ok=1" } as unknown as SpanContext;
    expect(traceContextFromSpan(startSpan(nothingValid))).not.toHaveProperty("traceState");
  });

  test("fills header.trace and header.status", () => {
    const span = startSpan();
    span.end({ code: StatusCode.ERROR, message: "boom" });
    const env = envelope();
    expect(fillEnvelopeTrace(env, span)).toBe(env);
    expect(env.header.trace).toEqual(traceContextFromSpan(span));
    expect(env.header.status).toEqual({ code: StatusCode.ERROR, message: "boom" });
  });

  test("leaves header.status alone when the span has none", () => {
    const env = envelope();
    fillEnvelopeTrace(env, startSpan());
    expect(env.header).not.toHaveProperty("status");
  });

  test("a hand-made span with a bad id throws invalid_id", () => {
    const bad = { ...startSpan(), parentSpanId: "zz" } as Span;
    expect(codeOf(() => traceContextFromSpan(bad))).toBe("invalid_id");
  });
});

describe("contextFromEnvelope: the next hop is a child of the envelope's span", () => {
  test("lineage across an envelope", () => {
    const incoming = extract({ traceparent: `00-${T}-${S}-01`, tracestate: "a=1" })!;
    const span = startSpan(incoming);
    const env = fillEnvelopeTrace(envelope(), span);

    const next = contextFromEnvelope(env)!;
    expect(next).toEqual({
      traceId: T,
      spanId: span.context.spanId,
      traceFlags: 1,
      traceState: parseTraceState("a=1"),
      isRemote: true,
    });
    const downstream = startSpan(next);
    expect(downstream.context.traceId).toBe(T);
    expect(downstream.parentSpanId).toBe(span.context.spanId);
    const carrier: Record<string, string> = {};
    inject(next, carrier);
    expect(carrier).toEqual({
      traceparent: `00-${T}-${span.context.spanId}-01`,
      tracestate: "a=1",
    });
  });

  const good: TraceContext = { traceId: hexToBytes(T), spanId: hexToBytes(S), traceFlags: 1 };
  test.each<[string, TraceContext | undefined, ReturnType<typeof contextFromTraceContext>]>([
    ["none", undefined, undefined],
    ["valid", good, { traceId: T, spanId: S, traceFlags: 1, isRemote: true }],
    [
      "unknown flag bits dropped",
      { ...good, traceFlags: 0xff },
      { traceId: T, spanId: S, traceFlags: 3, isRemote: true },
    ],
    [
      "bad flags read as 0",
      { ...good, traceFlags: 1.5 },
      { traceId: T, spanId: S, traceFlags: 0, isRemote: true },
    ],
    [
      "empty tracestate",
      { ...good, traceState: "" },
      { traceId: T, spanId: S, traceFlags: 1, isRemote: true },
    ],
    [
      "invalid tracestate dropped",
      { ...good, traceState: "A=1" },
      { traceId: T, spanId: S, traceFlags: 1, isRemote: true },
    ],
    ["zero trace id", { ...good, traceId: new Uint8Array(16) }, undefined],
    ["short trace id", { ...good, traceId: new Uint8Array(8).fill(1) }, undefined],
    ["zero span id", { ...good, spanId: new Uint8Array(8) }, undefined],
    ["span id not bytes", { ...good, spanId: S as unknown as Uint8Array }, undefined],
  ])("%s", (_name, trace, expected) => {
    expect(contextFromTraceContext(trace)).toEqual(expected);
    const env = envelope();
    if (trace !== undefined) env.header.trace = trace;
    expect(contextFromEnvelope(env)).toEqual(expected);
  });

  test("no envelope", () => {
    expect(contextFromEnvelope(undefined)).toBeUndefined();
  });
});
