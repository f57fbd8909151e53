// Trace context across real TypeScript, Go and Rust services (README.md here):
// the flows, the audit, and the edge-case table of docs/spec.md ("Trace
// context", "Across services"), against each service as a real process.
import { bytesToHex } from "@envelope/core";
import { checkEnvelope, loadRegistry } from "@envelope/registry";
import { decode, type Envelope, type TraceContext } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type AuditReport, auditFlow, type FlowExpectation } from "./audit.js";
import {
  buildServices,
  getJson,
  LANGUAGES,
  type Language,
  postRaw,
  type Service,
  type Sink,
  startService,
  startSink,
  stopService,
} from "./harness.js";

const { binaries, missing } = buildServices();
/** The registered schemas (trace/hop, trace/propagation_health) every emitted envelope must conform to. */
const registry = loadRegistry(new URL("../../schemas", import.meta.url).pathname);
const ready = missing.length === 0;
if (!ready) console.warn(`trace services skipped: ${missing.join(", ")} not installed`);

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
/** The trust boundary: the Go service masks this tracestate member in everything it sends. */
const SECRET = "vendor=secret42";
const STATE = `${SECRET},other=keep`;
const MASKED = "vendor=redacted,other=keep";

let sink: Sink;
const services = new Map<string, Service>();
const url = (name: string, path = "/hop") => `${services.get(name)?.url}${path}`;

beforeAll(async () => {
  if (!ready) return;
  sink = await startSink();
  const start = async (language: Language, name: string, extra = {}) =>
    services.set(
      name,
      await startService(language, binaries[language] as string, {
        name,
        sink: sink.url,
        ...extra,
      }),
    );
  // Go and Rust are the middle services: they override sampling for a high-priority request.
  await start("ts", "ts");
  await start("ts", "ts-back");
  await start("go", "go", { redact: ["vendor"], prioritySampling: true });
  await start("rust", "rust", { prioritySampling: true });
  await start("ts", "ts-priority", { prioritySampling: true });
  await start("ts", "ts-broken", { ignoreIncoming: true });
  for (const language of LANGUAGES) await start(language, `${language}-edge`);
}, 600_000);

afterAll(async () => {
  await Promise.all([...services.values()].map(stopService));
  await sink?.close();
});

/** One service of a route; a message (`bus`) may be a background job (`later`) or go to more consumers (`fanout`). */
interface Step {
  readonly name: string;
  readonly via?: "bus";
  readonly later?: boolean;
  readonly fanout?: readonly string[];
}

/** Resolves once `done()` holds; the deadline only detects a hang. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs a flow from a caller whose span is PARENT_ID; returns the audit of its envelopes. */
async function runFlow(
  flow: string,
  route: ReadonlyArray<Step>,
  { flags = "01", priority = "" } = {},
): Promise<
  (
    expected: Omit<FlowExpectation, "flow" | "traceId" | "callerSpanId">,
    envelopes?: readonly Envelope[],
  ) => AuditReport
> {
  const [first, ...rest] = route;
  const body = JSON.stringify({
    flow,
    priority,
    route: rest.map((step) => ({
      url: url(step.name, step.via === "bus" ? `/consume${step.later ? "?later=1" : ""}` : "/hop"),
      via: step.via ?? "http",
      fanout: (step.fanout ?? []).map((name) => url(name, "/consume")),
    })),
  });
  const answer = await postRaw(
    url(first?.name ?? ""),
    [
      ["traceparent", `00-${TRACE_ID}-${PARENT_ID}-${flags}`],
      ["tracestate", STATE],
    ],
    body,
  );
  expect(answer.status, answer.body).toBe(200);
  return (expected, envelopes = sink.envelopes) =>
    auditFlow(envelopes, { flow, traceId: TRACE_ID, callerSpanId: PARENT_ID, ...expected });
}

/** The envelope of one span of a flow; throws when the sink has none. */
function hopEnvelope(flow: string, service: string, role: "server" | "client"): Envelope {
  const found = sink.envelopes.find(
    (e) =>
      e.body.attributes.get("flow") === flow &&
      e.header.resource.serviceName === service &&
      e.body.attributes.get("hop.role") === role,
  );
  if (found === undefined) throw new Error(`no ${role} envelope of ${service} in flow ${flow}`);
  return found;
}

const CHAIN = ["ts", "go", "rust", "ts-back"];
const REVERSE = ["ts", "rust", "go", "ts-back"];
const steps = (names: readonly string[]) => names.map((name) => ({ name }));

describe.skipIf(!ready)("flows across TypeScript, Go and Rust", () => {
  for (const [label, chain, redactedFrom] of [
    ["TS → Go → Rust → TS", CHAIN, 2],
    ["TS → Rust → Go → TS", REVERSE, 3],
  ] as const) {
    // The tracestate is masked from the hop after Go (the trust boundary) onwards.
    const states = chain.map((_, i) => (i >= redactedFrom ? MASKED : STATE));

    test(`${label}, sampled: one trace, parent = caller's span, flags and tracestate carried`, async () => {
      const audit = await runFlow(`sampled ${label}`, steps(chain));
      const report = audit({ hops: chain, sampled: [true, true, true, true], traceState: states });
      expect(report.problems).toEqual([]);
      expect(report.languages).toEqual(["go", "rust", "typescript"]);
      expect(report.incoming).toEqual({ valid: 4 });
      expect(report.restarted).toBe(0);
    });

    test(`${label}, unsampled: the decision survives every hop`, async () => {
      const audit = await runFlow(`unsampled ${label}`, steps(chain), { flags: "00" });
      const report = audit({
        hops: chain,
        sampled: [false, false, false, false],
        traceState: states,
      });
      expect(report.problems).toEqual([]);
    });

    test(`${label}, unsampled but high priority: the middle service samples, downstream keeps it`, async () => {
      const audit = await runFlow(`priority ${label}`, steps(chain), {
        flags: "00",
        priority: "high",
      });
      // The entry service (TS) does not override; the next one (Go or Rust) does.
      const report = audit({ hops: chain, sampled: [false, true, true, true], traceState: states });
      expect(report.problems).toEqual([]);
    });
  }

  test("TS → TS → Go, unsampled but high priority: a TypeScript middle service overrides too", async () => {
    const chain = ["ts", "ts-priority", "go"];
    const audit = await runFlow("priority in TS", steps(chain), { flags: "00", priority: "high" });
    const report = audit({
      hops: chain,
      sampled: [false, true, true],
      traceState: [STATE, STATE, STATE],
    });
    expect(report.problems).toEqual([]);
  });

  test("TS → Go →(message) TS: the context crosses a frame stream in the envelope's header.trace", async () => {
    const audit = await runFlow("bus", [
      { name: "ts" },
      { name: "go" },
      { name: "ts-back", via: "bus" },
    ]);
    const report = audit({
      hops: ["ts", "go", "ts-back"],
      sampled: [true, true, true],
      traceState: [STATE, STATE, MASKED],
    });
    expect(report.problems).toEqual([]);
    expect(hopEnvelope("bus", "ts-back", "server").body.attributes.get("hop.via")).toBe("bus");
    expect(hopEnvelope("bus", "go", "client").body.attributes.get("hop.via")).toBe("bus");
  });

  test("TS →(message) Rust → Go: a Rust consumer continues the trace from the envelope", async () => {
    const chain = ["ts", "rust", "go"];
    const audit = await runFlow("bus to rust", [
      { name: "ts" },
      { name: "rust", via: "bus" },
      { name: "go" },
    ]);
    const report = audit({
      hops: chain,
      sampled: [true, true, true],
      traceState: [STATE, STATE, STATE],
    });
    expect(report.problems).toEqual([]);
    expect(report.incoming).toEqual({ valid: 3 });
    expect(hopEnvelope("bus to rust", "rust", "server").body.attributes.get("hop.via")).toBe("bus");
  });

  test("TS → Go →(job) TS: a background worker picks the message up after the request answered", async () => {
    const audit = await runFlow("job", [
      { name: "ts" },
      { name: "go" },
      { name: "ts-back", via: "bus", later: true },
    ]);
    const worker = () =>
      sink.envelopes.some(
        (e) =>
          e.body.attributes.get("flow") === "job" && e.header.resource.serviceName === "ts-back",
      );
    await until(worker, "the worker's envelope");
    // The worker's span is a child of the producer span (one message, one job).
    const report = audit({
      hops: ["ts", "go", "ts-back"],
      sampled: [true, true, true],
      traceState: [STATE, STATE, MASKED],
    });
    expect(report.problems).toEqual([]);
  });

  test("TS →(message) TS and Rust: one event fans out, each consumer a child of the producer span", async () => {
    const audit = await runFlow("fanout", [
      { name: "ts" },
      { name: "ts-back", via: "bus", fanout: ["rust"] },
    ]);
    const consumers = [
      hopEnvelope("fanout", "ts-back", "server"),
      hopEnvelope("fanout", "rust", "server"),
    ];
    // Each branch is a complete flow once the other consumer is left out.
    for (const [index, consumer] of consumers.entries()) {
      const other = consumers[1 - index];
      const branch = sink.envelopes.filter((e) => e !== other);
      const report = audit(
        {
          hops: ["ts", consumer.header.resource.serviceName],
          sampled: [true, true],
          traceState: [STATE, STATE],
        },
        branch,
      );
      expect(report.problems).toEqual([]);
    }
  });

  test("the audit catches a hop that drops the context (a service that ignores it, on purpose)", async () => {
    const chain = ["ts", "go", "ts-broken", "rust"];
    const audit = await runFlow("broken", steps(chain));
    const report = audit({
      hops: chain,
      sampled: [true, true, true, true],
      traceState: [STATE, STATE, MASKED, MASKED],
    });
    const brokenIds = report.problems.filter(
      (p) => p.startsWith("ts-broken ") || p.startsWith("rust "),
    );
    // ts-broken and rust (its callee) are in a new trace: 3 envelopes with another trace id.
    expect(brokenIds).toHaveLength(3);
    expect(report.problems.at(-1)).toMatch(
      /^hop 3 \(ts-broken\) server: no span whose parentSpanId is its caller's spanId [0-9a-f]{16} \(its server span has parentSpanId none\)$/,
    );
    expect(report.incoming).toEqual({ valid: 3, missing: 1 });
    // ts-broken had trace headers and started a new trace anyway.
    expect(report.restarted).toBe(1);
  });

  test("the audit catches a hop that rewrites the context (flags, tracestate, parent)", async () => {
    const audit = await runFlow("rewritten", steps(CHAIN));
    const expected = {
      hops: CHAIN,
      sampled: [true, true, true, true],
      traceState: [STATE, STATE, MASKED, MASKED],
    };
    expect(audit(expected).problems).toEqual([]);
    const rust = hopEnvelope("rewritten", "rust", "server");
    const goCall = hopEnvelope("rewritten", "go", "client");
    // The Rust hop rewritten one field at a time, in a copy of the flow's envelopes.
    const rewrite = (trace: Partial<TraceContext>) =>
      sink.envelopes.map((e) =>
        e === rust ? { ...e, header: { ...e.header, trace: { ...e.header.trace, ...trace } } } : e,
      ) as Envelope[];
    expect(audit(expected, rewrite({ traceFlags: 0 })).problems).toEqual([
      "hop 3 (rust) server: traceFlags 0, expected sampled=true",
    ]);
    expect(audit(expected, rewrite({ traceState: STATE })).problems).toEqual([
      `hop 3 (rust) server: tracestate "${STATE}", expected "${MASKED}"`,
    ]);
    const goCallId = bytesToHex(goCall.header.trace?.spanId ?? new Uint8Array());
    expect(audit(expected, rewrite({ parentSpanId: new Uint8Array(8).fill(7) })).problems).toEqual([
      `hop 3 (rust) server: no span whose parentSpanId is its caller's spanId ${goCallId} (its server span has parentSpanId 0707070707070707)`,
    ]);
  });

  test("the sink read every frame", () => {
    expect(sink.errors).toEqual([]);
  });

  test("every hop envelope, from every language, conforms to trace/hop 1.0.0", () => {
    expect(new Set(sink.envelopes.map((e) => e.header.producer.language))).toEqual(
      new Set(["typescript", "go", "rust"]),
    );
    for (const e of sink.envelopes) {
      expect(e.header.schema).toEqual({ type: "trace", subtype: "hop", version: "1.0.0" });
      expect(checkEnvelope(registry, e), e.header.resource.serviceName).toEqual([]);
      expect(typeof e.body.attributes.get("trace.restarted")).toBe("boolean");
    }
  });
});

// The edge-case table of docs/spec.md ("Trace context", "Across services"), row for row.
interface Expected {
  /** How the service counts the extraction. */
  readonly outcome:
    | "valid"
    | "missing"
    | "malformed"
    | "tracestate_dropped"
    | "tracestate_truncated";
  /** A child of the sent context (same trace id, parent = the sent parent id), or a new root. */
  readonly child: boolean;
  /** Trace flags of the service's span. */
  readonly flags: number;
  /** tracestate of the service's span and of the header it sends on. */
  readonly traceState: string;
}

interface EdgeCase {
  readonly name: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly expected: Expected;
  /** Where the standard propagator of Go or Rust differs from the table, and why (docs/spec.md says the same). */
  readonly differs?: Partial<Record<"go" | "rust", Partial<Expected> & { why: string }>>;
}

const tp = (flags = "01") => ["traceparent", `00-${TRACE_ID}-${PARENT_ID}-${flags}`] as const;
const members33 = Array.from({ length: 33 }, (_, i) => `k${i}=v`).join(",");
const [longA, longB, longC] = [
  `a=${"x".repeat(200)}`,
  `b=${"y".repeat(200)}`,
  `c=${"z".repeat(200)}`,
];
/** A new root: sampled (this SDK's sampling of roots) with the random flag, which Go's and Rust's SDKs do not set. */
const ROOT = { child: false, flags: 0x03, traceState: "" } as const;
const ROOT_FLAGS_DIFFER = "the Go and Rust SDKs' roots do not set the random flag (0x02)";

const EDGE_CASES: readonly EdgeCase[] = [
  { name: "no trace headers", headers: [], expected: { outcome: "missing", ...ROOT } },
  {
    name: "traceparent only",
    headers: [tp()],
    expected: { outcome: "valid", child: true, flags: 1, traceState: "" },
  },
  {
    name: "traceparent with the random flag (03)",
    headers: [tp("03")],
    expected: { outcome: "valid", child: true, flags: 3, traceState: "" },
    differs: {
      rust: { flags: 1, why: "TraceContextPropagator keeps only the sampled flag" },
    },
  },
  {
    name: "tracestate only (dropped)",
    headers: [["tracestate", "a=1"]],
    expected: { outcome: "missing", ...ROOT },
  },
  {
    name: "malformed traceparent (three fields)",
    headers: [["traceparent", `00-${TRACE_ID}-${PARENT_ID}`]],
    expected: { outcome: "malformed", ...ROOT },
  },
  {
    name: "future version with more fields",
    headers: [["traceparent", `cc-${TRACE_ID}-${PARENT_ID}-01-future`]],
    expected: { outcome: "valid", child: true, flags: 1, traceState: "" },
  },
  {
    name: "future version, more fields after a bad separator",
    headers: [["traceparent", `cc-${TRACE_ID}-${PARENT_ID}-01.future`]],
    expected: { outcome: "malformed", ...ROOT },
  },
  {
    name: "version ff",
    headers: [["traceparent", `ff-${TRACE_ID}-${PARENT_ID}-01`]],
    expected: { outcome: "malformed", ...ROOT },
  },
  {
    name: "version 00 with more fields",
    headers: [["traceparent", `00-${TRACE_ID}-${PARENT_ID}-01-extra`]],
    expected: { outcome: "malformed", ...ROOT },
  },
  {
    name: "uppercase hex",
    headers: [["traceparent", `00-${TRACE_ID.toUpperCase()}-${PARENT_ID}-01`]],
    expected: { outcome: "malformed", ...ROOT },
  },
  {
    name: "duplicated traceparent",
    headers: [tp(), tp()],
    expected: { outcome: "malformed", ...ROOT },
    differs: {
      go: {
        outcome: "valid",
        child: true,
        flags: 1,
        why: "propagation.TraceContext reads the first header only",
      },
      rust: {
        outcome: "valid",
        child: true,
        flags: 1,
        why: "TraceContextPropagator reads the first header only",
      },
    },
  },
  {
    name: "duplicated tracestate (combined)",
    headers: [tp(), ["tracestate", "a=1"], ["tracestate", "b=2"]],
    expected: { outcome: "valid", child: true, flags: 1, traceState: "a=1,b=2" },
    differs: {
      go: {
        outcome: "tracestate_truncated",
        traceState: "a=1",
        why: "propagation.TraceContext reads the first tracestate header only",
      },
      rust: {
        outcome: "tracestate_truncated",
        traceState: "a=1",
        why: "TraceContextPropagator reads the first tracestate header only",
      },
    },
  },
  {
    name: "tracestate of 33 members (dropped)",
    headers: [tp(), ["tracestate", members33]],
    expected: { outcome: "tracestate_dropped", child: true, flags: 1, traceState: "" },
    differs: {
      rust: {
        outcome: "tracestate_truncated",
        traceState: members33.slice(0, members33.lastIndexOf(",")),
        why: "TraceState keeps the first 32 members instead of dropping the list",
      },
    },
  },
  {
    name: "tracestate over 512 characters (truncated)",
    headers: [tp(), ["tracestate", `${longA},${longB},${longC}`]],
    expected: {
      outcome: "tracestate_truncated",
      child: true,
      flags: 1,
      traceState: `${longA},${longB}`,
    },
    differs: {
      go: {
        outcome: "valid",
        traceState: `${longA},${longB},${longC}`,
        why: "trace.TraceState does not truncate",
      },
      rust: {
        outcome: "valid",
        traceState: `${longA},${longB},${longC}`,
        why: "TraceState does not truncate",
      },
    },
  },
  {
    name: "tracestate with an invalid member (dropped)",
    headers: [tp(), ["tracestate", "A=1"]],
    expected: { outcome: "tracestate_dropped", child: true, flags: 1, traceState: "" },
  },
  {
    name: "all-zero trace id",
    headers: [["traceparent", `00-${"0".repeat(32)}-${PARENT_ID}-01`]],
    expected: { outcome: "malformed", ...ROOT },
  },
  {
    name: "all-zero parent id",
    headers: [["traceparent", `00-${TRACE_ID}-${"0".repeat(16)}-01`]],
    expected: { outcome: "malformed", ...ROOT },
  },
];

/**
 * The counts one extraction adds: its outcome, `sampled` (every span the edge
 * cases start is sampled), and `restarted` when a new root starts although the
 * request carried trace headers.
 */
function countsFor(row: EdgeCase, language: Language): Record<string, number> {
  const want = expectedFor(row, language);
  const counts: Record<string, number> = { [want.outcome]: 1, sampled: 1 };
  if (!want.child && row.headers.length > 0) counts.restarted = 1;
  return counts;
}

/** The difference between two snapshots of a service's counts, without the zeros. */
function added(after: Record<string, number>, before: Record<string, number>) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([key, value]) => [key, value - (before[key] ?? 0)] as const)
      .filter(([, value]) => value !== 0),
  );
}

/** The row's expectation for one language: the table, with the language's documented differences. */
function expectedFor(row: EdgeCase, language: Language): Expected {
  const differs = language === "ts" ? undefined : row.differs?.[language];
  const merged = { ...row.expected, ...differs };
  if (language !== "ts" && !merged.child) merged.flags = 0x01; // ROOT_FLAGS_DIFFER
  return merged;
}

describe.skipIf(!ready)("edge cases, the same table in every language", () => {
  for (const language of LANGUAGES) {
    describe(language, () => {
      for (const row of EDGE_CASES) {
        const differs = language === "ts" ? undefined : row.differs?.[language];
        const note = differs === undefined ? "" : ` (differs: ${differs.why})`;
        test(`${row.name}${note}`, async () => {
          const before = await getJson(url(`${language}-edge`, "/stats"));
          const answer = await postRaw(url(`${language}-edge`, "/extract"), row.headers, "");
          expect(answer.status, answer.body).toBe(200);
          const got = JSON.parse(answer.body);
          const want = expectedFor(row, language);
          const { span } = got;
          expect(got.outcome, "outcome").toBe(want.outcome);
          expect(got.restarted, "restarted").toBe(countsFor(row, language).restarted === 1);
          const after = await getJson(url(`${language}-edge`, "/stats"));
          expect(added(after, before), "counts added").toEqual(countsFor(row, language));
          expect(span.spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
          expect(span.spanId).not.toBe(PARENT_ID);
          if (want.child) {
            expect([span.traceId, span.parentSpanId], "a child of the sent context").toEqual([
              TRACE_ID,
              PARENT_ID,
            ]);
          } else {
            expect(span.traceId).toMatch(/^(?!0{32})[0-9a-f]{32}$/);
            expect(span.traceId, "a new root").not.toBe(TRACE_ID);
            expect(span.parentSpanId, "a new root").toBe("");
          }
          expect(
            span.traceFlags,
            `flags${language !== "ts" && !want.child ? ` (${ROOT_FLAGS_DIFFER})` : ""}`,
          ).toBe(want.flags);
          expect(span.traceState, "tracestate").toBe(want.traceState);
          const flags = want.flags.toString(16).padStart(2, "0");
          expect(got.traceparent, "traceparent sent on").toBe(
            `00-${span.traceId}-${span.spanId}-${flags}`,
          );
          expect(got.tracestate, "tracestate sent on").toBe(want.traceState);
        });
      }
      test("counts every extraction by outcome and sampling", async () => {
        const counts: Record<string, number> = {};
        for (const row of EDGE_CASES) {
          for (const [key, value] of Object.entries(countsFor(row, language)))
            counts[key] = (counts[key] ?? 0) + value;
        }
        expect(await getJson(url(`${language}-edge`, "/stats"))).toEqual(counts);
      });
      test("exports the same counts as an envelope", async () => {
        const res = await fetch(url(`${language}-edge`, "/stats/envelope"));
        const envelope = decode(new Uint8Array(await res.arrayBuffer()));
        expect(envelope.header.schema).toEqual({
          type: "trace",
          subtype: "propagation_health",
          version: "1.0.0",
        });
        expect(envelope.header.resource.serviceName).toBe(`${language}-edge`);
        expect(checkEnvelope(registry, envelope)).toEqual([]);
        const counts = await getJson(url(`${language}-edge`, "/stats"));
        expect(Object.fromEntries(envelope.body.attributes)).toEqual(
          Object.fromEntries(
            Object.entries(counts).map(([key, value]) => [`trace.extract.${key}`, BigInt(value)]),
          ),
        );
      });
    });
  }
});
