/**
 * Table-driven tests from the external vectors in test/vectors (see its README
 * for their origin and for how conflicting verdicts are read).
 */
import { readFileSync } from "node:fs";
import {
  extract,
  extractWithReason,
  formatTraceState,
  inject,
  isValidTraceStateKey,
  isValidTraceStateValue,
  parseTraceParent,
  parseTraceState,
  type SpanContext,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

interface TraceparentRow {
  source: string;
  name: string;
  traceparent: string;
  expect: "accept" | "reject";
  trace_id?: string;
  parent_id?: string;
  flags_as_extracted_by_source?: string;
  w3c_reference_impl: "accept" | "reject";
  note?: string;
}

interface TracestateHeaderRow {
  source: string;
  name: string;
  in: string;
  expect: "accept" | "reject";
  out: string | null;
  w3c_reference_impl_HEAD: string;
}

interface KeyRow {
  source: string;
  key: string;
  expect: "valid" | "invalid";
}

interface ValueRow {
  source: string;
  value: string;
  expect: "valid" | "invalid";
}

/** The tracestate inject writes for a hand-made context holding `members`. */
function injectedState(members: unknown[][]): string | undefined {
  const context = {
    traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
    spanId: "00f067aa0ba902b7",
    traceFlags: 1,
    traceState: members,
  } as unknown as SpanContext;
  const carrier: Record<string, string> = {};
  inject(context, carrier);
  return carrier.tracestate;
}

function load<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./vectors/${name}`, import.meta.url), "utf8")) as T;
}

const traceparents = load<{ cases: TraceparentRow[] }>("traceparent_corpus.json").cases;
const tracestates = load<{
  header_cases: TracestateHeaderRow[];
  key_cases: KeyRow[];
  value_cases: ValueRow[];
}>("tracestate_corpus.json");

/**
 * The W3C reference implementation defaults missing flags to 00, but the
 * specification requires all four fields (version 00 is exactly 55 characters),
 * as these rows' own note says: rejected.
 */
const MISSING_FLAGS = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7";

function verdict(row: TraceparentRow): "accept" | "reject" {
  return row.traceparent === MISSING_FLAGS ? "reject" : row.w3c_reference_impl;
}

describe("traceparent corpus", () => {
  test("has the documented size", () => {
    expect(traceparents).toHaveLength(111);
    expect(new Set(traceparents.map((r) => r.traceparent)).size).toBe(85);
  });

  const accepted = traceparents
    .filter((r) => verdict(r) === "accept")
    .map((r) => [`${r.source}: ${r.name}`, r] as const);
  const rejected = traceparents
    .filter((r) => verdict(r) === "reject")
    .map((r) => [`${r.source}: ${r.name}`, r] as const);

  test.each(accepted)("accept %s", (_name, row) => {
    const fields = row.traceparent.trim().split("-");
    // Only the sampled and random bits are kept.
    const flags = Number.parseInt(fields[3]!, 16) & 0x03;
    // A row the source rejected has no ids: they are the header's.
    const expected = {
      traceId: row.trace_id ?? fields[1],
      spanId: row.parent_id ?? fields[2],
      traceFlags: flags,
      isRemote: true,
    };
    expect(parseTraceParent(row.traceparent)).toEqual(expected);
    expect(extract({ traceparent: row.traceparent })).toEqual(expected);
    expect(extract(new Headers({ TraceParent: row.traceparent }))).toEqual(expected);
    // The sources agree with us on the sampled bit.
    if (row.flags_as_extracted_by_source !== undefined) {
      expect(flags & 0x01).toBe(Number.parseInt(row.flags_as_extracted_by_source, 16) & 0x01);
    }
  });

  test.each(rejected)("reject %s", (_name, row) => {
    expect(parseTraceParent(row.traceparent)).toBeUndefined();
    expect(extract({ traceparent: row.traceparent, tracestate: "foo=1" })).toBeUndefined();
    expect(extract(["Traceparent", row.traceparent])).toBeUndefined();
    const result = extractWithReason({ traceparent: row.traceparent });
    expect(result.context).toBeUndefined();
    expect(result.issue).toBeTypeOf("string");
  });

  test("where a source disagrees with the W3C verdict, the W3C verdict is applied", () => {
    const disagreements = traceparents.filter((r) => r.expect !== r.w3c_reference_impl);
    expect(disagreements.map((r) => [r.source, r.traceparent, verdict(r)])).toEqual([
      ["go", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00-", "reject"],
      ["go", MISSING_FLAGS, "reject"],
      ["go", "00-ab000000000000000000000000000000-cd00000000000000-09", "accept"],
      ["rust", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-", "reject"],
      ["rust", MISSING_FLAGS, "reject"],
    ]);
  });
});

/** Rows whose expected output differs from the source's because duplicates keep the first member. */
const DUPLICATE_OUT: Record<string, string> = {
  "foo=1,foo=1": "foo=1",
  "foo=1,foo=2": "foo=1",
};

describe("tracestate corpus: whole headers", () => {
  const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
  const rows = tracestates.header_cases.map((r) => [`${r.source}: ${r.name}`, r] as const);

  test("has the documented size", () => {
    expect(tracestates.header_cases).toHaveLength(30);
  });

  test.each(rows)("%s", (_name, row) => {
    const accept = row.w3c_reference_impl_HEAD.startsWith("accept");
    const expectedOut = accept ? (DUPLICATE_OUT[row.in] ?? row.out ?? row.in) : undefined;
    const state = parseTraceState(row.in);
    expect(state === undefined ? undefined : formatTraceState(state)).toBe(expectedOut);

    // Through extract: a bad tracestate never costs the traceparent.
    const result = extractWithReason({ traceparent: TP, tracestate: row.in });
    expect(result.context?.traceId).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    const extracted = result.context?.traceState;
    expect(extracted === undefined ? "" : formatTraceState(extracted)).toBe(expectedOut ?? "");
    expect(result.traceStateIssue === undefined).toBe(accept);
  });
});

describe("tracestate corpus: keys (current W3C grammar)", () => {
  /** Valid under the current grammar, invalid under the older one the SDKs apply. */
  const NOW_VALID = new Set(["1_key", "6num", "foo@0123456789abcdef"]);
  const rows = tracestates.key_cases.map((r) => [JSON.stringify(r.key), r] as const);

  test.each(rows)("%s", (_name, row) => {
    const valid = NOW_VALID.has(row.key) || row.expect === "valid";
    expect(isValidTraceStateKey(row.key)).toBe(valid);
    expect(parseTraceState(`${row.key}=v`) !== undefined).toBe(valid);
    // A hand-made context with this key: inject writes the member only when it is valid.
    expect(
      injectedState([
        [row.key, "v"],
        ["ok", "1"],
      ]),
    ).toBe(valid ? `${row.key}=v,ok=1` : "ok=1");
  });

  test("the reinterpreted rows exist", () => {
    for (const key of NOW_VALID)
      expect(tracestates.key_cases.find((r) => r.key === key)?.expect).toBe("invalid");
  });
});

describe("tracestate corpus: values", () => {
  const rows = tracestates.value_cases.map((r) => [JSON.stringify(r.value), r] as const);

  test.each(rows)("%s", (_name, row) => {
    expect(isValidTraceStateValue(row.value)).toBe(row.expect === "valid");
    expect(injectedState([["k", row.value]])).toBe(
      row.expect === "valid" ? `k=${row.value}` : undefined,
    );
  });
});
