// Faults against a real Apache Kafka broker: it crashes mid-run (SIGKILL by
// PID) and comes back on the same port and storage. While it is down, sends
// fail with a retryable ExportError; after it returns they succeed, and the
// topic holds every accepted envelope (at-least-once: duplicates are counted,
// losses fail the test). Once with the transport alone (the exporter's part
// played by the test), once through @envelope/export's createExporter.
import { createExporter, ExportError, type ExportItem, exportMeta } from "@envelope/export";
import { createMessageReader, type KafkaEnvelope, kafkaTransport } from "@envelope/kafka";
import { bytesToHex, createEncoder, createEnvelope, decode, hexToBytes } from "@envelope/sdk";
import { Kafka } from "kafkajs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { start } from "../../../scripts/kafka/broker.mjs";
import { brokerAvailable, clientConfig, createTopic, exportItem, readTopic } from "./support.js";

const encoder = createEncoder({ codec: "protobuf" });
let seq = 0;
/** A batch of `n` envelopes with sequential event ids. */
function batch(n: number): ExportItem[] {
  return Array.from({ length: n }, () => {
    const id = ++seq;
    return exportItem(
      encoder.encode(
        createEnvelope({
          schema: { type: "request", subtype: "fault", version: "1.0.0" },
          eventId: hexToBytes(`f${id.toString(16).padStart(31, "0")}`),
          timeUnixNano: BigInt(id),
          resource: { serviceName: "faults" },
          attributes: { seq: BigInt(id) },
        }),
      ),
    );
  });
}

/** The envelopes of the exporter test: event ids e000…, distinct from the first test's. */
const exported = (n: number) =>
  createEnvelope({
    schema: { type: "request", subtype: "export", version: "1.0.0" },
    eventId: hexToBytes(`e${n.toString(16).padStart(31, "0")}`),
    timeUnixNano: BigInt(n + 1),
    resource: { serviceName: "exporter-e2e" },
    attributes: { n: BigInt(n) },
  });

let broker: Awaited<ReturnType<typeof start>>;

describe.skipIf(!brokerAvailable)("Kafka faults (real broker)", () => {
  beforeAll(async () => {
    broker = await start();
    console.log(`kafka broker ready in ${broker.startMs} ms (pid ${broker.pid})`);
  }, 120_000);

  afterAll(async () => {
    await broker?.destroy();
  }, 60_000);

  test("broker crashes mid-run and restarts: retryable failures while down, nothing accepted is lost", async () => {
    const topic = "faults";
    const kafka = new Kafka(clientConfig(broker.bootstrap));
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, topic);
    await admin.disconnect();

    const transport = kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic });
    const accepted = new Map<string, Uint8Array>();
    // What an exporter would hold: items accepted and not yet delivered.
    let pending: ExportItem[] = [];
    const figures = { attempts: 0, failedWhileDown: 0, failedAfterRestart: 0 };
    const accept = (items: ExportItem[]) => {
      for (const item of items) accepted.set(item.meta.eventId, item.bytes);
      pending.push(...items);
    };
    /** One attempt at the pending items, with a per-attempt deadline. */
    const attempt = async (): Promise<ExportError | undefined> => {
      figures.attempts++;
      const sending = pending;
      try {
        const result = await transport.send(sending, AbortSignal.timeout(30_000));
        expect(result.rejected).toBeUndefined();
        pending = (result.retry ?? []).map((i) => sending[i]!);
        return undefined;
      } catch (error) {
        expect(error).toBeInstanceOf(ExportError);
        return error as ExportError;
      }
    };

    // Up: three batches delivered.
    for (let i = 0; i < 3; i++) {
      accept(batch(20));
      expect(await attempt()).toBeUndefined();
      expect(pending).toEqual([]);
    }

    // The crash lands while a batch is in flight: that attempt may succeed or
    // fail (retryable); either way its items are accounted for below.
    accept(batch(20));
    const inflight = attempt();
    const downAt = Date.now();
    await broker.stop({ signal: "SIGKILL" });
    expect(broker.pid).toBeUndefined();
    const crashed = await inflight;
    if (crashed !== undefined) expect(crashed.retryable).toBe(true);

    // Down: every attempt fails, retryable; the items stay pending.
    for (let i = 0; i < 3; i++) {
      accept(batch(20));
      const failure = await attempt();
      expect(failure?.retryable).toBe(true);
      figures.failedWhileDown++;
    }
    const downMs = Date.now() - downAt;
    expect(pending).toHaveLength(crashed === undefined ? 60 : 80);

    // Back: the pending items go through (the first attempts may still meet
    // the client's stale connections; each such failure must be retryable).
    const restartAt = Date.now();
    await broker.restart();
    const restartMs = Date.now() - restartAt;
    for (let i = 0; pending.length > 0; i++) {
      expect(i, "attempts after restart").toBeLessThan(40);
      const failure = await attempt();
      if (failure !== undefined) {
        expect(failure.retryable).toBe(true);
        figures.failedAfterRestart++;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    for (let i = 0; i < 2; i++) {
      accept(batch(20));
      expect(await attempt()).toBeUndefined();
    }
    await transport.close?.();

    // Read back: every accepted envelope is there, byte for byte; nothing else.
    const consumed = await readTopic(kafka, topic);
    const reader = createMessageReader();
    const delivered = new Map<string, number>();
    for (const c of consumed) {
      const item = reader.read(c);
      expect(item.error).toBeUndefined();
      const id = bytesToHex((item as KafkaEnvelope).envelope.header.eventId);
      expect((item as KafkaEnvelope).envelope).toEqual(decode(accepted.get(id)!));
      delivered.set(id, (delivered.get(id) ?? 0) + 1);
    }
    const duplicates = consumed.length - delivered.size;
    console.log(
      `kafka faults: accepted ${accepted.size}, delivered ${delivered.size} (+${duplicates} duplicates), ` +
        `attempts ${figures.attempts}, failed while down ${figures.failedWhileDown}, ` +
        `failed after restart ${figures.failedAfterRestart}; in-flight attempt at the crash ${crashed === undefined ? "succeeded" : "failed"}; ` +
        `down ${downMs} ms, restart ${restartMs} ms`,
    );
    expect(accepted.size).toBe(180);
    expect([...delivered.keys()].sort()).toEqual([...accepted.keys()].sort());
  }, 240_000);

  test("through createExporter: a crash and restart mid-run; accepted = sent, nothing dropped, the topic holds every envelope", async () => {
    const kafka = new Kafka(clientConfig(broker.bootstrap));
    const admin = kafka.admin();
    await admin.connect();
    await createTopic(admin, "exported");
    await admin.disconnect();
    const exporter = createExporter({
      transport: kafkaTransport({ kafka: clientConfig(broker.bootstrap), topic: "exported" }),
      flushIntervalMs: 50,
      maxBatchSize: 25,
      attemptTimeoutMs: 10_000,
    });
    let n = 0;
    for (; n < 100; n++) expect(exporter.export(exported(n))).toBe(true);
    await exporter.flush();
    await broker.stop({ signal: "SIGKILL" });
    for (; n < 200; n++) expect(exporter.export(exported(n))).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const whileDown = exporter.stats();
    await broker.restart();
    for (; n < 250; n++) expect(exporter.export(exported(n))).toBe(true);
    const { dropped, stats } = await exporter.shutdown({ timeoutMs: 60_000 });
    console.log(
      `exporter while the broker was down: sent ${whileDown.sent}, queued ${whileDown.queued}, retried ${whileDown.retried}; ` +
        `at shutdown: accepted ${stats.accepted}, sent ${stats.sent}, retried ${stats.retried}`,
    );
    expect(dropped).toBe(0);
    expect(stats.accepted).toBe(250);
    expect(stats.sent).toBe(250);
    expect(Object.values(stats.dropped).reduce((a, b) => a + b, 0)).toBe(0);

    const consumed = await readTopic(kafka, "exported");
    const ids = consumed.map((c) => {
      const id = bytesToHex(decode(c.message.value!).header.eventId);
      // The header convention carries what the exporter's exportMeta read.
      expect(String(c.message.headers["envelope-event-id"])).toBe(id);
      return id;
    });
    const distinct = [...new Set(ids)].sort();
    console.log(`topic: ${consumed.length} messages, ${distinct.length} distinct event ids`);
    const all = Array.from({ length: 250 }, (_, i) => exported(i));
    expect(distinct).toEqual(
      all.map((e) => exportMeta(e, new Uint8Array(24), "protobuf").eventId).sort(),
    );
  }, 240_000);
});
