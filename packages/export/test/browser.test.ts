/**
 * The exporter and the HTTP transport in a real browser: an esbuild browser
 * bundle of @envelope/export and @envelope/sdk runs in headless Chromium's
 * page (Debian's chromium, driven by playwright-core) and sends to the
 * node:http receiver on loopback, which also serves the page (same origin).
 * The receiver fails the first request with 503, so the browser's retry path
 * runs too.
 */
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createNodeReceiver } from "@envelope/export/node";
import { bytesToHex } from "@envelope/sdk";
import { build } from "esbuild";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { ids } from "./support.js";

const CHROMIUM = "/usr/bin/chromium";
const CI = process.env.CI === "true" || process.env.CI === "1";
/** Flags for Debian's Chromium on a machine whose only network is loopback and package registries. */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
/** Hang detection only. */
const DEADLINE_MS = 120_000;
const available = existsSync(CHROMIUM);
if (!available && CI) throw new Error(`${CHROMIUM} is missing: scripts/bootstrap.mjs installs it`);

/** The page's script: the test envelopes of support.ts, exported from the browser. */
const ENTRY = `
import { createExporter, httpTransport } from "@envelope/export";
import { createEnvelope } from "@envelope/sdk";
globalThis.runExport = async (count) => {
  const exporter = createExporter({
    transport: httpTransport({ url: new URL("/v1/envelopes", location.href).href }),
    retry: { initialBackoffMs: 5, maxBackoffMs: 20 },
  });
  const accepted = [];
  for (let n = 1; n <= count; n++) {
    const eventId = new Uint8Array(16);
    eventId[0] = 0xe0;
    new DataView(eventId.buffer).setUint32(12, n);
    accepted.push(
      exporter.export(
        createEnvelope({
          schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
          resource: { serviceName: "auth" },
          attributes: { user: "alice", attempts: 2n, duration_ms: 12.5 },
          eventId,
          timeUnixNano: 1764000000000000000n,
        }),
      ),
    );
  }
  const { dropped, stats } = await exporter.shutdown({ timeoutMs: 30000 });
  return { accepted, dropped, stats, userAgent: navigator.userAgent };
};
`;

let server: Server | undefined;
let browser: Browser | undefined;
let url = "";
const received: string[] = [];
const statuses: number[] = [];

beforeAll(async () => {
  if (!available) return;
  const bundle = await build({
    // Resolved from the repository root, whose devDependencies hold the workspace packages.
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL("../../../", import.meta.url)) },
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2022",
    conditions: ["@envelope/source"],
    write: false,
    logLevel: "error",
  });
  const script = bundle.outputFiles[0]!.text;
  const receiver = createNodeReceiver({
    onEnvelopes: (items) => {
      for (const item of items) received.push(bytesToHex(item.envelope.header.eventId));
    },
  });
  let posts = 0;
  server = createServer((req, res) => {
    if (req.url === "/") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><script type="module" src="/bundle.js"></script>');
    } else if (req.url === "/bundle.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(script);
    } else if (req.url !== "/v1/envelopes") {
      res.writeHead(404);
      res.end(); // the page's favicon, say
    } else if (++posts === 1) {
      req.resume();
      res.writeHead(503, { "retry-after": "0" });
      res.end();
      statuses.push(503);
    } else {
      res.on("finish", () => statuses.push(res.statusCode));
      receiver(req, res);
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}, DEADLINE_MS);

afterAll(async () => {
  await browser?.close();
  server?.closeAllConnections();
  server?.close();
});

test.skipIf(!available)(
  "a browser page exports through fetch: a 503 is retried, every envelope arrives once, counters exact",
  async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(url);
    await page.waitForFunction(() => "runExport" in globalThis, undefined, {
      timeout: DEADLINE_MS,
    });
    const result = await page.evaluate(
      (count) =>
        (
          globalThis as unknown as {
            runExport: (n: number) => Promise<{
              accepted: boolean[];
              dropped: number;
              stats: Record<string, unknown>;
              userAgent: string;
            }>;
          }
        ).runExport(count),
      5,
    );
    expect(result.userAgent).toContain("Chrome/");
    expect(result.accepted).toEqual([true, true, true, true, true]);
    expect(result.dropped).toBe(0);
    expect(result.stats).toMatchObject({ accepted: 5, sent: 5, retried: 5, queued: 0, refused: 0 });
    expect(statuses).toEqual([503, 200]);
    expect(received).toEqual(ids(1, 5));
    expect(errors).toEqual([]);
  },
  DEADLINE_MS,
);
