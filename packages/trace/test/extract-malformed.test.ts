/**
 * extract on malformed input: no context, never a partial one, never a throw,
 * and the exact reason. Every carrier kind sees every malformed traceparent.
 */
import { readFileSync } from "node:fs";
import {
  type ExtractCarrier,
  type ExtractIssue,
  extract,
  extractWithReason,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";
const TP = `00-${T}-${S}-01`;
const TS = "congo=t61rcWkgMzE";

const corpus = JSON.parse(
  readFileSync(new URL("./vectors/traceparent_corpus.json", import.meta.url), "utf8"),
) as { cases: { traceparent: string; w3c_reference_impl: string }[] };

const malformedValues: [string, ExtractIssue][] = [
  ["", "invalid_length"],
  [" ", "invalid_length"],
  ["00", "invalid_length"],
  [`00-${T}-${S}`, "invalid_length"],
  [`00-${T}-${S}-01-`, "invalid_length"],
  [`00-${T}-${S}-01,00-${T}-${S}-01`, "invalid_length"],
  [`ff-${T}-${S}-01`, "invalid_version"],
  [`0g-${T}-${S}-01`, "invalid_version"],
  [`01-${T}-${S}-01x`, "invalid_separator"],
  [`00-${T}+${S}-01`, "invalid_separator"],
  [`00-${T.toUpperCase()}-${S}-01`, "invalid_trace_id"],
  [`00-${"0".repeat(32)}-${S}-01`, "zero_trace_id"],
  [`00-${T}-${"G".repeat(16)}-01`, "invalid_span_id"],
  [`00-${T}-${"0".repeat(16)}-01`, "zero_span_id"],
  [`00-${T}-${S}-0x`, "invalid_flags"],
  [`00-${T}-${S}-\u00e90`, "invalid_flags"],
  ["\u0000".repeat(55), "invalid_version"],
  ["x".repeat(100_000), "invalid_version"],
];

/** Every way to carry one traceparent value (with a valid tracestate beside it). */
const carriersOf = (value: string): [string, ExtractCarrier][] => [
  ["record", { traceparent: value, tracestate: TS }],
  ["record, mixed case", { TraceParent: value, TraceState: TS }],
  ["record, array value", { traceparent: [value], tracestate: [TS] }],
  ["rawHeaders", ["traceparent", value, "tracestate", TS]],
  ["IncomingMessage-like", { rawHeaders: ["TRACEPARENT", value, "tracestate", TS] }],
  [
    "Map",
    new Map([
      ["traceparent", value],
      ["tracestate", TS],
    ]),
  ],
  ["Kafka bytes", { traceparent: new TextEncoder().encode(value), tracestate: TS }],
  [
    "{ key, value } list",
    [
      { key: "traceparent", value },
      { key: "tracestate", value: TS },
    ],
  ],
];

function expectNothing(carrier: unknown, issue: ExtractIssue): void {
  let result: ReturnType<typeof extractWithReason> | undefined;
  expect(() => {
    result = extractWithReason(carrier as ExtractCarrier);
  }).not.toThrow();
  expect(result).toEqual({ context: undefined, issue, traceStateIssue: undefined });
  expect(extract(carrier as ExtractCarrier)).toBeUndefined();
}

describe("malformed traceparent values, every carrier", () => {
  // Bytes that are not ASCII never reach the parser.
  const bytesIssue = (kind: string, value: string, issue: ExtractIssue): ExtractIssue =>
    kind === "Kafka bytes" && [...value].some((ch) => ch.charCodeAt(0) > 0x7f)
      ? "invalid_header_value"
      : issue;
  const rows = malformedValues.flatMap(([value, issue]) =>
    carriersOf(value).map(
      ([kind, carrier]) =>
        [
          `${kind}: ${JSON.stringify(value.slice(0, 60))}`,
          carrier,
          bytesIssue(kind, value, issue),
        ] as const,
    ),
  );
  test.each(rows)("%s", (_name, carrier, issue) => expectNothing(carrier, issue));
});

describe("every traceparent the corpus rejects, every carrier", () => {
  const rejected = [
    ...new Set(
      corpus.cases
        .filter((r) => r.w3c_reference_impl === "reject" || r.traceparent === `00-${T}-${S}`)
        .map((r) => r.traceparent),
    ),
  ];
  const rows = rejected.flatMap((value) =>
    carriersOf(value).map(
      ([kind, carrier]) => [`${kind}: ${JSON.stringify(value)}`, carrier] as const,
    ),
  );
  test.each(rows)("%s", (_name, carrier) => {
    const result = extractWithReason(carrier);
    expect(result.context).toBeUndefined();
    expect(result.issue).toBeTypeOf("string");
    expect(result.traceStateIssue).toBeUndefined();
    expect(extract(carrier)).toBeUndefined();
  });
});

describe("malformed carriers and header shapes", () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  test.each<[string, unknown, ExtractIssue]>([
    ["undefined", undefined, "invalid_carrier"],
    ["null", null, "invalid_carrier"],
    ["a string", TP, "invalid_carrier"],
    ["a number", 42, "invalid_carrier"],
    ["a function", () => TP, "invalid_carrier"],
    ["empty record", {}, "missing_traceparent"],
    ["only tracestate", { tracestate: TS }, "missing_traceparent"],
    ["traceparent undefined", { traceparent: undefined, tracestate: TS }, "missing_traceparent"],
    ["traceparent null", { traceparent: null }, "missing_traceparent"],
    ["traceparent empty array", { traceparent: [] }, "missing_traceparent"],
    ["empty rawHeaders", [], "missing_traceparent"],
    ["rawHeaders name without value", ["traceparent"], "missing_traceparent"],
    ["misspelled name", { "trace-parent": TP }, "missing_traceparent"],
    ["name with a space", { "traceparent ": TP }, "missing_traceparent"],
    ["inherited property only", Object.create({ traceparent: TP }), "missing_traceparent"],
    ["Headers without it", new Headers({ tracestate: TS }), "missing_traceparent"],
    ["duplicate in rawHeaders", ["traceparent", TP, "TraceParent", TP], "duplicate_traceparent"],
    [
      "duplicate in rawHeaders, one empty",
      ["traceparent", TP, "traceparent", ""],
      "duplicate_traceparent",
    ],
    [
      "duplicate by spelling in a record",
      { traceparent: TP, Traceparent: TP },
      "duplicate_traceparent",
    ],
    ["duplicate in an array value", { traceparent: [TP, TP] }, "duplicate_traceparent"],
    [
      "duplicate in a { key, value } list",
      [
        { key: "traceparent", value: TP },
        { key: "TRACEPARENT", value: TP },
      ],
      "duplicate_traceparent",
    ],
    [
      "duplicate via rawHeaders of a message",
      { rawHeaders: ["traceparent", TP, "traceparent", TP] },
      "duplicate_traceparent",
    ],
    ["number value", { traceparent: 1 }, "invalid_header_value"],
    ["object value", { traceparent: { toString: () => TP } }, "invalid_header_value"],
    ["boolean in array value", { traceparent: [true] }, "invalid_header_value"],
    ["non-ASCII bytes", { traceparent: enc(`00-${T}-${S}-0\u00e9`) }, "invalid_header_value"],
    ["Headers with a bad value", new Headers({ traceparent: `00-${T}-${S}-1` }), "invalid_length"],
    [
      "{ key, value } list with a bad value",
      [{ key: "traceparent", value: 5 }],
      "invalid_header_value",
    ],
  ])("%s", (_name, carrier, issue) => expectNothing(carrier, issue));

  test("getters that throw give no context instead of throwing", () => {
    const hostile = {
      get traceparent(): string {
        throw new Error("boom");
      },
    };
    expectNothing(hostile, "invalid_carrier");
    const hostileHeaders = {
      get(): string {
        throw new Error("boom");
      },
    };
    expectNothing(hostileHeaders, "invalid_carrier");
  });

  test("a bad tracestate never produces a partial context", () => {
    for (const ts of ["A=1", "a=", "a=1,".repeat(40), "\u0000", "a=1 ,b"]) {
      const result = extractWithReason({ traceparent: TP, tracestate: ts });
      expect(result.context).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
      expect(result.traceStateIssue).toBeTypeOf("string");
    }
  });
});
