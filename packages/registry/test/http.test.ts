/**
 * The HTTP source against a real node:http server on 127.0.0.1 that serves
 * the example schemas folder and, on demand, fails, stalls, and serves
 * corrupted bodies. Timeouts are short and bounded; no other network is used.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type HttpSourceOptions,
  httpSource,
  isRegistryError,
  openRegistry,
} from "@envelope/registry";
import { encode } from "@envelope/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { mediumPaymentEnvelope } from "../bench/fixtures.js";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));

type Behaviour =
  | "ok"
  | "500"
  | "404"
  | "stall"
  | "stall-body"
  | "corrupt-json"
  | "wrong-content"
  | "huge"
  | "redirect-same"
  | "redirect-other"
  | "redirect-other-back"
  | "redirect-ftp"
  | "redirect-no-location";

/** Per path, the behaviours of the next requests (then "ok"); `always` overrides. */
const plans = new Map<string, Behaviour[]>();
let always: Behaviour | undefined;
const log: { path: string; ifNoneMatch: string | undefined; status: number }[] = [];
const stalled = new Set<http.ServerResponse>();

/** The credentials a request carried, per server, in order (the redirect tests). */
interface Credentials {
  server: "registry" | "other";
  url: string;
  apiKey: string | undefined;
  authorization: string | undefined;
  accept: string | undefined;
}
const credentials: Credentials[] = [];
const credentialsOf = (server: Credentials["server"], req: http.IncomingMessage): Credentials => ({
  server,
  url: req.url ?? "",
  apiKey: req.headers["x-api-key"] as string | undefined,
  authorization: req.headers.authorization,
  accept: req.headers.accept,
});

/**
 * Another origin (same host, another port): serves the same folder, so a
 * redirect there succeeds; `/back/...` redirects to the registry again.
 */
const other = http.createServer((req, res) => {
  credentials.push(credentialsOf("other", req));
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path.startsWith("/back/")) {
    res.writeHead(302, { location: `${baseUrl}${path.slice("/back/".length)}?back=1` }).end();
    return;
  }
  try {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(readFileSync(join(SCHEMAS, path)));
  } catch {
    res.writeHead(404).end("not found");
  }
});
let otherUrl = "";

const server = http.createServer((req, res) => {
  credentials.push(credentialsOf("registry", req));
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const behaviour = always ?? plans.get(path)?.shift() ?? "ok";
  const record = (status: number) =>
    log.push({ path, ifNoneMatch: req.headers["if-none-match"], status });
  let body: Buffer;
  try {
    body = readFileSync(join(SCHEMAS, path));
  } catch {
    record(404);
    res.writeHead(404).end("not found");
    return;
  }
  const etag = `"${createHash("sha256").update(body).digest("hex").slice(0, 16)}"`;
  switch (behaviour) {
    case "500":
    case "404":
      record(Number(behaviour));
      res.writeHead(Number(behaviour)).end("boom");
      return;
    case "stall":
      record(0);
      stalled.add(res);
      return;
    case "stall-body":
      record(200);
      stalled.add(res);
      res.writeHead(200, { "content-type": "application/json", "content-length": body.length });
      res.write(body.subarray(0, 10));
      return;
    case "corrupt-json":
      record(200);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(body.subarray(0, body.length / 2));
      return;
    case "wrong-content":
      record(200);
      res
        .writeHead(200, { "content-type": "application/json" })
        .end(body.toString("utf8").replace("A sign-in attempt", "A tampered attempt"));
      return;
    case "huge":
      record(200);
      res.writeHead(200, { "content-type": "application/json" }).end(Buffer.alloc(2 << 20, 32));
      return;
    case "redirect-same":
      record(302);
      res.writeHead(302, { location: `${path}?again=1` }).end("moved");
      return;
    case "redirect-other":
      record(302);
      res.writeHead(302, { location: `${otherUrl}${path.slice(1)}` }).end("moved");
      return;
    case "redirect-other-back":
      record(302);
      res.writeHead(302, { location: `${otherUrl}back/${path.slice(1)}` }).end("moved");
      return;
    case "redirect-ftp":
      record(302);
      res.writeHead(302, { location: `ftp://127.0.0.1${path}` }).end();
      return;
    case "redirect-no-location":
      record(301);
      res.writeHead(301).end();
      return;
    default:
      if (req.headers["if-none-match"] === etag) {
        record(304);
        res.writeHead(304, { etag }).end();
        return;
      }
      record(200);
      res.writeHead(200, { "content-type": "application/json", etag }).end(body);
  }
});

let baseUrl = "";
const temps: string[] = [];

beforeAll(async () => {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  other.listen(0, "127.0.0.1");
  await once(other, "listening");
  otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  for (const res of stalled) res.destroy();
  server.closeAllConnections();
  server.close();
  other.closeAllConnections();
  other.close();
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  plans.clear();
  always = undefined;
  log.length = 0;
  credentials.length = 0;
  for (const res of stalled) res.destroy();
  stalled.clear();
});

function cacheDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "envelope-registry-cache-"));
  temps.push(dir);
  return dir;
}

/** Fast, deterministic timings: 150 ms per attempt, 2 retries, a few ms of backoff. */
function source(options: Partial<HttpSourceOptions> = {}) {
  return httpSource({
    baseUrl,
    // Long enough for prompt answers on a loaded machine (a 150 ms timeout
    // failed healthy requests there); only stalls run into it.
    timeoutMs: 1000,
    retries: 2,
    backoffMs: 4,
    maxBackoffMs: 20,
    random: () => 0.5,
    ...options,
  });
}

const AUTH_1_2 = "/request/auth_request/1.2.0.json";
const DESCRIPTORS = [
  "/request/auth_request/1.1.0.json",
  AUTH_1_2,
  "/request/payment_request/1.0.0.json",
  "/request/payment_request/1.1.0.json",
  "/trace/hop/1.0.0.json",
  "/trace/propagation_health/1.0.0.json",
];

describe("loading over HTTP", () => {
  test("lists index.json, loads every descriptor, and validates", async () => {
    const { registry, report } = await openRegistry(source());
    expect(report).toMatchObject({ failed: [], stale: false });
    expect(report.loaded.length).toBe(DESCRIPTORS.length);
    expect(log.map((l) => l.path).sort()).toEqual(["/index.json", ...DESCRIPTORS].sort());
    expect(registry.validate(mediumPaymentEnvelope())).toEqual([]);
    expect(registry.location).toBe(baseUrl);
    expect(
      registry.get({ type: "request", subtype: "auth_request", version: "1.2.0" })?.source,
    ).toBe(`${baseUrl}request/auth_request/1.2.0.json`);
  });

  test("refresh revalidates the index with If-None-Match (304) and never refetches a version", async () => {
    const src = source();
    const { registry } = await openRegistry(src);
    log.length = 0;
    const report = await registry.refresh();
    expect(report).toEqual({ loaded: [], failed: [], stale: false });
    expect(log).toEqual([
      { path: "/index.json", ifNoneMatch: expect.stringMatching(/^"/), status: 304 },
    ]);
    expect(src.stats.notModified).toBe(1);
  });

  test("retries 5xx answers with backoff", async () => {
    plans.set("/index.json", ["500", "500"]);
    plans.set(AUTH_1_2, ["500"]);
    const src = source();
    const { report } = await openRegistry(src);
    expect(report.failed).toEqual([]);
    expect(src.stats.retries).toBe(3);
    expect(log.filter((l) => l.path === "/index.json").map((l) => l.status)).toEqual([
      500, 500, 200,
    ]);
  });

  test("a stalled response times out and is retried (headers, then mid-body)", async () => {
    plans.set(AUTH_1_2, ["stall", "stall-body"]);
    const started = Date.now();
    // The stalls never answer: only the timeout ends them.
    const { report } = await openRegistry(source());
    expect(report.failed).toEqual([]);
    expect(Date.now() - started).toBeLessThan(20_000); // a hang deadline, not a speed check
    expect(log.filter((l) => l.path === AUTH_1_2).length).toBe(3);
  });

  test("a corrupted body is never used: retried, and after the last attempt a clear error", async () => {
    plans.set(AUTH_1_2, ["corrupt-json", "wrong-content", "corrupt-json"]);
    const { registry, report } = await openRegistry(source());
    expect(report.failed.map((f) => [f.key.version, f.error.code])).toEqual([
      ["1.2.0", "registry_unavailable"],
    ]);
    expect(report.failed[0]!.error.message).toMatch(
      /request\/auth_request\/1\.2\.0\.json: SHA-256 does not match the index \(after 3 attempt/,
    );
    expect(registry.versions({ type: "request", subtype: "auth_request" })).toEqual(["1.1.0"]);
    // A producer is never crashed by it: the envelope gets an issue naming the cause.
    const envelope = mediumPaymentEnvelope();
    envelope.header.schema = { type: "request", subtype: "auth_request", version: "1.2.0" };
    envelope.body.attributes = new Map([["user", "a"]]);
    envelope.body.extensions = [];
    const issues: string[] = [];
    encode(envelope, {
      check: {
        check: registry.checker(),
        mode: "report",
        onIssues: (list) => issues.push(...list.map((i) => i.code)),
      },
    });
    expect(issues).toEqual(["registry_unavailable"]);
    // The next refresh tries again, and now the server behaves.
    const again = await registry.refresh();
    expect(again.loaded).toEqual([{ type: "request", subtype: "auth_request", version: "1.2.0" }]);
    expect(registry.validate(envelope)).toEqual([]);
  });

  test("a body over the size limit is rejected", async () => {
    plans.set(AUTH_1_2, ["huge", "huge", "huge"]);
    const { report } = await openRegistry(source({ maxBodyBytes: 1 << 20 }));
    expect(report.failed[0]!.error.message).toMatch(/over the limit/);
  });

  test("a 404 for a listed version is not retried", async () => {
    plans.set(AUTH_1_2, ["404"]);
    const { report } = await openRegistry(source());
    expect(report.failed[0]!.error.message).toMatch(/HTTP 404/);
    expect(log.filter((l) => l.path === AUTH_1_2).length).toBe(1);
  });
});

describe("stale-if-error and the disk cache", () => {
  test("the registry keeps serving the last good copy while the source is down", async () => {
    const { registry } = await openRegistry(source());
    always = "500";
    const report = await registry.refresh();
    expect(report.stale).toBe(true);
    expect(report.error?.code).toBe("registry_unavailable");
    expect(registry.validate(mediumPaymentEnvelope())).toEqual([]);
  });

  test("a new process starts from the disk cache when the source is down", async () => {
    const dir = cacheDir();
    await openRegistry(source({ cacheDir: dir }));
    always = "stall";
    log.length = 0;
    const src = source({ cacheDir: dir, retries: 0, timeoutMs: 100 });
    const { registry, report } = await openRegistry(src);
    expect(report.stale).toBe(true);
    expect(report.loaded.length).toBe(DESCRIPTORS.length); // from disk
    expect(log.map((l) => l.path)).toEqual(["/index.json"]);
    expect(registry.validate(mediumPaymentEnvelope())).toEqual([]);
  });

  test("a published version, once cached on disk, is never fetched again", async () => {
    const dir = cacheDir();
    await openRegistry(source({ cacheDir: dir }));
    log.length = 0;
    await openRegistry(source({ cacheDir: dir }));
    expect(log).toEqual([
      { path: "/index.json", ifNoneMatch: expect.stringMatching(/^"/), status: 304 },
    ]);
  });

  test("a damaged disk copy is dropped and fetched again", async () => {
    const dir = cacheDir();
    await openRegistry(source({ cacheDir: dir }));
    const [hashDir] = readdirSync(dir);
    writeFileSync(join(dir, hashDir!, "request/auth_request/1.2.0.json"), '{"type": "req');
    log.length = 0;
    const { report } = await openRegistry(source({ cacheDir: dir }));
    expect(report.failed).toEqual([]);
    expect(log.map((l) => l.path)).toEqual(["/index.json", AUTH_1_2]);
    expect(readFileSync(join(dir, hashDir!, "request/auth_request/1.2.0.json"), "utf8")).toBe(
      readFileSync(join(SCHEMAS, AUTH_1_2), "utf8"),
    );
  });

  test("no copy anywhere and a failing source: openRegistry rejects with registry_unavailable", async () => {
    plans.set("/index.json", ["corrupt-json", "500", "stall"]);
    let error: unknown;
    try {
      await openRegistry(source());
    } catch (e) {
      error = e;
    }
    expect(isRegistryError(error, "registry_unavailable")).toBe(true);
    expect((error as Error).message).toMatch(
      /index\.json: timed out \(after 3 attempt\(s\) at most\)/,
    );
  });

  test("a refused connection is retried, then reported", async () => {
    const closed = http.createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, "close");
    const src = source({ baseUrl: `http://127.0.0.1:${port}/` });
    await expect(openRegistry(src)).rejects.toThrow(/registry_unavailable.*fetch failed/);
    expect(src.stats.retries).toBe(2);
  });

  test.each([
    ["ftp://example.com/", "baseUrl must be http: or https:"],
    ["not a url", "is not a URL"],
  ])("bad base URL %s", (url, message) => {
    expect(() => httpSource({ baseUrl: url })).toThrow(message);
  });
});

describe("redirects: credentials stay on the registry's origin", () => {
  const SECRET = { "x-api-key": "k-123", authorization: "Bearer t-456" };
  const carried = (c: Credentials) => [c.server, c.url, c.apiKey, c.authorization, c.accept];

  test("a cross-origin redirect is followed without the caller's headers", async () => {
    plans.set("/index.json", ["redirect-other"]);
    const { registry } = await openRegistry(source({ headers: SECRET }));
    expect(registry.descriptors().length).toBe(DESCRIPTORS.length);
    const index = credentials.filter((c) => c.url.endsWith("index.json")).map(carried);
    expect(index).toEqual([
      ["registry", "/index.json", "k-123", "Bearer t-456", "application/json"],
      ["other", "/index.json", undefined, undefined, "application/json"],
    ]);
    // Descriptors are fetched from the base URL, with the credentials.
    const descriptors = credentials.filter((c) => !c.url.endsWith("index.json"));
    expect(descriptors.map((c) => [c.server, c.apiKey])).toEqual(
      DESCRIPTORS.map(() => ["registry", "k-123"]),
    );
  });

  test("a same-origin redirect keeps them", async () => {
    plans.set("/index.json", ["redirect-same"]);
    await openRegistry(source({ headers: SECRET }));
    const index = credentials.filter((c) => c.url.includes("index.json")).map(carried);
    expect(index).toEqual([
      ["registry", "/index.json", "k-123", "Bearer t-456", "application/json"],
      ["registry", "/index.json?again=1", "k-123", "Bearer t-456", "application/json"],
    ]);
  });

  test("once dropped they stay dropped, even back on the registry's origin", async () => {
    plans.set("/index.json", ["redirect-other-back"]);
    await openRegistry(source({ headers: SECRET }));
    const index = credentials.filter((c) => c.url.includes("index.json")).map(carried);
    expect(index).toEqual([
      ["registry", "/index.json", "k-123", "Bearer t-456", "application/json"],
      ["other", "/back/index.json", undefined, undefined, "application/json"],
      ["registry", "/index.json?back=1", undefined, undefined, "application/json"],
    ]);
  });

  test.each<[string, Behaviour, RegExp, number]>([
    ["more than 5 redirects", "redirect-same", /more than 5 redirects/, 6],
    [
      "a redirect to ftp:",
      "redirect-ftp",
      /redirect to "ftp:\/\/127\.0\.0\.1\/index\.json" is not http\(s\)/,
      1,
    ],
    ["a redirect without a Location", "redirect-no-location", /HTTP 301 without a Location/, 1],
  ])("%s fails without a retry", async (_name, behaviour, message, requests) => {
    always = behaviour;
    const src = source({ headers: SECRET });
    let error: unknown;
    try {
      await openRegistry(src);
    } catch (e) {
      error = e;
    }
    expect(isRegistryError(error, "registry_unavailable")).toBe(true);
    expect((error as Error).message).toMatch(message);
    expect(src.stats.retries).toBe(0);
    expect(credentials.length).toBe(requests);
  });

  test("a redirect from https to http is refused", async () => {
    const seen: string[] = [];
    const fake = (async (input: URL | RequestInfo) => {
      seen.push(String(input));
      return new Response(null, {
        status: 302,
        headers: { location: "http://registry.example/index.json" },
      });
    }) as typeof fetch;
    const src = httpSource({ baseUrl: "https://registry.example/", fetch: fake, retries: 0 });
    await expect(src.list()).rejects.toThrow(
      /redirect from https to http:\/\/registry\.example refused/,
    );
    expect(seen).toEqual(["https://registry.example/index.json"]);
  });
});

test("concurrent refreshes load each new version once and do not fail", async () => {
  const { registry } = await openRegistry(source());
  const reports = await Promise.all([registry.refresh(), registry.refresh(), registry.refresh()]);
  expect(reports.every((r) => r.failed.length === 0)).toBe(true);
  expect(registry.descriptors().length).toBe(DESCRIPTORS.length);
});
