/**
 * Runs the real http-service process on 127.0.0.1 and drives it over loopback:
 * a recorder server here stands for the services it calls and keeps what
 * arrives, in order. Needs the built packages (`pnpm build`), like the service.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import http from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fromJson, toJson } from "@envelope/sdk";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const SERVER = fileURLToPath(new URL("./server.mjs", import.meta.url));
const T = "4bf92f3577b34da6a3ce929d0e0e4736";
const S = "00f067aa0ba902b7";
const TIMEOUT = 15_000;

interface Received {
  path: string;
  traceparent: string | undefined;
  tracestate: string | undefined;
  contentType: string | undefined;
  body: string;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(", ") : value;
}

/** The services the example calls: records each request; `/fail` answers 500. */
class Recorder {
  readonly received: Received[] = [];
  private readonly server = http.createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      this.received.push({
        path: req.url ?? "",
        traceparent: single(req.headers.traceparent),
        tracestate: single(req.headers.tracestate),
        contentType: req.headers["content-type"],
        body,
      });
      res.writeHead(req.url === "/fail" ? 500 : 200).end("ok");
    });
  });

  async start(): Promise<void> {
    this.server.listen(0, "127.0.0.1");
    await once(this.server, "listening");
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  take(): Received[] {
    return this.received.splice(0);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** One running service process; its stdout lines (NDJSON envelopes) are collected. */
class Service {
  readonly lines: string[] = [];
  port = 0;
  private constructor(readonly child: ChildProcessWithoutNullStreams) {}

  static async start(args: string[] = []): Promise<Service> {
    const child = spawn(
      process.execPath,
      [SERVER, "--port", "0", "--timeout-ms", "5000", ...args],
      {
        stdio: "pipe",
      },
    );
    const service = new Service(child);
    let pending = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      pending += chunk;
      const parts = pending.split("\n");
      pending = parts.pop() ?? "";
      service.lines.push(...parts);
    });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    service.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`service did not start: ${stderr}`)),
        TIMEOUT,
      );
      child.stderr.on("data", (chunk: string) => {
        stderr += chunk;
        const match = /^listening on 127\.0\.0\.1:(\d+)\n/.exec(stderr);
        if (match !== null) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`service exited with ${code}: ${stderr}`));
      });
    });
    return service;
  }

  async post(body: unknown, headers: Record<string, string> = {}, method = "POST") {
    const response = await fetch(`http://127.0.0.1:${this.port}/fanout`, {
      method,
      headers: { "content-type": "application/json", ...headers },
      ...(method === "POST"
        ? { body: typeof body === "string" ? body : JSON.stringify(body) }
        : {}),
      signal: AbortSignal.timeout(TIMEOUT),
    });
    return {
      status: response.status,
      body: (await response.json()) as { calls: unknown[]; error?: string },
    };
  }

  /** The next envelope line, parsed and checked with the SDK's JSON reader. */
  async nextEnvelope(): Promise<Record<string, unknown> & { header: Record<string, unknown> }> {
    const deadline = Date.now() + TIMEOUT;
    while (this.lines.length === 0) {
      if (Date.now() > deadline) throw new Error("no envelope on stdout");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const json = JSON.parse(this.lines.shift()!);
    // A valid envelope by the contract, and its JSON is exactly the mapping's.
    expect(toJson(fromJson(json))).toEqual(json);
    return json;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill("SIGTERM");
    await once(this.child, "exit");
  }
}

/** Attribute `key` of an envelope's JSON mapping. */
function attribute(envelope: Record<string, unknown>, key: string): unknown {
  const attributes = (envelope.body as { attributes: { key: string; value: unknown }[] })
    .attributes;
  return attributes.find((a) => a.key === key)?.value;
}

const recorder = new Recorder();
const services: Service[] = [];
let service: Service;

beforeAll(async () => {
  for (const pkg of ["trace", "sdk"]) {
    const dist = new URL(`../../packages/${pkg}/dist/index.js`, import.meta.url);
    if (!existsSync(dist))
      throw new Error(`packages/${pkg} is not built: run \`pnpm build\` first`);
  }
  // The service imports @envelope/trace by name, like a real user of the package.
  const linked = ["./node_modules/", "../node_modules/"].some((dir) =>
    existsSync(new URL(`${dir}@envelope/trace/package.json`, import.meta.url)),
  );
  if (!linked) {
    throw new Error(
      'examples/package.json must depend on "@envelope/trace": "workspace:*" (then pnpm install)',
    );
  }
  await recorder.start();
  service = await Service.start();
  services.push(service);
}, 60_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop()));
  await recorder.close();
});

describe("http-service example", { timeout: 30_000 }, () => {
  test("child of the caller's span; one child span per call, each its own parent id; tracestate passed on", async () => {
    const calls = [
      { url: recorder.url("/a"), arguments: { user: "alice", n: 1 } },
      { url: recorder.url("/b"), arguments: [1, 2, 3] },
      { url: recorder.url("/c") },
      { url: recorder.url("/a"), arguments: "again" },
    ];
    const response = await service.post(calls, {
      traceparent: `00-${T}-${S}-01`,
      tracestate: " rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE",
    });
    expect(response.status).toBe(200);

    const received = recorder.take();
    expect(received.map((r) => [r.path, r.body, r.contentType])).toEqual([
      ["/a", '{"user":"alice","n":1}', "application/json"],
      ["/b", "[1,2,3]", "application/json"],
      ["/c", "null", "application/json"],
      ["/a", '"again"', "application/json"],
    ]);
    // One client span per call: each call carries its own parent id.
    const spanIds = received.map((r) => r.traceparent!.slice(36, 52));
    expect(new Set([...spanIds, S]).size).toBe(5);
    for (const [i, r] of received.entries()) {
      expect(r.traceparent).toBe(`00-${T}-${spanIds[i]}-01`);
      expect(r.tracestate).toBe("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
    }

    // Envelopes: one per call, in order, then the request's (the server span).
    const callEnvelopes = [];
    for (let i = 0; i < calls.length; i++) callEnvelopes.push(await service.nextEnvelope());
    const envelope = await service.nextEnvelope();
    const serverSpanId = (envelope.header.trace as { spanId: string }).spanId;
    expect(serverSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(spanIds).not.toContain(serverSpanId);
    for (const [i, call] of callEnvelopes.entries()) {
      expect(call.header.schema).toEqual({
        type: "request",
        subtype: "http_call",
        version: "1.0.0",
      });
      expect(call.header.trace).toEqual({
        traceId: T,
        spanId: spanIds[i],
        parentSpanId: serverSpanId,
        traceFlags: 1,
        traceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
      });
      expect(call.header.status).toEqual({ code: 1 });
      expect(attribute(call, "url.full")).toEqual({ stringValue: calls[i]!.url });
      expect(attribute(call, "http.response.status_code")).toEqual({ intValue: "200" });
    }
    expect(envelope.header.trace).toEqual({
      traceId: T,
      spanId: serverSpanId,
      parentSpanId: S,
      traceFlags: 1,
      traceState: "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
    });
    expect(envelope.header.status).toEqual({ code: 1 });
    expect(envelope.header.schema).toEqual({
      type: "request",
      subtype: "http_fanout",
      version: "1.0.0",
    });
    expect(attribute(envelope, "trace.incoming")).toEqual({ stringValue: "extracted" });
    expect(attribute(envelope, "fanout.urls")).toEqual({
      arrayValue: { values: calls.map((c) => ({ stringValue: c.url })) },
    });
  });

  test.each<[string, Record<string, string>, string]>([
    ["no traceparent", {}, "missing_traceparent"],
    [
      "an invalid traceparent (its tracestate is dropped)",
      { traceparent: `00-${T}-${S}-1`, tracestate: "a=1" },
      "invalid_length",
    ],
    [
      "a zero trace id",
      { traceparent: `00-${"0".repeat(32)}-${S}-01`, tracestate: "a=1" },
      "zero_trace_id",
    ],
  ])("a new root with %s", async (_name, headers, issue) => {
    const response = await service.post([{ url: recorder.url("/root"), arguments: 1 }], headers);
    expect(response.status).toBe(200);
    const [received] = recorder.take();
    const traceparent = received!.traceparent!;
    expect(traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-03$/); // random + sampled
    expect(traceparent.slice(3, 35)).not.toBe(T);
    expect(received!.tracestate).toBeUndefined();

    const call = await service.nextEnvelope();
    const envelope = await service.nextEnvelope();
    const root = envelope.header.trace as { spanId: string };
    expect(envelope.header.trace).toEqual({
      traceId: traceparent.slice(3, 35),
      spanId: root.spanId,
      traceFlags: 3,
    });
    expect(call.header.trace).toEqual({
      traceId: traceparent.slice(3, 35),
      spanId: traceparent.slice(36, 52),
      parentSpanId: root.spanId,
      traceFlags: 3,
    });
    expect(root.spanId).not.toBe(traceparent.slice(36, 52));
    expect(attribute(envelope, "trace.incoming")).toEqual({ stringValue: issue });
  });

  test("a duplicated traceparent (seen in rawHeaders) starts a new root", async () => {
    // fetch and http.request merge or reject a repeated header; a raw socket sends it twice.
    const body = JSON.stringify([{ url: recorder.url("/dup"), arguments: 0 }]);
    const socket = connect(service.port, "127.0.0.1");
    socket.setTimeout(TIMEOUT, () => socket.destroy(new Error("timed out")));
    await once(socket, "connect");
    // write, not end: Node's server drops a connection the client half-closes.
    socket.write(
      [
        "POST / HTTP/1.1",
        "Host: 127.0.0.1",
        "Connection: close",
        `traceparent: 00-${T}-${S}-01`,
        `TraceParent: 00-${T}-${S}-01`,
        "Content-Type: application/json",
        `Content-Length: ${body.length}`,
        "",
        body,
      ].join("\r\n"),
    );
    let answer = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk;
    });
    await once(socket, "close");
    const status = Number(answer.split(" ")[1]);
    expect(status).toBe(200);
    const [received] = recorder.take();
    expect(received!.traceparent!.slice(3, 35)).not.toBe(T);
    await service.nextEnvelope(); // the call's
    const envelope = await service.nextEnvelope();
    expect(attribute(envelope, "trace.incoming")).toEqual({ stringValue: "duplicate_traceparent" });
  });

  test("a failing call stops the fan-out: 502, later calls not made, status ERROR", async () => {
    const response = await service.post(
      [
        { url: recorder.url("/ok"), arguments: 1 },
        { url: recorder.url("/fail"), arguments: 2 },
        { url: recorder.url("/never"), arguments: 3 },
      ],
      { traceparent: `00-${T}-${S}-00` },
    );
    expect(response.status).toBe(502);
    const received = recorder.take();
    expect(
      received.map((r) => [r.path, r.traceparent!.slice(0, 36), r.traceparent!.slice(52)]),
    ).toEqual([
      ["/ok", `00-${T}-`, "-00"],
      ["/fail", `00-${T}-`, "-00"],
    ]);
    const ok = await service.nextEnvelope();
    const failed = await service.nextEnvelope();
    const envelope = await service.nextEnvelope();
    expect(envelope.header.status).toEqual({
      code: 2,
      message: `${recorder.url("/fail")} answered 500`,
    });
    // traceFlags 0 is the JSON mapping's default, so it is not written.
    expect(envelope.header.trace).toEqual({
      traceId: T,
      spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
      parentSpanId: S,
    });
    const serverSpanId = (envelope.header.trace as { spanId: string }).spanId;
    expect([ok, failed].map((e) => [e.header.trace, e.header.status])).toEqual([
      [
        { traceId: T, spanId: received[0]!.traceparent!.slice(36, 52), parentSpanId: serverSpanId },
        { code: 1 },
      ],
      [
        { traceId: T, spanId: received[1]!.traceparent!.slice(36, 52), parentSpanId: serverSpanId },
        { code: 2, message: "answered 500" },
      ],
    ]);
    expect(attribute(envelope, "fanout.status_codes")).toEqual({
      arrayValue: { values: [{ intValue: "200" }, { intValue: "500" }] },
    });
  });

  test.each<[string, string, string, number]>([
    ["not JSON", "POST", "{", 400],
    ["not an array", "POST", '{"url":"x"}', 400],
    ["an element without url", "POST", '[{"arguments":1}]', 400],
    ["a url that is not http", "POST", '[{"url":"file:///etc/passwd"}]', 400],
    ["a GET", "GET", "", 405],
  ])("%s (%s): no call, an envelope with status ERROR", async (_name, method, body, status) => {
    const response = await service.post(body, { traceparent: `00-${T}-${S}-01` }, method);
    expect(response.status).toBe(status);
    expect(response.body.error).toBeTypeOf("string");
    expect(recorder.take()).toEqual([]);
    const envelope = await service.nextEnvelope();
    expect((envelope.header.status as { code: number }).code).toBe(2);
    expect((envelope.header.trace as { parentSpanId: string }).parentSpanId).toBe(S);
  });

  test("redaction across the trust boundary; the envelope keeps the full tracestate; --out FILE", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "http-service-")), "envelopes.ndjson");
    const redacting = await Service.start([
      "--mask",
      "rojo",
      "--drop-prefix",
      "acme",
      "--out",
      out,
    ]);
    services.push(redacting);
    const tracestate = "acme@t1=secret,rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,acme=x";
    const response = await redacting.post([{ url: recorder.url("/r"), arguments: {} }], {
      traceparent: `00-${T}-${S}-01`,
      tracestate,
    });
    expect(response.status).toBe(200);
    const [received] = recorder.take();
    expect(received!.tracestate).toBe("rojo=redacted,congo=t61rcWkgMzE");

    await redacting.stop(); // flushes the file
    expect(redacting.lines).toEqual([]);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const [call, envelope] = lines.map((line) => JSON.parse(line));
    const serverSpanId = envelope.header.trace.spanId;
    expect(envelope.header.trace).toEqual({
      traceId: T,
      spanId: serverSpanId,
      parentSpanId: S,
      traceFlags: 1,
      traceState: tracestate,
    });
    expect(call.header.trace).toEqual({
      traceId: T,
      spanId: received!.traceparent!.slice(36, 52),
      parentSpanId: serverSpanId,
      traceFlags: 1,
      traceState: tracestate,
    });
  });

  test("a bad redaction option fails at start-up", async () => {
    await expect(Service.start(["--mask", "Not-A-Key"])).rejects.toThrow(
      /exited with 2: bad redaction option/,
    );
  });
});
