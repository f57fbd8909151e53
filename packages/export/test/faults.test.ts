/**
 * Delivery through faults, against a real node:http server on loopback: the
 * receiver answers 503 then recovers, stalls, resets connections, refuses for
 * good; the queue is bounded under a stalled sink. Every test checks the
 * exact counters and that accepted = sent + dropped + queued.
 */
import { createExporter, type Exporter, type ExporterEvent, httpTransport } from "@envelope/export";
import { encode } from "@envelope/sdk";
import { afterEach, expect, test, vi } from "vitest";
import { FAST_RETRY, ids, startServer, type TestServer, testEnvelope } from "./support.js";

// Hang detection only: loopback servers, retries and deadlines run slower when the whole suite shares two cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const SIZE = encode(testEnvelope(1)).byteLength;
/**
 * The per-attempt deadline where a stall must hit it: long enough that a
 * healthy request on a loaded machine never does (an aborted request the
 * receiver had taken would be sent again: a duplicate, which at-least-once
 * allows but these exact counts do not).
 */
const STALL_DEADLINE_MS = 1_000;
const servers: TestServer[] = [];
const exporters: Exporter[] = [];

afterEach(async () => {
  for (const exporter of exporters.splice(0)) await exporter.shutdown({ timeoutMs: 0 });
  for (const server of servers.splice(0)) await server.close();
});

async function setup(
  faults: Parameters<typeof startServer>[0],
  options: Partial<Parameters<typeof createExporter>[0]> = {},
) {
  const server = await startServer(faults);
  servers.push(server);
  const events: ExporterEvent[] = [];
  const exporter = createExporter({
    transport: httpTransport({ url: server.url }),
    retry: FAST_RETRY,
    onEvent: (event) => events.push(event),
    ...options,
  });
  exporters.push(exporter);
  return { server, exporter, events };
}

function exportRange(exporter: Exporter, from: number, to: number): boolean[] {
  const out: boolean[] = [];
  for (let n = from; n <= to; n++) out.push(exporter.export(testEnvelope(n)));
  return out;
}

function balanced(exporter: Exporter): void {
  const s = exporter.stats();
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  expect(s.accepted).toBe(s.sent + dropped + s.queued);
}

const NO_DROPS = {
  queue_full: 0,
  rejected: 0,
  retries_exhausted: 0,
  non_retryable: 0,
  shutdown_deadline: 0,
};

test("a healthy receiver gets every envelope once, in one batch, with exact counters", async () => {
  const { server, exporter, events } = await setup([]);
  expect(exportRange(exporter, 1, 10)).toEqual(Array(10).fill(true));
  expect(exporter.stats()).toMatchObject({ accepted: 10, queued: 10, queuedBytes: 10 * SIZE });
  await exporter.flush();
  expect(server.received).toEqual(ids(1, 10));
  expect(server.log).toEqual([{ n: 1, fault: "ok", bytes: 10 * SIZE }]);
  expect(exporter.stats()).toEqual({
    accepted: 10,
    sent: 10,
    dropped: NO_DROPS,
    queued: 0,
    queuedBytes: 0,
    inFlight: 0,
    retried: 0,
    refused: 0,
    bytesSent: 10 * SIZE,
    batchesSent: 1,
  });
  expect(events).toEqual([{ type: "sent", count: 10, bytes: 10 * SIZE }]);
});

test("503 three times then recovery: the batch is retried whole and nothing is dropped", async () => {
  const { server, exporter, events } = await setup([
    { status: 503 },
    { status: 503, retryAfter: "0" },
    { status: 429 },
  ]);
  exportRange(exporter, 1, 5);
  await exporter.flush();
  expect(server.log.map((r) => r.fault)).toEqual([
    { status: 503 },
    { status: 503, retryAfter: "0" },
    { status: 429 },
    "ok",
  ]);
  expect(server.received).toEqual(ids(1, 5));
  expect(exporter.stats()).toMatchObject({
    accepted: 5,
    sent: 5,
    retried: 15,
    dropped: NO_DROPS,
    queued: 0,
    batchesSent: 1,
  });
  expect(events.map((e) => (e.type === "retry" ? [e.type, e.attempt, e.count] : [e.type]))).toEqual(
    [["retry", 1, 5], ["retry", 2, 5], ["retry", 3, 5], ["sent"]],
  );
  const first = events[0] as Extract<ExporterEvent, { type: "retry" }>;
  expect((first.error as Error).name).toBe("ExportError");
  expect((first.error as Error).message).toBe(`POST ${server.url}: HTTP 503`);
  balanced(exporter);
});

test("a stalled receiver: the per-attempt deadline aborts, the retry delivers", async () => {
  const { server, exporter, events } = await setup(["stall", "stall"], {
    attemptTimeoutMs: STALL_DEADLINE_MS,
  });
  exportRange(exporter, 1, 3);
  await exporter.flush();
  expect(server.log.map((r) => r.fault)).toEqual(["stall", "stall", "ok"]);
  expect(server.received).toEqual(ids(1, 3));
  expect(exporter.stats()).toMatchObject({ accepted: 3, sent: 3, retried: 6, dropped: NO_DROPS });
  const retry = events[0] as Extract<ExporterEvent, { type: "retry" }>;
  expect((retry.error as Error).message).toBe(
    `POST ${server.url} failed: attempt took longer than ${STALL_DEADLINE_MS} ms`,
  );
  balanced(exporter);
});

test("connection resets, then the receiver comes back: nothing is dropped", async () => {
  const { server, exporter } = await setup(["reset", "reset", "reset"]);
  exportRange(exporter, 1, 4);
  await exporter.flush();
  expect(server.log.map((r) => r.fault)).toEqual(["reset", "reset", "reset", "ok"]);
  expect(server.received).toEqual(ids(1, 4));
  expect(exporter.stats()).toMatchObject({ accepted: 4, sent: 4, retried: 12, dropped: NO_DROPS });
  balanced(exporter);
});

test("a run of mixed faults while the producer keeps exporting: every envelope arrives once, in order", async () => {
  const faults = [
    "reset",
    { status: 503 },
    "stall",
    { status: 502, retryAfter: "0" },
    "reset",
    { status: 504 },
    "stall",
    "reset",
  ] as const;
  const { server, exporter } = await setup([...faults], {
    maxBatchSize: 64,
    maxQueueSize: 4096,
    attemptTimeoutMs: STALL_DEADLINE_MS,
  });
  for (let chunk = 0; chunk < 30; chunk++) {
    exportRange(exporter, chunk * 100 + 1, chunk * 100 + 100);
    balanced(exporter);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await exporter.flush();
  expect(server.received).toEqual(ids(1, 3000));
  const failed = server.log.filter((r) => r.fault !== "ok");
  expect(failed.map((r) => r.fault)).toEqual(faults);
  // Every failed request is retried whole: as many envelopes as it carried.
  const retried = failed.reduce((n, r) => n + r.bytes / SIZE, 0);
  expect(exporter.stats()).toMatchObject({
    accepted: 3000,
    sent: 3000,
    retried,
    queued: 0,
    refused: 0,
    dropped: NO_DROPS,
    bytesSent: 3000 * SIZE,
  });
});

test("an outage of 300 ms, shorter than the retry budget, while the producer keeps exporting: zero dropped", async () => {
  let until = Number.POSITIVE_INFINITY;
  const { server, exporter } = await setup(
    (n) => (Date.now() < until ? (n % 2 === 0 ? "reset" : { status: 503 }) : "ok"),
    {
      maxBatchSize: 50,
      attemptTimeoutMs: STALL_DEADLINE_MS,
      retry: { initialBackoffMs: 10, maxBackoffMs: 50, maxElapsedMs: 5_000 },
    },
  );
  until = Date.now() + 300;
  let n = 0;
  while (Date.now() < until + 100) {
    exportRange(exporter, n + 1, n + 25);
    n += 25;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await exporter.flush();
  expect(server.received).toEqual(ids(1, n));
  const failed = server.log.filter((r) => r.fault !== "ok");
  expect(failed.length).toBeGreaterThan(0);
  expect(exporter.stats()).toMatchObject({
    accepted: n,
    sent: n,
    retried: failed.reduce((total, r) => total + r.bytes / SIZE, 0),
    queued: 0,
    dropped: NO_DROPS,
  });
});

test("an outage longer than the retry budget drops the batch, counted; later envelopes go through", async () => {
  const down = Array.from({ length: 1000 }, () => ({ status: 503 }));
  const { server, exporter, events } = await setup(down, {
    retry: { initialBackoffMs: 5, maxBackoffMs: 10, maxElapsedMs: 80 },
  });
  exportRange(exporter, 1, 4);
  await exporter.flush();
  expect(exporter.stats()).toMatchObject({
    accepted: 4,
    sent: 0,
    dropped: { ...NO_DROPS, retries_exhausted: 4 },
    queued: 0,
  });
  const drop = events.at(-1) as Extract<ExporterEvent, { type: "dropped" }>;
  expect(drop).toMatchObject({ type: "dropped", reason: "retries_exhausted", count: 4 });
  expect((drop.error as Error).message).toBe(`POST ${server.url}: HTTP 503`);
  server.faults = [];
  exportRange(exporter, 5, 6);
  await exporter.flush();
  expect(server.received).toEqual(ids(5, 6));
  expect(exporter.stats()).toMatchObject({
    accepted: 6,
    sent: 2,
    dropped: { ...NO_DROPS, retries_exhausted: 4 },
  });
  balanced(exporter);
});

test("a final refusal (401) drops the batch without retrying", async () => {
  const { server, exporter } = await setup([{ status: 401 }]);
  exportRange(exporter, 1, 3);
  await exporter.flush();
  expect(server.log).toHaveLength(1);
  expect(exporter.stats()).toMatchObject({
    accepted: 3,
    sent: 0,
    retried: 0,
    dropped: { ...NO_DROPS, non_retryable: 3 },
  });
  balanced(exporter);
});

test("a stalled sink: held bytes stay at the queue bound exactly; drops are counted; shutdown reports the rest", async () => {
  const maxQueueBytes = 16 * 1024;
  const { exporter } = await setup(Array(100).fill("stall"), {
    maxQueueBytes,
    maxBatchSize: 8,
    attemptTimeoutMs: 60_000,
  });
  const fit = Math.floor(maxQueueBytes / SIZE);
  let peak = 0;
  for (let round = 0; round < 5; round++) {
    exportRange(exporter, round * 1000 + 1, round * 1000 + 1000);
    peak = Math.max(peak, exporter.stats().queuedBytes);
    await new Promise((resolve) => setTimeout(resolve, 20)); // the sender takes a batch, which stalls
    peak = Math.max(peak, exporter.stats().queuedBytes);
  }
  expect(peak).toBe(fit * SIZE);
  expect(exporter.stats()).toMatchObject({
    accepted: 5000,
    sent: 0,
    queued: fit,
    queuedBytes: fit * SIZE,
    inFlight: 8,
    dropped: { ...NO_DROPS, queue_full: 5000 - fit },
  });
  const result = await exporter.shutdown({ timeoutMs: 50 });
  expect(result.dropped).toBe(fit);
  expect(result.stats).toMatchObject({
    accepted: 5000,
    sent: 0,
    queued: 0,
    queuedBytes: 0,
    dropped: { ...NO_DROPS, queue_full: 5000 - fit, shutdown_deadline: fit },
  });
  balanced(exporter);
});

test("drop-oldest keeps the newest envelopes", async () => {
  const { server, exporter } = await setup(["stall"], {
    whenFull: "drop-oldest",
    maxQueueSize: 4,
    maxBatchSize: 2,
    attemptTimeoutMs: STALL_DEADLINE_MS,
  });
  // All six are exported before the sender runs: 1 and 2 make room for 5 and 6.
  expect(exportRange(exporter, 1, 6)).toEqual(Array(6).fill(true));
  expect(exporter.stats()).toMatchObject({ accepted: 6, queued: 4, dropped: { queue_full: 2 } });
  await exporter.flush();
  expect(server.received).toEqual(ids(3, 6));
  expect(exporter.stats()).toMatchObject({
    accepted: 6,
    sent: 4,
    retried: 2,
    dropped: { ...NO_DROPS, queue_full: 2 },
  });
  balanced(exporter);
});

test("reject: export returns false without accepting, and ready() resolves when there is room", async () => {
  const { server, exporter } = await setup([{ status: 503 }], {
    whenFull: "reject",
    maxQueueSize: 2,
    maxBatchSize: 2,
  });
  expect(exportRange(exporter, 1, 3)).toEqual([true, true, false]);
  expect(exporter.stats()).toMatchObject({ accepted: 2, refused: 1, dropped: NO_DROPS });
  await exporter.ready();
  expect(exporter.export(testEnvelope(3))).toBe(true);
  await exporter.flush();
  expect(server.received).toEqual(ids(1, 3));
  expect(exporter.stats()).toMatchObject({ accepted: 3, sent: 3, refused: 1, dropped: NO_DROPS });
  balanced(exporter);
});

test("flush on size: a full batch goes without waiting for the interval", async () => {
  const { server, exporter } = await setup([], { maxBatchSize: 4, flushIntervalMs: 3_600_000 });
  exportRange(exporter, 1, 4);
  while (exporter.stats().sent < 4) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(server.received).toEqual(ids(1, 4));
  expect(exporter.stats()).toMatchObject({ sent: 4, batchesSent: 1 });
});

test("flush on interval: a partial batch goes after flushIntervalMs", async () => {
  const { server, exporter } = await setup([], { maxBatchSize: 100, flushIntervalMs: 30 });
  exportRange(exporter, 1, 3);
  while (exporter.stats().sent < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(server.received).toEqual(ids(1, 3));
});

test("shutdown sends everything held, is idempotent, and export is refused afterwards", async () => {
  const { server, exporter } = await setup([{ status: 503 }], { flushIntervalMs: 3_600_000 });
  exportRange(exporter, 1, 7);
  const first = exporter.shutdown();
  expect(exporter.shutdown({ timeoutMs: 1 })).toBe(first);
  expect(exporter.export(testEnvelope(8))).toBe(false);
  const result = await first;
  expect(result.dropped).toBe(0);
  expect(result.stats).toMatchObject({ accepted: 7, sent: 7, refused: 1, retried: 7, queued: 0 });
  expect(server.received).toEqual(ids(1, 7));
});

test("an invalid envelope throws EnvelopeError from export and is not accepted", async () => {
  const { exporter } = await setup([]);
  const bad = testEnvelope(1);
  bad.header.eventId = new Uint8Array(16);
  expect(() => exporter.export(bad)).toThrowError(
    expect.objectContaining({ name: "EnvelopeError", code: "invalid_id" }),
  );
  expect(exporter.stats()).toMatchObject({ accepted: 0, refused: 0, queued: 0 });
});
