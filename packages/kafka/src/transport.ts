/**
 * The Kafka transport: sends the exporter's batches to a topic with kafkajs,
 * one frame per message, with the convention headers and a key from the key
 * policy (docs/spec.md, section "Kafka").
 */
import { ExportError, type ExportItem, type SendResult, type Transport } from "@envelope/export";
import {
  type CompressionTypes,
  Kafka,
  type KafkaConfig,
  type Message,
  Partitioners,
  type Producer,
  type ProducerConfig,
} from "kafkajs";
import { createHeaderWriter, messageHeaders } from "./headers.js";
import { type KeyPolicy, messageKey } from "./key.js";

/** Options of {@link kafkaTransport}: give `producer` (yours) or `kafka` (the transport makes its own). */
export interface KafkaTransportOptions {
  /** A kafkajs producer you created; you connect and disconnect it. */
  readonly producer?: Producer;
  /**
   * A kafkajs `Kafka` client or its config: the transport creates a producer,
   * connects it on the first send and disconnects it on `close()`.
   */
  readonly kafka?: Kafka | KafkaConfig;
  /**
   * For a producer the transport creates. Defaults: the Java-compatible
   * partitioner (same key, same partition as the Java client) and a short
   * retry budget, because the exporter retries (`retries: 2`).
   */
  readonly producerConfig?: ProducerConfig;
  /** The topic, or a function of the envelope's meta choosing one. */
  readonly topic: string | ((meta: ExportItem["meta"]) => string);
  /** The key policy. Default `traceId`. */
  readonly key?: KeyPolicy;
  /** Broker acknowledgement: `-1` all in-sync replicas (the default), `1` the leader, `0` none. */
  readonly acks?: -1 | 0 | 1;
  /** Kafka batch compression (kafkajs supports GZIP out of the box). Default none. */
  readonly compression?: CompressionTypes;
  /**
   * Largest message (value, key and headers) sent, in bytes; larger items are
   * rejected (dropped and counted by the exporter), never sent. Also the most
   * bytes sent in one produce request. Default 1,000,000, under the broker's
   * default `message.max.bytes` (1,048,588) with room for batch overhead.
   */
  readonly maxMessageBytes?: number;
}

/**
 * The kafkajs message for one export item: the frame as a `Buffer` view (no
 * copy; kafkajs writes any other value as `String(value)`), the convention
 * headers and the policy's key.
 * @see docs/spec.md, section "Kafka"
 */
export function toMessage(item: ExportItem, key: KeyPolicy = "traceId"): Message {
  return messageOf(item, key, messageHeaders);
}

function messageOf(
  item: ExportItem,
  key: KeyPolicy,
  headersOf: (meta: ExportItem["meta"]) => Record<string, string>,
): Message {
  const { bytes } = item;
  const message: Message = {
    value: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    headers: headersOf(item.meta),
  };
  const k = messageKey(item.meta, key);
  if (k !== undefined) message.key = k;
  return message;
}

/** Bytes a message takes against `maxMessageBytes` (value, key, header names and values). */
function messageSize(message: Message): number {
  let size = (message.value as Buffer).byteLength;
  if (typeof message.key === "string") size += Buffer.byteLength(message.key);
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value as string);
  }
  return size;
}

/**
 * Whether a kafkajs failure may succeed later. kafkajs marks its errors
 * `retriable`; when its own retries run out it throws
 * `KafkaJSNumberOfRetriesExceeded` (marked non-retriable) around a retriable
 * cause, which is transient for the exporter. A protocol error the broker
 * will always give (message too large, authorisation) is not retryable.
 */
export function isRetryableKafkaError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as { name?: unknown; retriable?: unknown; cause?: unknown };
  if (e.name === "KafkaJSNumberOfRetriesExceeded") return true;
  if (e.retriable === true) return true;
  if (e.name === "KafkaJSNonRetriableError" && e.cause !== undefined && e.cause !== error) {
    return isRetryableKafkaError(e.cause);
  }
  return false;
}

/** Runs `work`, or throws a retryable ExportError as soon as `signal` aborts. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(aborted(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function aborted(signal: AbortSignal): ExportError {
  return new ExportError("kafka: send aborted (deadline or shutdown)", {
    retryable: true,
    cause: signal.reason,
  });
}

function toExportError(error: unknown): ExportError {
  if (error instanceof ExportError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new ExportError(`kafka: ${message}`, {
    retryable: isRetryableKafkaError(error),
    cause: error,
  });
}

/**
 * A {@link Transport} that produces each export item as one Kafka message.
 *
 * A batch is sent in produce requests of at most `maxMessageBytes`, one after
 * another. When a request fails after earlier ones succeeded, the items not
 * yet delivered are returned in `retry`; when the first fails, `send` throws
 * an `ExportError` (retryable for broker outages, timeouts and leader
 * changes). A request aborted by the exporter's deadline may still reach the
 * broker, so a retry can deliver an envelope twice: delivery is
 * at-least-once, and consumers deduplicate on `envelope-event-id`.
 *
 * @see docs/spec.md, section "Kafka"
 */
export function kafkaTransport(options: KafkaTransportOptions): Transport {
  const { topic, key = "traceId", acks = -1, compression } = options;
  const maxMessageBytes = options.maxMessageBytes ?? 1_000_000;
  if (!(Number.isInteger(maxMessageBytes) && maxMessageBytes > 0)) {
    throw new TypeError("kafkaTransport: maxMessageBytes must be a positive integer");
  }
  if ((options.producer === undefined) === (options.kafka === undefined)) {
    throw new TypeError("kafkaTransport: give exactly one of producer and kafka");
  }
  const owned = options.producer === undefined;
  const headersOf = createHeaderWriter();
  let producer = options.producer;
  let connecting: Promise<void> | undefined;

  const ready = (): Promise<Producer> => {
    if (!owned) return Promise.resolve(producer!);
    if (producer === undefined) {
      const kafka = options.kafka instanceof Kafka ? options.kafka : new Kafka(options.kafka!);
      producer = kafka.producer({
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 2 },
        ...options.producerConfig,
      });
    }
    const p = producer;
    if (connecting === undefined) {
      connecting = p.connect().catch((error: unknown) => {
        connecting = undefined; // try again on the next send
        throw error;
      });
    }
    return connecting.then(() => p);
  };

  return {
    name: "kafka",
    async send(batch: readonly ExportItem[], signal: AbortSignal): Promise<SendResult> {
      const rejected: number[] = [];
      // Requests of at most maxMessageBytes, in batch order: [topic, messages, indices].
      const requests: { topic: string; messages: Message[]; indices: number[] }[] = [];
      let bytes = 0;
      for (let i = 0; i < batch.length; i++) {
        const item = batch[i]!;
        const message = messageOf(item, key, headersOf);
        const size = messageSize(message);
        if (size > maxMessageBytes) {
          rejected.push(i);
          continue;
        }
        const name = typeof topic === "string" ? topic : topic(item.meta);
        let last = requests[requests.length - 1];
        if (last === undefined || last.topic !== name || bytes + size > maxMessageBytes) {
          last = { topic: name, messages: [], indices: [] };
          requests.push(last);
          bytes = 0;
        }
        last.messages.push(message);
        last.indices.push(i);
        bytes += size;
      }
      if (requests.length === 0) return rejected.length > 0 ? { rejected } : {};
      let sent = 0;
      try {
        const p = await raceAbort(ready(), signal);
        for (; sent < requests.length; sent++) {
          const request = requests[sent]!;
          const record =
            compression === undefined
              ? { topic: request.topic, messages: request.messages, acks }
              : { topic: request.topic, messages: request.messages, acks, compression };
          await raceAbort(p.send(record), signal);
        }
      } catch (error) {
        const failure = toExportError(error);
        // Nothing delivered and nothing to report item by item: the whole batch failed.
        if (sent === 0 && rejected.length === 0) throw failure;
        const retry = requests.slice(sent).flatMap((r) => r.indices);
        if (!failure.retryable) return { rejected: [...rejected, ...retry].sort((a, b) => a - b) };
        return rejected.length > 0 ? { retry, rejected } : { retry };
      }
      return rejected.length > 0 ? { rejected } : {};
    },
    async close(): Promise<void> {
      if (owned && producer !== undefined) await producer.disconnect();
    },
  };
}
