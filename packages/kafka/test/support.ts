/**
 * Shared by the Kafka tests: export items built the way the exporter builds
 * them, and reading a topic back to its end with a real kafkajs consumer.
 */
import { randomUUID } from "node:crypto";
import type { ExportItem, ExportMeta } from "@envelope/export";
import type { ConsumedMessage } from "@envelope/kafka";
import { bytesToHex, type Envelope, peek } from "@envelope/sdk";
import { formatTraceParent } from "@envelope/trace";
import { type Admin, type IHeaders, type Kafka, logLevel } from "kafkajs";
import { available } from "../../../scripts/kafka/broker.mjs";

export const isCI = process.env.CI === "true" || process.env.CI === "1";

/** Kafka tests run when the broker can (java + jars from bootstrap); CI requires it. */
export const brokerAvailable = available();
if (!brokerAvailable && isCI) {
  throw new Error("the Kafka broker is not installed (scripts/bootstrap.mjs); CI requires it");
}

/** kafkajs client settings for tests: quiet, short retries so faults show quickly. */
export const clientConfig = (bootstrap: string) => ({
  clientId: "envelope-test",
  brokers: [bootstrap],
  logLevel: logLevel.NOTHING,
  retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1000 },
});

/** The ExportItem the exporter makes for framed `bytes`: meta read from the header. */
export function exportItem(bytes: Uint8Array): ExportItem {
  const { frame, header } = peek(bytes);
  const trace = header.trace;
  const meta: { -readonly [K in keyof ExportMeta]: ExportMeta[K] } = {
    eventId: bytesToHex(header.eventId),
    type: header.schema.type,
    subtype: header.schema.subtype,
    version: header.schema.version,
    codec: frame.codec,
    compression: frame.compression,
    service: header.resource.serviceName,
  };
  if (trace !== undefined) {
    meta.traceId = bytesToHex(trace.traceId);
    meta.traceparent = formatTraceParent({
      traceId: bytesToHex(trace.traceId),
      spanId: bytesToHex(trace.spanId),
      traceFlags: trace.traceFlags,
    });
    if (trace.traceState !== undefined && trace.traceState !== "")
      meta.tracestate = trace.traceState;
  }
  return { bytes, meta };
}

export const eventIdOf = (envelope: Envelope) => bytesToHex(envelope.header.eventId);

/** A consumed message, copied out of kafkajs's payload. */
export interface Consumed extends ConsumedMessage {
  readonly message: {
    readonly key: Buffer | null;
    readonly value: Buffer | null;
    readonly headers: IHeaders;
    readonly offset: string;
  };
}

export async function createTopic(admin: Admin, topic: string, numPartitions = 1): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions }], waitForLeaders: true });
}

/**
 * Every message in `topic` from the beginning up to its end offsets at call
 * time, in partition then offset order. Fails after `timeoutMs` (a hang guard).
 */
export async function readTopic(kafka: Kafka, topic: string, timeoutMs = 60_000) {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const expected = offsets.reduce((n, o) => n + Number(o.high) - Number(o.low), 0);
  const out: Consumed[] = [];
  if (expected === 0) return out;
  const consumer = kafka.consumer({ groupId: `read-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${out.length} of ${expected} messages from ${topic}`)),
        timeoutMs,
      );
      consumer
        .run({
          eachMessage: async ({ topic: t, partition, message }) => {
            out.push({
              topic: t,
              partition,
              message: {
                key: message.key,
                value: message.value,
                headers: message.headers ?? {},
                offset: message.offset,
              },
            });
            if (out.length >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out.sort(
    (a, b) => a.partition - b.partition || Number(a.message.offset) - Number(b.message.offset),
  );
}

/** Header values as strings (kafkajs hands Buffers to consumers). */
export function headerStrings(headers: IHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name] = String(value);
  return out;
}
