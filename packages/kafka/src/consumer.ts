/**
 * The consumer helper: a kafkajs message in, an envelope (or only its header)
 * plus the convention headers out; a bad message becomes an error item, never
 * an exception (docs/spec.md, section "Kafka").
 */
import {
  bytesToHex,
  type CheckOptions,
  type Envelope,
  EnvelopeError,
  type FrameInfo,
  type Header,
  isEnvelopeError,
  type Limits,
  readFramePrefix,
  resolveLimits,
} from "@envelope/core";
import { createDecoder } from "@envelope/sdk";
import { extract, type SpanContext } from "@envelope/trace";
import {
  checkHeaders,
  type EnvelopeHeaders,
  type KafkaHeaders,
  scanHeaders,
  type TraceValues,
} from "./headers.js";

/** A consumed message as kafkajs hands it to `eachMessage` (only what the helper reads). */
export interface ConsumedMessage {
  readonly topic: string;
  readonly partition: number;
  readonly message: {
    readonly key?: Uint8Array | null | undefined;
    readonly value: Uint8Array | null;
    readonly headers?: KafkaHeaders | undefined;
    readonly offset: string;
  };
}

/** What every item says about the message it came from. */
export interface MessageInfo {
  readonly topic: string;
  readonly partition: number;
  /** The message offset, a decimal string as kafkajs gives it (int64). */
  readonly offset: string;
  /** The key as UTF-8 text (bytes that are not UTF-8 read as U+FFFD), or `null` when there is none. */
  readonly key: string | null;
  /** The convention headers present (empty when they could not be read: see `error`). */
  readonly headers: EnvelopeHeaders;
  /**
   * The message's trace context from its `traceparent`/`tracestate` headers
   * (`@envelope/trace`'s `extract`), to continue the trace; `undefined` when absent or invalid.
   */
  readonly context: SpanContext | undefined;
}

/** A message decoded in `decode` mode. */
export interface KafkaEnvelope extends MessageInfo {
  readonly envelope: Envelope;
  readonly error?: undefined;
}

/** A message read in `peek` mode: the frame and the header; the body is not touched. */
export interface KafkaHeader extends MessageInfo {
  readonly frame: FrameInfo;
  readonly header: Header;
  readonly error?: undefined;
}

/** A message that could not be read; test `item.error !== undefined`. */
export interface KafkaError extends MessageInfo {
  readonly error: EnvelopeError;
  readonly envelope?: undefined;
  readonly header?: undefined;
}

/** Options of {@link createMessageReader}. */
export interface MessageReaderOptions {
  /** `decode` (the default): the whole envelope; `peek`: the frame and header only. */
  readonly mode: "decode" | "peek";
  /** Decode limits, merged over the SDK's defaults (the frame limit bounds the value). */
  readonly limits: Partial<Limits>;
  /** Validate what is read. Default `true`. */
  readonly validate: boolean;
  /** A check run on every decoded envelope (`decode` mode). */
  readonly check: CheckOptions | undefined;
  /** Longest value of one convention header, in bytes. Default 1024. */
  readonly maxHeaderBytes: number;
  /**
   * When a convention header disagrees with the frame: `reject` (the default)
   * makes the message an `invalid_value` error item; `ignore` trusts the frame
   * and returns the item with the headers as they were.
   */
  readonly onHeaderMismatch: "reject" | "ignore";
}

/** Reads consumed messages; options are resolved once. */
export interface MessageReader<T> {
  /** Never throws: a bad message is a {@link KafkaError} item. */
  read(consumed: ConsumedMessage): T | KafkaError;
}

const keyText = new TextDecoder("utf-8");
const EMPTY = new Uint8Array(0);

/**
 * Creates a reader of consumed kafkajs messages (`eachMessage` payloads).
 * In `peek` mode only the frame prefix and header are decoded; the body is
 * neither decompressed nor decoded, but the value must still be exactly one
 * frame. Headers are hints, the frame is the truth: a present convention
 * header that disagrees with the frame makes the message an error item.
 * @see docs/spec.md, section "Kafka"
 */
export function createMessageReader(
  options: Partial<MessageReaderOptions> & { readonly mode: "peek" },
): MessageReader<KafkaHeader>;
export function createMessageReader(
  options?: Partial<MessageReaderOptions> & { readonly mode?: "decode" },
): MessageReader<KafkaEnvelope>;
export function createMessageReader(
  options: Partial<MessageReaderOptions> = {},
): MessageReader<KafkaEnvelope | KafkaHeader> {
  const mode = options.mode ?? "decode";
  if (mode !== "decode" && mode !== "peek") {
    throw new EnvelopeError("invalid_argument", `unknown mode ${String(mode)}`);
  }
  const strict = (options.onHeaderMismatch ?? "reject") === "reject";
  const maxHeaderBytes = options.maxHeaderBytes ?? 1024;
  const limits = resolveLimits(options.limits);
  const decoder = createDecoder({
    limits,
    validate: options.validate ?? true,
    check: options.check,
  });

  const readOne = (
    value: Uint8Array,
    headers: EnvelopeHeaders,
  ): { envelope: Envelope } | { frame: FrameInfo; header: Header } => {
    if (mode === "decode") {
      const envelope = decoder.decode(value);
      if (strict) checkHeaders(headers, factsOf(envelope.header, decoderFrame(value)));
      return { envelope };
    }
    const { frame, header } = decoder.peek(value);
    if (frame.frameLength !== value.byteLength) {
      throw new EnvelopeError(
        "trailing_bytes",
        `${value.byteLength - frame.frameLength} bytes follow the frame (one message holds one frame)`,
        { offset: frame.frameLength },
      );
    }
    if (strict) checkHeaders(headers, factsOf(header, frame));
    return { frame, header };
  };

  // The prefix of a frame decode() has already read whole: 24 bytes and a CRC, no header decode.
  const decoderFrame = (value: Uint8Array) => readFramePrefix(value, 0, limits);

  return Object.freeze({
    read(consumed: ConsumedMessage): KafkaEnvelope | KafkaHeader | KafkaError {
      const { topic, partition, message } = consumed;
      const key = message.key == null ? null : keyText.decode(message.key);
      const info = { topic, partition, offset: message.offset, key };
      let headers: EnvelopeHeaders;
      const trace: TraceValues = {};
      try {
        headers = scanHeaders(message.headers, maxHeaderBytes, trace);
      } catch (error) {
        // The scan stopped early: read the trace context from the raw headers.
        const context = extract(message.headers as Parameters<typeof extract>[0]);
        return { ...info, context, headers: {}, error: asEnvelopeError(error) };
      }
      const context = extract(trace);
      try {
        return { ...info, context, headers, ...readOne(message.value ?? EMPTY, headers) };
      } catch (error) {
        return { ...info, context, headers, error: asEnvelopeError(error) };
      }
    },
  });
}

function factsOf(header: Header, frame: FrameInfo) {
  return {
    type: header.schema.type,
    subtype: header.schema.subtype,
    version: header.schema.version,
    codec: frame.codec,
    compression: frame.compression,
    eventId: bytesToHex(header.eventId),
  };
}

function asEnvelopeError(error: unknown): EnvelopeError {
  if (isEnvelopeError(error)) return error;
  return new EnvelopeError(
    "invalid_value",
    `cannot read the message: ${String(error)}`,
    {},
    {
      cause: error,
    },
  );
}

/**
 * An `eachMessage` handler for `consumer.run`: reads every message with a
 * {@link createMessageReader} and passes the item to `handler`. Errors thrown
 * by `handler` are kafkajs's to handle (it retries the message); reading never throws.
 */
export function eachEnvelope(
  handler: (item: KafkaEnvelope | KafkaError) => Promise<void> | void,
  options?: Partial<MessageReaderOptions> & { readonly mode?: "decode" },
): (payload: ConsumedMessage) => Promise<void> {
  const reader = createMessageReader(options);
  return async (payload) => {
    await handler(reader.read(payload));
  };
}
