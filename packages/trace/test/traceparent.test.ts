import { isEnvelopeError } from "@envelope/core";
import {
  extract,
  formatTraceParent,
  parseTraceParent,
  parseTraceParentWithReason,
  startSpan,
  type TraceParentIssue,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";

describe("parseTraceParent accepts", () => {
  test.each([
    ["version 00 sampled", `00-${T}-${S}-01`, 0x01],
    ["version 00 not sampled", `00-${T}-${S}-00`, 0x00],
    ["random flag", `00-${T}-${S}-02`, 0x02],
    ["sampled and random", `00-${T}-${S}-03`, 0x03],
    ["unknown flag bits dropped", `00-${T}-${S}-ff`, 0x03],
    ["unknown flag bit 0x08 dropped", `00-${T}-${S}-09`, 0x01],
    ["unknown flag bits only", `00-${T}-${S}-fc`, 0x00],
    ["higher version, exactly 55", `01-${T}-${S}-01`, 0x01],
    ["higher version with more fields", `cc-${T}-${S}-01-what-the-future-will-be-like`, 0x01],
    ["higher version with an empty extra field", `03-${T}-${S}-00-`, 0x00],
    ["version fe", `fe-${T}-${S}-01`, 0x01],
    ["leading space", ` 00-${T}-${S}-01`, 0x01],
    ["trailing tab", `00-${T}-${S}-01\t`, 0x01],
    ["spaces and tabs both sides", ` \t 00-${T}-${S}-01\t \t`, 0x01],
  ])("%s", (_name, header, flags) => {
    expect(parseTraceParent(header)).toEqual({
      traceId: T,
      spanId: S,
      traceFlags: flags,
      isRemote: true,
    });
    expect(parseTraceParentWithReason(header)).toEqual({
      ok: true,
      value: { traceId: T, spanId: S, traceFlags: flags, isRemote: true },
    });
  });
});

describe("parseTraceParent rejects", () => {
  test.each<[string, string, TraceParentIssue]>([
    ["empty", "", "invalid_length"],
    ["whitespace only", " \t ", "invalid_length"],
    ["no flags", `00-${T}-${S}`, "invalid_length"],
    ["no flags, trailing dash", `00-${T}-${S}-`, "invalid_length"],
    ["one flag digit", `00-${T}-${S}-1`, "invalid_length"],
    ["version 00 with a dash after the flags", `00-${T}-${S}-01-`, "invalid_length"],
    [
      "version 00 with more fields",
      `00-${T}-${S}-01-what-the-future-will-be-like`,
      "invalid_length",
    ],
    ["version 00 with a dot after the flags", `00-${T}-${S}-01.`, "invalid_length"],
    ["three flag digits", `00-${T}-${S}-001`, "invalid_length"],
    ["version ff", `ff-${T}-${S}-01`, "invalid_version"],
    ["uppercase version", `A0-${T}-${S}-01`, "invalid_version"],
    ["non-hex version", `qw-${T}-${S}-01`, "invalid_version"],
    ["one-digit version", `0-${T}-${S}-01`, "invalid_length"],
    ["three-digit version", `000-${T}-${S}-01`, "invalid_length"],
    ["three-digit higher version", `010-${T}-${S}-01`, "invalid_separator"],
    [
      "higher version, no dash after the flags",
      `cc-${T}-${S}-01.what-the-future`,
      "invalid_separator",
    ],
    ["higher version, flags too long", `cc-${T}-${S}-010`, "invalid_separator"],
    ["underscore separators", `00_${T}_${S}_01`, "invalid_separator"],
    // Each separator on its own: a wrong one is never read as part of an id.
    ["first separator wrong", `00_${T}-${S}-01`, "invalid_separator"],
    ["second separator wrong", `00-${T}_${S}-01`, "invalid_separator"],
    ["last separator wrong", `00-${T}-${S}_01`, "invalid_separator"],
    ["last separator a hex digit", `00-${T}-${S}001`, "invalid_separator"],
    ["higher version, first separator wrong", `cc.${T}-${S}-01-x`, "invalid_separator"],
    ["higher version, last separator wrong", `cc-${T}-${S}.01-x`, "invalid_separator"],
    ["trace id too long", `00-${T}00-${S}-01`, "invalid_length"],
    ["trace id too short, span id long", `00-${T.slice(2)}-${S}00-01`, "invalid_separator"],
    ["uppercase trace id", `00-${T.toUpperCase()}-${S}-01`, "invalid_trace_id"],
    ["non-hex trace id", `00-${T.slice(0, 31)}x-${S}-01`, "invalid_trace_id"],
    ["zero trace id", `00-${"0".repeat(32)}-${S}-01`, "zero_trace_id"],
    ["uppercase span id", `00-${T}-${S.toUpperCase()}-01`, "invalid_span_id"],
    ["non-hex span id", `00-${T}-${S.slice(0, 15)}.-01`, "invalid_span_id"],
    ["zero span id", `00-${T}-${"0".repeat(16)}-01`, "zero_span_id"],
    ["uppercase flags", `00-${T}-${S}-A1`, "invalid_flags"],
    ["non-hex flags", `00-${T}-${S}-qw`, "invalid_flags"],
    ["inner space", `00-${T}-${S} -01`, "invalid_length"],
    ["newline before", `\n00-${T}-${S}-01`, "invalid_version"],
    ["two headers joined by Node", `00-${T}-${S}-01, 00-${T}-${S}-01`, "invalid_length"],
    ["two v1 headers joined", `01-${T}-${S}-01, 01-${T}-${S}-01`, "invalid_separator"],
    ["non-ASCII", `00-${T}-${S}-0\u0661`, "invalid_flags"],
  ])("%s", (_name, header, issue) => {
    expect(parseTraceParent(header)).toBeUndefined();
    expect(parseTraceParentWithReason(header)).toEqual({ ok: false, issue });
  });

  test.each([
    null,
    undefined,
    42,
    {},
    [`00-${T}-${S}-01`],
  ])("a non-string (%s) without throwing", (value) => {
    expect(parseTraceParent(value as unknown as string)).toBeUndefined();
    expect(parseTraceParentWithReason(value as unknown as string)).toEqual({
      ok: false,
      issue: "invalid_length",
    });
  });
});

describe("formatTraceParent", () => {
  test.each([
    [0x00, `00-${T}-${S}-00`],
    [0x01, `00-${T}-${S}-01`],
    [0x02, `00-${T}-${S}-02`],
    [0x03, `00-${T}-${S}-03`],
    [0x08, `00-${T}-${S}-00`],
    [0xff, `00-${T}-${S}-03`],
  ])("flags %i -> %s", (traceFlags, expected) => {
    expect(formatTraceParent({ traceId: T, spanId: S, traceFlags })).toBe(expected);
  });

  test("the fast path for contexts the package built writes what the checked path writes", () => {
    const built = [
      parseTraceParent(`00-${T}-${S}-01`)!,
      parseTraceParent(`cc-${T}-${S}-ff-x`)!,
      extract({ traceparent: `00-${T}-${S}-02`, tracestate: "a=1" })!,
      startSpan().context,
      startSpan(parseTraceParent(`00-${T}-${S}-00`)).context,
    ];
    for (const context of built) {
      const plain = {
        traceId: context.traceId,
        spanId: context.spanId,
        traceFlags: context.traceFlags,
      };
      expect(formatTraceParent(context)).toBe(formatTraceParent(plain));
    }
  });

  test("round-trips what it parses (higher versions come back as 00)", () => {
    const parsed = parseTraceParent(`cc-${T}-${S}-09-future`)!;
    expect(formatTraceParent(parsed)).toBe(`00-${T}-${S}-01`);
  });

  test.each([
    [
      "uppercase trace id",
      { traceId: T.toUpperCase(), spanId: S, traceFlags: 1 },
      "invalid_id",
      "traceId",
    ],
    ["short trace id", { traceId: T.slice(1), spanId: S, traceFlags: 1 }, "invalid_id", "traceId"],
    [
      "zero trace id",
      { traceId: "0".repeat(32), spanId: S, traceFlags: 1 },
      "invalid_id",
      "traceId",
    ],
    ["zero span id", { traceId: T, spanId: "0".repeat(16), traceFlags: 1 }, "invalid_id", "spanId"],
    ["long span id", { traceId: T, spanId: `${S}0`, traceFlags: 1 }, "invalid_id", "spanId"],
    ["flags 256", { traceId: T, spanId: S, traceFlags: 256 }, "invalid_argument", "traceFlags"],
    ["flags -1", { traceId: T, spanId: S, traceFlags: -1 }, "invalid_argument", "traceFlags"],
    ["flags 1.5", { traceId: T, spanId: S, traceFlags: 1.5 }, "invalid_argument", "traceFlags"],
  ] as const)("throws on %s", (_name, context, code, path) => {
    let error: unknown;
    try {
      formatTraceParent(context);
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, code)).toBe(true);
    expect((error as { path?: string }).path).toBe(path);
  });
});
