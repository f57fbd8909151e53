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
  parseTraceState,
  type SpanContext,
  startSpan,
} from "@envelope/trace";
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

  test.each<[string, SpanContext, unknown, string]>([
    ["bad trace id", { traceId: "x", spanId: S, traceFlags: 0 }, {}, "invalid_id"],
    ["zero span id", { traceId: T, spanId: "0".repeat(16), traceFlags: 0 }, {}, "invalid_id"],
    ["null carrier", { traceId: T, spanId: S, traceFlags: 0 }, null, "invalid_argument"],
    [
      "an incoming message",
      { traceId: T, spanId: S, traceFlags: 0 },
      { rawHeaders: [] },
      "invalid_argument",
    ],
  ])("throws on %s", (_name, ctx, carrier, code) => {
    let error: unknown;
    try {
      inject(ctx, carrier as InjectCarrier);
    } catch (e) {
      error = e;
    }
    expect(isEnvelopeError(error, code as "invalid_id")).toBe(true);
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
