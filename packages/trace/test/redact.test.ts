import { isEnvelopeError } from "@envelope/core";
import {
  DEFAULT_MASK,
  extract,
  formatTraceState,
  inject,
  isValidTraceStateValue,
  parseTraceState,
  type RedactionPolicy,
  redactTraceState,
  type SpanContext,
  startSpan,
  type TraceState,
  validateRedactionPolicy,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";
const STATE = "acme=a1,acme@t1=a2,rojo=r1,congo=c1,vendor*=v1,vendorx=v2";

describe("redactTraceState", () => {
  test.each<[string, RedactionPolicy, string]>([
    ["empty policy", {}, STATE],
    [
      "mask an exact key",
      { mask: ["rojo"] },
      "acme=a1,acme@t1=a2,rojo=redacted,congo=c1,vendor*=v1,vendorx=v2",
    ],
    ["drop an exact key", { drop: ["congo"] }, "acme=a1,acme@t1=a2,rojo=r1,vendor*=v1,vendorx=v2"],
    [
      "exact does not match a longer key",
      { drop: ["acme"] },
      "acme@t1=a2,rojo=r1,congo=c1,vendor*=v1,vendorx=v2",
    ],
    [
      "mask by prefix (tenants included)",
      { mask: [{ prefix: "acme" }] },
      "acme=redacted,acme@t1=redacted,rojo=r1,congo=c1,vendor*=v1,vendorx=v2",
    ],
    [
      "a trailing * is a key character, not a wildcard",
      { drop: ["vendor*"] },
      "acme=a1,acme@t1=a2,rojo=r1,congo=c1,vendorx=v2",
    ],
    ["prefix vendor", { drop: [{ prefix: "vendor" }] }, "acme=a1,acme@t1=a2,rojo=r1,congo=c1"],
    [
      "drop wins over mask",
      { mask: ["rojo", "congo"], drop: ["rojo"] },
      "acme=a1,acme@t1=a2,congo=redacted,vendor*=v1,vendorx=v2",
    ],
    [
      "custom mask",
      { mask: ["rojo"], maskValue: "-" },
      "acme=a1,acme@t1=a2,rojo=-,congo=c1,vendor*=v1,vendorx=v2",
    ],
    ["no match", { mask: ["nobody"], drop: [{ prefix: "zz" }] }, STATE],
    [
      "drop everything",
      { drop: [{ prefix: "a" }, { prefix: "r" }, { prefix: "c" }, { prefix: "v" }] },
      "",
    ],
  ])("%s", (_name, policy, expected) => {
    const state = parseTraceState(STATE)!;
    const out = redactTraceState(state, policy);
    expect(formatTraceState(out)).toBe(expected);
    expect(formatTraceState(state)).toBe(STATE); // the input is not changed
    expect(Object.isFrozen(out)).toBe(true);
  });

  test("a hand-made list: invalid members are dropped before the policy applies", () => {
    const handMade = [["acme", "1"], null, ["Bad", "2"], ["rojo", "x\r\n"], ["congo", "3"]];
    const out = redactTraceState(handMade as unknown as TraceState, { mask: ["congo"] });
    expect(out).toEqual([
      ["acme", "1"],
      ["congo", "redacted"],
    ]);
    expect(Object.isFrozen(out)).toBe(true);
  });

  test("returns the same list when nothing matched", () => {
    const state = parseTraceState(STATE)!;
    expect(redactTraceState(state, { mask: ["nobody"] })).toBe(state);
  });

  test("the default mask is a valid value", () => {
    expect(isValidTraceStateValue(DEFAULT_MASK)).toBe(true);
    expect(DEFAULT_MASK).toBe("redacted");
  });

  test.each<[string, unknown, string]>([
    ["uppercase key", { mask: ["Acme"] }, "mask[0]"],
    ["empty key", { drop: [""] }, "drop[0]"],
    ["bad prefix", { drop: [{ prefix: "_x" }] }, "drop[0].prefix"],
    ["empty prefix", { mask: [{ prefix: "" }] }, "mask[0].prefix"],
    ["a regex", { mask: [/acme/] }, "mask[0]"],
    ["not an array", { mask: "acme" }, "mask"],
    ["mask with a comma", { maskValue: "a,b" }, "maskValue"],
    ["mask ending in space", { maskValue: "x " }, "maskValue"],
    ["empty mask", { maskValue: "" }, "maskValue"],
  ])("invalid policy: %s", (_name, policy, path) => {
    let error: unknown;
    try {
      validateRedactionPolicy(policy as RedactionPolicy);
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
    expect((error as { path?: string }).path).toBe(path);
  });
});

describe("inject with a redaction policy (crossing a trust boundary)", () => {
  const incoming = extract({ traceparent: `00-${T}-${S}-01`, tracestate: STATE })!;
  const span = startSpan(incoming);

  test("masks and drops in the written header only", () => {
    const carrier: Record<string, string> = {};
    inject(span, carrier, {
      redact: { mask: [{ prefix: "acme" }], drop: ["congo", { prefix: "vendor" }] },
    });
    expect(carrier).toEqual({
      traceparent: `00-${T}-${span.context.spanId}-01`,
      tracestate: "acme=redacted,acme@t1=redacted,rojo=r1",
    });
    expect(formatTraceState(span.context.traceState!)).toBe(STATE);
  });

  test("when everything is dropped no tracestate is written", () => {
    const carrier = ["tracestate", "stale=1"];
    inject(span, carrier, {
      redact: { drop: [{ prefix: "a" }, { prefix: "r" }, { prefix: "c" }, { prefix: "v" }] },
    });
    expect(carrier).toEqual(["traceparent", `00-${T}-${span.context.spanId}-01`]);
  });

  test("a redacted header is valid for the receiver", () => {
    const carrier = new Headers();
    inject(span, carrier, { redact: { mask: ["rojo"] } });
    const received = extract(carrier) as SpanContext;
    expect(formatTraceState(received.traceState!)).toBe(
      "acme=a1,acme@t1=a2,rojo=redacted,congo=c1,vendor*=v1,vendorx=v2",
    );
  });

  test("an invalid policy throws before anything is written", () => {
    const carrier: Record<string, string> = {};
    expect(() => inject(span, carrier, { redact: { mask: ["BAD"] } })).toThrow(/invalid_argument/);
    expect(carrier).toEqual({});
  });
});
