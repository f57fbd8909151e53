/**
 * The exporter against the Transport contract itself (what Kafka and OTLP
 * transports rely on): partial results, errors that are not ExportError,
 * Retry-After past the budget, hooks that throw, close called once.
 */
import {
  createExporter,
  ExportError,
  type ExporterEvent,
  type ExportItem,
  type SendResult,
  type Transport,
} from "@envelope/export";
import { expect, test, vi } from "vitest";
import { FAST_RETRY, ids, testEnvelope } from "./support.js";

// Hang detection only: loopback servers, retries and deadlines run slower when the whole suite shares two cores.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** A transport that answers each call from a script and records the event ids it was given. */
function scripted(script: ((batch: readonly ExportItem[]) => SendResult | Promise<SendResult>)[]) {
  const calls: string[][] = [];
  let closes = 0;
  const transport: Transport = {
    name: "scripted",
    async send(batch) {
      calls.push(batch.map((item) => item.meta.eventId));
      const step = script[calls.length - 1];
      return step === undefined ? {} : step(batch);
    },
    async close() {
      closes++;
    },
  };
  return { transport, calls, closes: () => closes };
}

test("a partial result: retry-listed items are sent again, rejected ones dropped, the rest counted sent", async () => {
  const { transport, calls } = scripted([() => ({ retry: [1, 3], rejected: [2, 3] })]);
  const exporter = createExporter({ transport, retry: FAST_RETRY });
  for (let n = 1; n <= 5; n++) exporter.export(testEnvelope(n));
  const { stats } = await exporter.shutdown();
  // Index 3 is in both lists: rejected wins (it is never sent again).
  expect(calls).toEqual([ids(1, 5), ids(2, 2)]);
  expect(stats).toMatchObject({
    accepted: 5,
    sent: 3,
    retried: 1,
    batchesSent: 2,
    dropped: {
      queue_full: 0,
      rejected: 2,
      retries_exhausted: 0,
      non_retryable: 0,
      shutdown_deadline: 0,
    },
  });
});

test("an error that is not an ExportError is final: the batch is dropped as non_retryable, with the error", async () => {
  const bug = new TypeError("cannot read properties of undefined");
  const events: ExporterEvent[] = [];
  const { transport, calls } = scripted([
    () => {
      throw bug;
    },
  ]);
  const exporter = createExporter({
    transport,
    retry: FAST_RETRY,
    onEvent: (e) => events.push(e),
  });
  exporter.export(testEnvelope(1));
  const { stats } = await exporter.shutdown();
  expect(calls).toHaveLength(1);
  expect(stats.dropped.non_retryable).toBe(1);
  expect(events).toEqual([{ type: "dropped", reason: "non_retryable", count: 1, error: bug }]);
});

test("a Retry-After past the retry budget drops the batch at once as retries_exhausted", async () => {
  const busy = new ExportError("HTTP 503", { retryable: true, retryAfterMs: 120_000 });
  const { transport, calls } = scripted([
    () => {
      throw busy;
    },
  ]);
  const exporter = createExporter({ transport, retry: { maxElapsedMs: 30_000 } });
  exporter.export(testEnvelope(1));
  exporter.export(testEnvelope(2));
  const { stats } = await exporter.shutdown({ timeoutMs: 10_000 });
  expect(calls).toEqual([ids(1, 2)]);
  expect(stats).toMatchObject({ sent: 0, retried: 0, dropped: { retries_exhausted: 2 } });
});

test("retryAfterMs is honoured: the next attempt waits at least that long", async () => {
  const { transport, calls } = scripted([
    () => {
      throw new ExportError("HTTP 429", { retryable: true, retryAfterMs: 200 });
    },
  ]);
  const events: ExporterEvent[] = [];
  const exporter = createExporter({
    transport,
    retry: { initialBackoffMs: 1, maxBackoffMs: 1 },
    onEvent: (e) => events.push(e),
  });
  exporter.export(testEnvelope(1));
  await exporter.flush();
  expect(calls).toEqual([ids(1, 1), ids(1, 1)]);
  expect(events[0]).toMatchObject({ type: "retry", attempt: 1, count: 1, delayMs: 200 });
  await exporter.shutdown();
});

test("a hook that throws does not stop delivery; close is called once however often shutdown is", async () => {
  const { transport, calls, closes } = scripted([]);
  const exporter = createExporter({
    transport,
    onEvent: () => {
      throw new Error("metrics backend down");
    },
  });
  exporter.export(testEnvelope(1));
  const results = await Promise.all([
    exporter.shutdown(),
    exporter.shutdown(),
    exporter.shutdown(),
  ]);
  expect(calls).toEqual([ids(1, 1)]);
  expect(results[0]!.stats.sent).toBe(1);
  expect(results[1]).toBe(results[0]);
  expect(closes()).toBe(1);
});

test("a transport that ignores the abort signal cannot hold shutdown past its deadline", async () => {
  const transport: Transport = { name: "deaf", send: () => new Promise<SendResult>(() => {}) };
  const exporter = createExporter({ transport, attemptTimeoutMs: 60_000 });
  for (let n = 1; n <= 3; n++) exporter.export(testEnvelope(n));
  const { dropped, stats } = await exporter.shutdown({ timeoutMs: 30 });
  expect(dropped).toBe(3);
  expect(stats).toMatchObject({
    accepted: 3,
    sent: 0,
    queued: 0,
    dropped: { shutdown_deadline: 3 },
  });
});

test("a transport whose close never settles cannot hold shutdown past its deadline either", async () => {
  const transport: Transport = {
    name: "stuck",
    send: async () => ({}),
    close: () => new Promise<void>(() => {}),
  };
  const exporter = createExporter({ transport });
  exporter.export(testEnvelope(1));
  const { dropped, stats } = await exporter.shutdown({ timeoutMs: 50 });
  expect(dropped).toBe(0);
  expect(stats).toMatchObject({ accepted: 1, sent: 1, queued: 0 });
});

test("shutdown with an unusable timeout throws and leaves the exporter running", async () => {
  const { transport, calls } = scripted([]);
  const exporter = createExporter({ transport });
  expect(() => exporter.shutdown({ timeoutMs: -1 })).toThrowError(
    expect.objectContaining({
      code: "invalid_argument",
      message: "[invalid_argument] timeoutMs must be a number >= 0, got -1",
    }),
  );
  expect(exporter.export(testEnvelope(1))).toBe(true);
  const { stats } = await exporter.shutdown();
  expect(calls).toEqual([ids(1, 1)]);
  expect(stats).toMatchObject({ accepted: 1, sent: 1, refused: 0 });
});

test.each([
  [
    "maxQueueSize",
    { maxQueueSize: 0 },
    "invalid_argument",
    "maxQueueSize must be a number >= 1, got 0",
  ],
  [
    "maxBatchBytes",
    { maxBatchBytes: Number.NaN },
    "invalid_argument",
    "maxBatchBytes must be a number >= 1, got NaN",
  ],
  ["whenFull", { whenFull: "block" }, "invalid_argument", "unknown whenFull policy block"],
  [
    "codec",
    { codec: "xml" },
    "unsupported_codec",
    'codec "xml" is not available (known: protobuf, json, cbor)',
  ],
])("an unusable %s is refused by createExporter with EnvelopeError", (_name, options, code, message) => {
  const { transport } = scripted([]);
  expect(() => createExporter({ transport, ...(options as object) })).toThrowError(
    expect.objectContaining({ name: "EnvelopeError", code, message: `[${code}] ${message}` }),
  );
});
