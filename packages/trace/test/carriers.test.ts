import { once } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { isEnvelopeError } from "@envelope/core";
import {
  type ExtractCarrier,
  extract,
  extractWithReason,
  type InjectCarrier,
  inject,
  type MessageHeader,
  parseTraceParent,
  parseTraceState,
  type SpanContext,
  startSpan,
} from "@envelope/trace";
import fc from "fast-check";
import { describe, expect, test } from "vitest";

const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";
const TP = `00-${T}-${S}-01`;
const TS = "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7";
const bytes = (text: string) => new TextEncoder().encode(text);

const EXPECTED: SpanContext = {
  traceId: T,
  spanId: S,
  traceFlags: 1,
  isRemote: true,
  traceState: parseTraceState(TS)!,
};

describe("extract from every carrier kind", () => {
  test.each<[string, ExtractCarrier]>([
    ["IncomingHttpHeaders (lowercase record)", { traceparent: TP, tracestate: TS, host: "x" }],
    ["record with mixed-case names", { TraceParent: TP, TRACESTATE: TS }],
    [
      "record with array values",
      { traceparent: [TP], tracestate: ["congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"] },
    ],
    [
      "record split over spellings",
      { tracestate: "congo=t61rcWkgMzE", TraceState: "rojo=00f067aa0ba902b7", traceparent: TP },
    ],
    ["rawHeaders", ["Host", "x", "TraceParent", TP, "tracestate", TS]],
    [
      "rawHeaders with tracestate twice",
      ["traceparent", TP, "Tracestate", "congo=t61rcWkgMzE", "TRACESTATE", "rojo=00f067aa0ba902b7"],
    ],
    [
      "an IncomingMessage-like object",
      (() => {
        const message = { rawHeaders: ["traceparent", TP, "tracestate", TS], headers: {} };
        return message;
      })(),
    ],
    [
      "Fetch Headers",
      new Headers([
        ["TraceParent", TP],
        ["tracestate", TS],
      ]),
    ],
    [
      "Fetch Headers with tracestate appended twice",
      (() => {
        const h = new Headers({ traceparent: TP });
        h.append("tracestate", "congo=t61rcWkgMzE");
        h.append("tracestate", "rojo=00f067aa0ba902b7");
        return h;
      })(),
    ],
    [
      "Map",
      new Map([
        ["traceparent", TP],
        ["tracestate", TS],
      ]),
    ],
    ["Kafka record of bytes", { traceparent: bytes(TP), tracestate: bytes(TS) }],
    [
      "Kafka record of strings and bytes",
      { Traceparent: TP, tracestate: [bytes("congo=t61rcWkgMzE"), "rojo=00f067aa0ba902b7"] },
    ],
    [
      "{ key, value } list",
      [
        { key: "traceparent", value: bytes(TP) },
        { key: "TraceState", value: TS },
      ],
    ],
    [
      "{ key, value } list with null values elsewhere",
      [
        { key: "x", value: null },
        { key: "traceparent", value: TP },
        { key: "tracestate", value: TS },
      ],
    ],
  ])("%s", (_name, carrier) => {
    expect(extract(carrier)).toEqual(EXPECTED);
    expect(extractWithReason(carrier)).toEqual({
      context: EXPECTED,
      issue: undefined,
      traceStateIssue: undefined,
    });
  });

  test("no tracestate: the context has no traceState property", () => {
    const context = extract({ traceparent: TP });
    expect(context).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
    expect(context).not.toHaveProperty("traceState");
  });

  test("an empty tracestate header is no tracestate", () => {
    expect(extract({ traceparent: TP, tracestate: " , " })).not.toHaveProperty("traceState");
  });

  test("a bad tracestate is dropped, the traceparent kept, and the reason told", () => {
    expect(extractWithReason({ traceparent: TP, tracestate: "a=1,B=2" })).toEqual({
      context: { traceId: T, spanId: S, traceFlags: 1, isRemote: true },
      issue: undefined,
      traceStateIssue: "invalid_key",
    });
  });

  test("tracestate without traceparent is dropped", () => {
    expect(extractWithReason({ tracestate: TS })).toEqual({
      context: undefined,
      issue: "missing_traceparent",
      traceStateIssue: undefined,
    });
  });
});

describe("inject into every carrier kind", () => {
  const context: SpanContext = {
    traceId: T,
    spanId: S,
    traceFlags: 3,
    traceState: parseTraceState(TS)!,
  };
  const OUT = `00-${T}-${S}-03`;

  test.each<[string, () => InjectCarrier, unknown]>([
    ["empty record", () => ({}), { traceparent: OUT, tracestate: TS }],
    [
      "record with old values in other spellings",
      () => ({ TraceParent: "old", TRACESTATE: "old=1", host: "x" }),
      { host: "x", traceparent: OUT, tracestate: TS },
    ],
    ["empty array: raw pairs by default", () => [], ["traceparent", OUT, "tracestate", TS]],
    [
      "raw pairs replace old values",
      () => ["Host", "x", "TRACEPARENT", "old", "tracestate", "a=1", "Tracestate", "b=2"],
      ["Host", "x", "traceparent", OUT, "tracestate", TS],
    ],
    [
      "{ key, value } list replaces old values",
      () => [
        { key: "TraceParent", value: bytes("old") },
        { key: "a", value: "1" },
      ],
      [
        { key: "a", value: "1" },
        { key: "traceparent", value: OUT },
        { key: "tracestate", value: TS },
      ],
    ],
  ])("%s", (_name, make, expected) => {
    const carrier = make();
    inject(context, carrier);
    expect(carrier).toEqual(expected);
  });

  test("empty array as entries when asked", () => {
    const carrier: MessageHeader[] = [];
    inject(context, carrier, { arrayCarrier: "entries" });
    expect(carrier).toEqual([
      { key: "traceparent", value: OUT },
      { key: "tracestate", value: TS },
    ]);
  });

  test("Fetch Headers", () => {
    const headers = new Headers({ TraceState: "old=1" });
    inject(context, headers);
    expect([...headers.entries()]).toEqual([
      ["traceparent", OUT],
      ["tracestate", TS],
    ]);
  });

  test("no tracestate removes an old one", () => {
    const headers = new Headers({ tracestate: "old=1" });
    const record: Record<string, string> = { Tracestate: "old=1" };
    const raw = ["tracestate", "old=1"];
    const noState: SpanContext = { traceId: T, spanId: S, traceFlags: 0 };
    for (const carrier of [headers, record, raw]) inject(noState, carrier);
    expect([...headers.entries()]).toEqual([["traceparent", `00-${T}-${S}-00`]]);
    expect(record).toEqual({ traceparent: `00-${T}-${S}-00` });
    expect(raw).toEqual(["traceparent", `00-${T}-${S}-00`]);
  });

  test("a span injects its own context", () => {
    const span = startSpan(extract({ traceparent: TP, tracestate: TS }));
    const carrier: Record<string, string> = {};
    inject(span, carrier);
    expect(carrier).toEqual({ traceparent: `00-${T}-${span.context.spanId}-01`, tracestate: TS });
  });

  test("inject then extract round-trips", () => {
    const carrier: Record<string, string> = {};
    inject(context, carrier);
    expect(extract(carrier)).toEqual({ ...context, isRemote: true });
  });

  test.each<[string, unknown, string]>([
    ["null carrier", null, "invalid_argument"],
    ["a string carrier", "traceparent", "invalid_argument"],
    ["an incoming message", { rawHeaders: [] }, "invalid_argument"],
  ])("throws on %s, whatever the context", (_name, carrier, code) => {
    for (const ctx of [context, { traceId: "x", spanId: S, traceFlags: 0 }]) {
      let error: unknown;
      try {
        inject(ctx, carrier as InjectCarrier);
      } catch (e) {
        error = e;
      }
      expect(isEnvelopeError(error, code as "invalid_argument")).toBe(true);
    }
  });
});

describe("extract never reads another header as traceparent or tracestate", () => {
  test.each<[string, ExtractCarrier]>([
    ["record: trace", { trace: TP }],
    ["record: empty name", { "": TP }],
    ["record: a longer name", { traceparents: TP, xtraceparent: TP }],
    ["raw pairs: trace", ["trace", TP]],
    ["raw pairs: empty name", ["", TP]],
    [
      "{ key, value }: trace and empty",
      [
        { key: "trace", value: TP },
        { key: "", value: TP },
      ],
    ],
    [
      "Map: only the exact name is asked for",
      new Map([
        ["trace", TP],
        ["", TP],
      ]),
    ],
  ])("%s", (_name, carrier) => {
    expect(extractWithReason(carrier)).toEqual({
      context: undefined,
      issue: "missing_traceparent",
      traceStateIssue: undefined,
    });
  });

  test("tracestate: names trace, tracestat and empty are not read", () => {
    const carrier = { traceparent: TP, trace: "a=1", tracestat: "b=2", "": "c=3" };
    expect(extract(carrier)).toEqual({ traceId: T, spanId: S, traceFlags: 1, isRemote: true });
    expect(extract(["traceparent", TP, "trace", "a=1", "", "c=3"])).not.toHaveProperty(
      "traceState",
    );
  });
});

describe("inject writes only valid headers, whatever the context holds", () => {
  /** A hand-made context: its traceState is not a list this package built. */
  const handMade = (traceState: unknown): SpanContext =>
    ({ traceId: T, spanId: S, traceFlags: 1, traceState }) as unknown as SpanContext;
  const written = (ctx: SpanContext, options?: Parameters<typeof inject>[2]) => {
    const carrier: Record<string, string> = {};
    const result = inject(ctx, carrier, options);
    return { result, carrier };
  };

  test("invalid members are dropped, valid ones kept in order", () => {
    const state = [
      ["congo", "t61rcWkgMzE"],
      ["evil", "x\r\nset-cookie: a=b"],
      ["Upper", "1"],
      "rojo=1",
      null,
      undefined,
      42,
      ["lone"],
      ["num", 7],
      [7, "num"],
      ["caf\u00e9", "1"],
      ["space", "ends "],
      ["comma", "a,b"],
      ["", "empty key"],
      ["empty", ""],
      { 0: "obj", 1: "x" },
      ["rojo", "00f067aa0ba902b7"],
      ["congo", "duplicate"],
      ["extra", "kept", "third element ignored"],
    ];
    expect(written(handMade(state))).toEqual({
      result: true,
      carrier: {
        traceparent: TP,
        tracestate: "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7,extra=kept",
      },
    });
  });

  test("no CR, LF or other control character is ever written", () => {
    const values = ["a\rb", "a\nb", "\r\n", "a\u0000", "a\tb", "a\u007f", "\u2028"];
    const state = values.map((value, i) => [`k${i}`, value]);
    const { result, carrier } = written(handMade(state));
    expect(result).toBe(true);
    expect(carrier).toEqual({ traceparent: TP });
  });

  test("40 valid members: the first 32 are written", () => {
    const state = Array.from({ length: 40 }, (_, i) => [`k${i}`, `${i}`]);
    const expected = state
      .slice(0, 32)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    expect(written(handMade(state)).carrier.tracestate).toBe(expected);
  });

  test("dropped members do not count toward the 32", () => {
    const state = [["BAD", "1"], ...Array.from({ length: 32 }, (_, i) => [`k${i}`, "v"])];
    const text = written(handMade(state)).carrier.tracestate!;
    expect(text.split(",")).toHaveLength(32);
    expect(text.endsWith(",k31=v")).toBe(true);
  });

  test("over 512 characters: long members go first, then from the right", () => {
    const long = (key: string, length: number) => [key, "v".repeat(length - key.length - 1)];
    // 100 + 200 + 150 + 100 + 4 commas = 554: dropping the 200 leaves 353.
    const state = [long("a", 100), long("b", 200), ["BAD", "x"], long("c", 150), long("d", 100)];
    const keys = written(handMade(state))
      .carrier.tracestate!.split(",")
      .map((m) => m.split("=")[0]);
    expect(keys).toEqual(["a", "c", "d"]);
  });

  test.each<[string, unknown]>([
    ["a string", "congo=t61rcWkgMzE"],
    ["null", null],
    ["a number", 42],
    ["a plain object", { congo: "t61rcWkgMzE" }],
    ["a Map", new Map([["congo", "t61rcWkgMzE"]])],
    ["an array of nothing valid", [["A", "1"], null]],
    [
      "an array whose members throw",
      new Proxy([["a", "1"]], {
        get(target, key) {
          if (key === "0") throw new Error("no");
          return Reflect.get(target, key);
        },
      }),
    ],
  ])("tracestate that is %s: traceparent written, old tracestate removed", (_name, state) => {
    const carrier: Record<string, string> = { TraceState: "old=1" };
    expect(inject(handMade(state), carrier)).toBe(true);
    expect(carrier).toEqual({ traceparent: TP });
  });

  test("a traceState getter that throws: traceparent alone", () => {
    const ctx = {
      traceId: T,
      spanId: S,
      traceFlags: 1,
      get traceState(): never {
        throw new Error("no");
      },
    };
    expect(written(ctx)).toEqual({ result: true, carrier: { traceparent: TP } });
  });

  test("a span started from a hand-made context writes only valid members", () => {
    const span = startSpan(
      handMade([
        ["ok", "1"],
        ["NO", "2"],
      ]),
    );
    const carrier: Record<string, string> = {};
    inject(span, carrier);
    expect(carrier).toEqual({
      traceparent: `00-${T}-${span.context.spanId}-01`,
      tracestate: "ok=1",
    });
  });

  test("redaction on a context without tracestate writes traceparent alone", () => {
    const policy = { mask: ["rojo"], drop: [{ prefix: "acme" }] };
    const noState: SpanContext = { traceId: T, spanId: S, traceFlags: 1 };
    const carrier: Record<string, string> = { tracestate: "old=1" };
    expect(inject(noState, carrier, { redact: policy })).toBe(true);
    expect(carrier).toEqual({ traceparent: TP });
    const extracted = extract({ traceparent: TP })!;
    expect(written(extracted, { redact: policy }).carrier).toEqual({ traceparent: TP });
  });

  test("redaction of a hand-made list: invalid members dropped, then redacted", () => {
    const state = [["acme@t1", "secret"], ["Bad", "1"], ["rojo", "1"], null, ["congo", "2"]];
    const policy = { mask: ["rojo"], drop: [{ prefix: "acme" }] };
    expect(written(handMade(state), { redact: policy }).carrier).toEqual({
      traceparent: TP,
      tracestate: "rojo=redacted,congo=2",
    });
  });

  test("an invalid redaction policy throws even without a tracestate", () => {
    const noState: SpanContext = { traceId: T, spanId: S, traceFlags: 1 };
    let error: unknown;
    try {
      inject(noState, {}, { redact: { mask: ["Not A Key"] } });
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
  });

  const throwing = new Proxy(
    {},
    {
      get() {
        throw new Error("no");
      },
      has() {
        throw new Error("no");
      },
    },
  );
  test.each<[string, unknown]>([
    ["bad trace id", { traceId: "x", spanId: S, traceFlags: 0 }],
    ["uppercase trace id", { traceId: T.toUpperCase(), spanId: S, traceFlags: 0 }],
    ["zero trace id", { traceId: "0".repeat(32), spanId: S, traceFlags: 0 }],
    ["zero span id", { traceId: T, spanId: "0".repeat(16), traceFlags: 0 }],
    ["span id with CR LF", { traceId: T, spanId: "00f067aa0ba9\r\n02", traceFlags: 0 }],
    ["no span id", { traceId: T, traceFlags: 0 }],
    ["trace id as bytes", { traceId: new Uint8Array(16).fill(1), spanId: S, traceFlags: 0 }],
    ["flags 256", { traceId: T, spanId: S, traceFlags: 256 }],
    ["flags -1", { traceId: T, spanId: S, traceFlags: -1 }],
    ["flags 1.5", { traceId: T, spanId: S, traceFlags: 1.5 }],
    ["flags NaN", { traceId: T, spanId: S, traceFlags: Number.NaN }],
    ["flags as a string", { traceId: T, spanId: S, traceFlags: "01" }],
    ["no flags", { traceId: T, spanId: S }],
    ["null", null],
    ["undefined", undefined],
    ["a string", TP],
    ["a span whose context is null", { context: null }],
    ["a span with a bad context", { context: { traceId: T, spanId: "x", traceFlags: 1 } }],
    ["a proxy that throws", throwing],
    [
      "a span whose context throws",
      {
        get context(): never {
          throw new Error("no");
        },
      },
    ],
  ])("%s: nothing written, the carrier left as it was", (_name, source) => {
    const before = { traceparent: "old", Tracestate: "old=1", host: "x" };
    const carriers: InjectCarrier[] = [
      { ...before },
      ["traceparent", "old", "host", "x"],
      [{ key: "traceparent", value: "old" }],
      new Headers(before),
    ];
    const snapshots = [
      { ...before },
      ["traceparent", "old", "host", "x"],
      [{ key: "traceparent", value: "old" }],
      [...new Headers(before).entries()],
    ];
    for (const carrier of carriers) {
      expect(inject(source as SpanContext, carrier, { redact: { mask: ["rojo"] } })).toBe(false);
    }
    expect([
      carriers[0],
      carriers[1],
      carriers[2],
      [...(carriers[3] as Headers).entries()],
    ]).toEqual(snapshots);
  });

  test("returns true when it wrote", () => {
    expect(inject(EXPECTED, {})).toBe(true);
    expect(inject(startSpan(), [])).toBe(true);
  });
});

describe("inject on any hand-made context (property)", () => {
  // Strings close to the grammar, so that valid and invalid members both occur often.
  const text = fc.oneof(
    fc.stringMatching(/^[a-z0-9][a-z0-9_*/@-]{0,6}$/),
    fc.string({ maxLength: 8 }),
    fc.constantFrom("", " ", "a ", "A", "x\r\ny", "a,b", "a=b", "\u00e9", "k".repeat(300)),
  );
  const validMember = fc.tuple(
    fc.stringMatching(/^[a-z0-9][a-z0-9_*/@-]{0,6}$/),
    fc.stringMatching(/^[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,10}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/),
  );
  const member = fc.oneof(
    { arbitrary: validMember, weight: 6 },
    fc.tuple(text, text),
    fc.tuple(text, fc.anything()),
    fc.anything(),
  );
  const traceState = fc.oneof(
    { arbitrary: fc.array(member, { maxLength: 50 }), weight: 6 },
    fc.anything(),
  );
  const context = fc.record({
    // Mostly valid ids and flags, so that most runs reach the tracestate.
    traceId: fc.oneof(
      { arbitrary: fc.constant(T), weight: 8 },
      fc.string({ maxLength: 33 }),
      fc.anything(),
    ),
    spanId: fc.oneof(
      { arbitrary: fc.constant(S), weight: 8 },
      fc.string({ maxLength: 17 }),
      fc.anything(),
    ),
    traceFlags: fc.oneof(
      { arbitrary: fc.integer({ min: 0, max: 255 }), weight: 8 },
      fc.integer({ min: -2, max: 300 }),
      fc.double(),
      fc.anything(),
    ),
    traceState,
  });

  test("never throws; writes a traceparent that parses and a tracestate that parses back to itself", () => {
    let written = 0;
    fc.assert(
      fc.property(context, (ctx) => {
        const carrier: Record<string, string> = { other: "kept" };
        const wrote = inject(ctx as unknown as SpanContext, carrier);
        written += wrote && carrier.tracestate !== undefined ? 1 : 0;
        if (!wrote) {
          expect(carrier).toEqual({ other: "kept" });
          return;
        }
        expect(parseTraceParent(carrier.traceparent!)).toBeDefined();
        const state = carrier.tracestate;
        if (state === undefined) return;
        expect(state.length).toBeLessThanOrEqual(512);
        expect(state).toMatch(/^[\x20-\x7e]+$/);
        const parsed = parseTraceState(state);
        expect(parsed).toBeDefined();
        expect(parsed!.length).toBeLessThanOrEqual(32);
        expect(parsed!.map(([k, v]) => `${k}=${v}`).join(",")).toBe(state);
      }),
      { numRuns: 2000, seed: 14 },
    );
    // The property is not vacuous: many runs wrote a tracestate.
    expect(written).toBeGreaterThan(500);
  });
});

describe("node:http over loopback", () => {
  /** Sends raw header lines to a real node:http server and returns what extract sees from req and req.headers. */
  async function roundTrip(headerLines: string[]) {
    const seen: {
      fromReq: ReturnType<typeof extractWithReason>;
      fromHeaders: ReturnType<typeof extractWithReason>;
    }[] = [];
    const server = http.createServer((req, res) => {
      seen.push({ fromReq: extractWithReason(req), fromHeaders: extractWithReason(req.headers) });
      res.end();
    });
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    try {
      const net = await import("node:net");
      const socket = net.connect(port, "127.0.0.1");
      await once(socket, "connect");
      socket.write(
        `GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headerLines.map((l) => `${l}\r\n`).join("")}\r\n`,
      );
      socket.resume();
      await once(socket, "close");
    } finally {
      server.close();
    }
    expect(seen).toHaveLength(1);
    return seen[0]!;
  }

  test("a duplicated traceparent is seen in rawHeaders and rejected", async () => {
    const { fromReq, fromHeaders } = await roundTrip([`traceparent: ${TP}`, `TraceParent: ${TP}`]);
    expect(fromReq).toEqual({
      context: undefined,
      issue: "duplicate_traceparent",
      traceStateIssue: undefined,
    });
    // Node joins the two into one value with ", ", which is then just invalid.
    expect(fromHeaders).toEqual({
      context: undefined,
      issue: "invalid_length",
      traceStateIssue: undefined,
    });
  });

  test("several tracestate headers are combined in order", async () => {
    const { fromReq, fromHeaders } = await roundTrip([
      `Traceparent:  ${TP}\t`,
      "tracestate: congo=t61rcWkgMzE",
      "TRACESTATE: rojo=00f067aa0ba902b7,congo=dup",
    ]);
    expect(fromReq.context).toEqual(EXPECTED);
    expect(fromHeaders.context).toEqual(EXPECTED);
  });
});
