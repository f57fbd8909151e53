// The exporter (@envelope/export) with otlpTransport, the Collector down at start
// (issue #16, faults): every accepted envelope is delivered or dropped and counted.
import { createExporter, type ExporterEvent } from "@envelope/export";
import { otlpTransport } from "@envelope/otlp";
import { bytesToHex, createEnvelope, type Envelope, hexToBytes } from "@envelope/sdk";
import { afterEach, describe, expect, test } from "vitest";
import {
  type Collector,
  collectorAvailable,
  freePort,
  HANG_DEADLINE_MS,
  startCollector,
} from "./collector.js";

const N = 300;

function envelope(i: number): Envelope {
  return createEnvelope({
    schema: { type: "request", subtype: "auth_request", version: "1.2.0" },
    resource: { serviceName: i % 2 === 0 ? "auth" : "billing" },
    attributes: { i: BigInt(i) },
    eventId: hexToBytes((i + 1).toString(16).padStart(32, "0")),
  });
}

const idOf = (i: number) => bytesToHex(envelope(i).header.eventId);

async function until(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met");
    await new Promise((ok) => setTimeout(ok, 10));
  }
}

describe.skipIf(!collectorAvailable())(
  "exporter -> otlpTransport, the Collector down at start",
  () => {
    let collector: Collector | undefined;
    afterEach(async () => {
      await collector?.stop();
      collector = undefined;
    }, HANG_DEADLINE_MS);

    test(
      "an outage shorter than the retry budget: accepted = delivered, none dropped, each event once",
      async () => {
        const port = await freePort();
        const events: ExporterEvent[] = [];
        const exporter = createExporter({
          transport: otlpTransport({ url: `http://127.0.0.1:${port}/v1/logs` }),
          maxBatchSize: 50,
          flushIntervalMs: 10,
          retry: { initialBackoffMs: 20, maxBackoffMs: 200, maxElapsedMs: 60_000 },
          onEvent: (event) => events.push(event),
        });
        for (let i = 0; i < N; i++) expect(exporter.export(envelope(i))).toBe(true);

        // Down: the first batch fails and is retried.
        await until(() => events.some((e) => e.type === "retry"));
        expect(exporter.stats().sent).toBe(0);
        collector = await startCollector(port);

        const { dropped, stats } = await exporter.shutdown({ timeoutMs: 60_000 });
        expect(dropped).toBe(0);
        expect(stats.accepted).toBe(N);
        expect(stats.sent).toBe(N);
        expect(Object.values(stats.dropped).reduce((a, b) => a + b, 0)).toBe(0);
        expect(stats.queued).toBe(0);
        expect(stats.retried).toBeGreaterThanOrEqual(50);

        // The Collector has each event exactly once (refused connections delivered nothing).
        const ids = (await collector.logRecords(N)).map(
          (r) => r.attributes?.find((kv) => kv.key === "envelope.event_id")?.value.stringValue,
        );
        expect(ids.length).toBe(N);
        expect(new Set(ids)).toStrictEqual(new Set(Array.from({ length: N }, (_, i) => idOf(i))));
      },
      HANG_DEADLINE_MS,
    );

    test(
      "an outage longer than the retry budget: every envelope dropped and counted as retries_exhausted",
      async () => {
        const port = await freePort();
        const exporter = createExporter({
          transport: otlpTransport({ url: `http://127.0.0.1:${port}/v1/logs` }),
          maxBatchSize: 50,
          flushIntervalMs: 10,
          retry: { initialBackoffMs: 10, maxBackoffMs: 50, maxElapsedMs: 200 },
        });
        for (let i = 0; i < N; i++) exporter.export(envelope(i));
        await exporter.flush();
        const { dropped, stats } = await exporter.shutdown({ timeoutMs: 60_000 });
        expect(dropped).toBe(0); // nothing left for the deadline: the budget had settled everything
        expect([stats.accepted, stats.sent, stats.dropped.retries_exhausted]).toStrictEqual([
          N,
          0,
          N,
        ]);
        expect(stats.accepted).toBe(
          stats.sent + Object.values(stats.dropped).reduce((a, b) => a + b, 0) + stats.queued,
        );
      },
      HANG_DEADLINE_MS,
    );
  },
);
