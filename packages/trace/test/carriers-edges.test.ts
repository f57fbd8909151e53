// The carrier edges users meet: header values as bytes, entry lists with
// holes, carriers that only look like Headers, and what inject returns and
// throws. Written from mutation testing (docs/testing.md): each test pins a
// behaviour the other carrier tests left open.
import { isEnvelopeError } from "@envelope/core";
import { extractWithReason, inject, type MessageHeader, parseTraceParent } from "@envelope/trace";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";
const TP = `00-${T}-${S}-01`;
const bytes = (text: string) => new TextEncoder().encode(text);
const context = parseTraceParent(TP)!;

function codeOf(run: () => unknown): { code: string; message: string } | undefined {
  try {
    run();
  } catch (error) {
    if (isEnvelopeError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  return undefined;
}

describe("extract: header values as bytes", () => {
  test("a traceparent with a byte over 0x7f cannot be a header value; DEL (0x7f) is ASCII and fails the grammar (here: in the trace id)", () => {
    const high = bytes(TP);
    high[3] = 0x80;
    expect(extractWithReason({ traceparent: high }).issue).toBe("invalid_header_value");
    const del = bytes(TP);
    del[3] = 0x7f;
    expect(extractWithReason({ traceparent: del }).issue).toBe("invalid_trace_id");
  });

  test("a tracestate that is not text is dropped and said so; the traceparent is kept", () => {
    const result = extractWithReason({
      traceparent: TP,
      tracestate: Uint8Array.of(0x61, 0x3d, 0xff),
    });
    expect({ ...result.context }).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
    expect(result.issue).toBeUndefined();
    expect(result.traceStateIssue).toBe("invalid_header_value");
  });
});

describe("extract: entry lists", () => {
  test("null and primitive items in a { key, value } list are skipped", () => {
    const list = [null, 5, "x", { key: "traceparent", value: TP }] as unknown as MessageHeader[];
    expect(extractWithReason(list).context?.spanId).toBe(S);
  });
});

describe("inject", () => {
  test("returns true when it writes into Headers, and replaces an earlier tracestate by none", () => {
    const headers = new Headers({ tracestate: "old=1" });
    expect(inject(context, headers)).toBe(true);
    expect([...headers]).toEqual([["traceparent", TP]]);
  });

  test("an object with set but no delete is a record, not Headers", () => {
    const calls: string[] = [];
    const carrier = { set: (name: string) => calls.push(name) } as unknown as Record<
      string,
      string
    >;
    expect(inject(context, carrier)).toBe(true);
    expect(calls).toEqual([]);
    expect(carrier.traceparent).toBe(TP);
  });

  test("an entry list without a tracestate gets only the traceparent entry", () => {
    const list: MessageHeader[] = [{ key: "x", value: "1" }];
    expect(inject(context, list)).toBe(true);
    expect(list).toEqual([
      { key: "x", value: "1" },
      { key: "traceparent", value: TP },
    ]);
  });

  test("holes in an entry list are left alone while earlier trace headers are removed", () => {
    const list = [
      null,
      { key: "TraceParent", value: "old" },
      { key: "x", value: "1" },
    ] as unknown as MessageHeader[];
    expect(inject(context, list)).toBe(true);
    expect(list).toEqual([null, { key: "x", value: "1" }, { key: "traceparent", value: TP }]);
  });

  test("a redaction policy is checked even when the context is invalid and nothing is written", () => {
    const carrier: Record<string, string> = {};
    const invalid = { traceId: "0".repeat(32), spanId: "1".repeat(16), traceFlags: 1 };
    expect(
      codeOf(() => inject(invalid as never, carrier, { redact: { drop: ["Bad Key"] } }))?.code,
    ).toBe("invalid_argument");
    expect(inject(invalid as never, carrier, { redact: { drop: ["rojo"] } })).toBe(false);
    expect(carrier).toEqual({});
  });

  test("a carrier that cannot be written is invalid_argument, and says why", () => {
    expect(codeOf(() => inject(context, null as unknown as Record<string, string>))).toEqual({
      code: "invalid_argument",
      message: "[invalid_argument] the carrier must be an object or an array",
    });
    expect(
      codeOf(() => inject(context, { rawHeaders: [] } as unknown as Record<string, string>)),
    ).toEqual({
      code: "invalid_argument",
      message:
        "[invalid_argument] cannot inject into an incoming message; use its response or a record",
    });
  });
});
