/**
 * Turns a detected input into a stream of items: an envelope (or, for
 * `inspect`, a frame's header) with where it was, or a bad frame, record or
 * line with its error. Frames, NDJSON lines and length-delimited records are
 * streamed in bounded memory; a single raw payload is read whole (up to the
 * frame size limit).
 */
import { decompress } from "@envelope/lz4";
import {
  type CodecName,
  type CompressionName,
  createDecoder,
  type Decoder,
  decodeStream,
  type Envelope,
  EnvelopeError,
  type FrameInfo,
  fromJson,
  type Header,
  isEnvelopeError,
  type Limits,
  peekStream,
  type StreamError,
} from "@envelope/sdk";
import { CliError, ExitCode } from "../exit-codes.js";
import { detect, detectBinary, FORM_NAMES, type Form, isLz4, jsonForm } from "./detect.js";
import type { Input } from "./open-input.js";
import { readVarint } from "./protobuf-shape.js";
import { decodeText } from "./text.js";

/** How to read the input; `codec`, `compression` and `delimited` force a reading. */
export interface ReadOptions {
  readonly codec: CodecName | undefined;
  readonly compression: CompressionName | undefined;
  readonly delimited: boolean;
  readonly validate: boolean;
  /** Frames: read only the prefix and the header (`inspect`). */
  readonly headersOnly: boolean;
  readonly limits: Limits;
}

/** An envelope read from the input. */
export interface EnvelopeItem {
  readonly ok: true;
  /** Where it starts (in the unwrapped bytes when the input was hex, base64 or LZ4). */
  readonly offset: number;
  readonly length: number;
  /** How messages name it: `frame at byte 120`, `line 3`, ... */
  readonly label: string;
  readonly codec: CodecName;
  readonly compression: CompressionName;
  /** The frame prefix, for framed input. */
  readonly frame: FrameInfo | undefined;
  readonly header: Header;
  /** The envelope; undefined when only headers were read. */
  readonly envelope: Envelope | undefined;
}

/** A bad frame, record or line, or a run of bytes skipped to resynchronise. */
export interface BadItem {
  readonly ok: false;
  readonly offset: number;
  /** Bytes skipped. */
  readonly length: number;
  readonly label: string;
  readonly error: EnvelopeError;
}

export type ReadItem = EnvelopeItem | BadItem;

/** The input, detected and ready to be read. */
export interface Reading {
  readonly form: Form;
  /** What was detected, e.g. `hex text of a stream of frames`. */
  readonly description: string;
  /** Offsets refer to unwrapped bytes (hex, base64 or LZ4 input). */
  readonly unwrapped: boolean;
  readonly items: AsyncGenerator<ReadItem, void, undefined>;
}

const EMPTY: Uint8Array = new Uint8Array(0);

function cannotRead(input: Input, head: Uint8Array): CliError {
  const start = Buffer.from(head.subarray(0, 8))
    .toString("hex")
    .replace(/(..)(?!$)/g, "$1 ");
  return new CliError(
    ExitCode.unreadable,
    head.length === 0
      ? `${input.name} is empty`
      : `${input.name} is not a recognised envelope form (starts with ${start}): no frame magic, and not JSON, NDJSON, CBOR, protobuf, hex or base64; force a reading with --codec`,
  );
}

/** Detects the form of `input` (or applies the forced reading) and returns its items. */
export async function readEnvelopes(
  input: Input,
  options: ReadOptions,
  onBytes: (n: number) => void,
): Promise<Reading> {
  const limits = options.limits;
  const layers: string[] = [];
  let data: Uint8Array | undefined;
  let head = input.head;
  let complete = input.complete;
  const detected = detect(head, complete);
  let form = detected.form;

  if (detected.text !== undefined) {
    data = decodeText(await input.readAll(limits.maxFrameSize * 5, onBytes), detected.text);
    layers.push(`${detected.text} text`);
    head = data;
    complete = true;
    form = detectBinary(data, true);
  }
  if (options.compression === "lz4" || (options.compression === undefined && isLz4(head))) {
    data ??= await input.readAll(limits.maxFrameSize, onBytes);
    try {
      data = decompress(data, { maxSize: limits.maxDecompressedSize });
    } catch (error) {
      if (!isEnvelopeError(error)) throw error;
      throw new CliError(
        ExitCode.unreadable,
        `cannot decompress the LZ4 payload: [${error.code}] ${error.detail}${error.offset === undefined ? "" : ` (at byte ${error.offset})`}`,
      );
    }
    layers.push("an LZ4-compressed payload");
    head = data;
    complete = true;
    form = detectBinary(data, true);
  }
  if (options.codec === "json") form = jsonForm(head) ?? "json";
  else if (options.codec === "cbor") form = "cbor";
  else if (options.codec === "protobuf" || options.delimited) {
    form = options.delimited || form === "protobuf-delimited" ? "protobuf-delimited" : "protobuf";
  }
  if (form === undefined && !complete) {
    // Only a raw protobuf payload longer than the head is not recognised from the head.
    if (input.size !== undefined && input.size > limits.maxFrameSize) throw cannotRead(input, head);
    data = await input.readAll(limits.maxFrameSize, onBytes).catch((error: unknown) => {
      throw error instanceof CliError ? cannotRead(input, head) : error;
    });
    head = data;
    complete = true;
    form = detectBinary(data, true);
  }
  if (form === undefined || form === "lz4") throw cannotRead(input, head);

  const inMemory = data;
  const source = (): AsyncIterable<Uint8Array> =>
    inMemory === undefined ? input.chunks(onBytes) : once(inMemory);
  const whole = async (): Promise<Uint8Array> =>
    inMemory ?? (await input.readAll(limits.maxFrameSize, onBytes));

  let items: AsyncGenerator<ReadItem, void, undefined>;
  switch (form) {
    case "frames":
      items = frameItems(source(), options);
      break;
    case "ndjson":
      items = lineItems(source(), options);
      break;
    case "protobuf-delimited":
      items = delimitedItems(source(), options);
      break;
    case "json":
      items = jsonItems(await whole(), options);
      break;
    case "cbor":
    case "protobuf":
      items = singleItem(await whole(), form, options);
      break;
  }
  return {
    form,
    description: [...layers, FORM_NAMES[form]].join(" of "),
    unwrapped: layers.length > 0,
    items,
  };
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
}

function rawDecoder(codec: CodecName, options: ReadOptions): Decoder {
  return createDecoder({
    framed: false,
    codec,
    validate: options.validate,
    limits: options.limits,
  });
}

function envelopeItem(
  envelope: Envelope,
  codec: CodecName,
  offset: number,
  length: number,
  label: string,
): EnvelopeItem {
  return {
    ok: true,
    offset,
    length,
    label,
    codec,
    compression: "none",
    frame: undefined,
    header: envelope.header,
    envelope,
  };
}

function badFrame(item: StreamError): BadItem {
  return {
    ok: false,
    offset: item.offset,
    length: item.length,
    label: `frame at byte ${item.offset}`,
    error: item.error,
  };
}

async function* frameItems(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  const streamOptions = { limits: options.limits, validate: options.validate };
  if (options.headersOnly) {
    for await (const item of peekStream(source, streamOptions)) {
      if (item.error !== undefined) {
        yield badFrame(item);
        continue;
      }
      const { frame, header } = item;
      yield {
        ok: true,
        offset: item.offset,
        length: frame.frameLength,
        label: `frame at byte ${item.offset}`,
        codec: frame.codec,
        compression: frame.compression,
        frame,
        header,
        envelope: undefined,
      };
    }
    return;
  }
  for await (const item of decodeStream(source, streamOptions)) {
    if (item.error !== undefined) {
      yield badFrame(item);
      continue;
    }
    const { frame, envelope } = item;
    yield {
      ok: true,
      offset: item.offset,
      length: frame.frameLength,
      label: `frame at byte ${item.offset}`,
      codec: frame.codec,
      compression: frame.compression,
      frame,
      header: envelope.header,
      envelope,
    };
  }
}

/** The error with its offset moved from a record-relative to an input-relative position. */
function relocate(error: EnvelopeError, by: number): EnvelopeError {
  return error.rebase(by);
}

function decodeRecord(
  decoder: Decoder,
  bytes: Uint8Array,
  codec: CodecName,
  offset: number,
  label: string,
): ReadItem {
  try {
    return envelopeItem(decoder.decode(bytes), codec, offset, bytes.length, label);
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    const otlp = codec === "json" ? notAnEnvelope(error, () => parsed(bytes)) : undefined;
    return {
      ok: false,
      offset,
      length: bytes.length,
      label,
      error: otlp ?? relocate(error, offset),
    };
  }
}

/** OTLP/JSON documents, by their top-level key (what an OpenTelemetry exporter or Collector writes). */
const OTLP_KEYS: Readonly<Record<string, string>> = {
  resourceLogs: "logs",
  resourceSpans: "traces",
  resourceMetrics: "metrics",
  resourceProfiles: "profiles",
};

function parsed(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

/**
 * For a JSON value that failed to read as an envelope: an `invalid_json`
 * error saying what the value is instead, when it is an OTLP/JSON export;
 * else undefined (the original error stands). Errors of the limits stand.
 */
function notAnEnvelope(error: EnvelopeError, value: () => unknown): EnvelopeError | undefined {
  if (error.code === "too_large" || error.code === "limit_exceeded") return undefined;
  const v = value();
  if (v === null || typeof v !== "object" || Array.isArray(v)) return undefined;
  const key = Object.keys(v).find((k) => Object.hasOwn(OTLP_KEYS, k));
  if (key === undefined) return undefined;
  return new EnvelopeError(
    "invalid_json",
    `this is an OTLP/JSON ${OTLP_KEYS[key]} document (${key}), not an envelope: an envelope's JSON mapping has "header" and "body" (docs/spec.md, "Codec: JSON")`,
  );
}

function hasBom(bytes: Uint8Array): boolean {
  return bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function* lineItems(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  const decoder = rawDecoder("json", options);
  const max = options.limits.maxFrameSize;
  let line = 0;
  let pending: Uint8Array = EMPTY;
  let base = 0;
  /** Start of a line over the limit being skipped, or -1. */
  let skipping = -1;
  const emit = function* (bytes: Uint8Array, offset: number): Generator<ReadItem> {
    line++;
    const start = line === 1 && hasBom(bytes) ? 3 : 0;
    const end =
      bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    const text = bytes.subarray(start, end);
    if (text.every(isSpace)) return;
    yield decodeRecord(decoder, text, "json", offset + start, `line ${line} (byte ${offset})`);
  };
  const tooLong = (offset: number, end: number): BadItem => ({
    ok: false,
    offset,
    length: end - offset,
    label: `line ${++line} (byte ${offset})`,
    error: new EnvelopeError("too_large", `line over the limit of ${max} bytes`, { offset }),
  });
  for await (const chunk of source) {
    const data = concat(pending, chunk);
    let at = 0;
    for (;;) {
      const newline = data.indexOf(0x0a, at);
      if (newline === -1) break;
      if (skipping !== -1) {
        yield tooLong(skipping, base + newline);
        skipping = -1;
      } else {
        yield* emit(data.subarray(at, newline), base + at);
      }
      at = newline + 1;
    }
    if (skipping === -1 && data.length - at > max) skipping = base + at;
    pending = skipping === -1 ? data.subarray(at) : EMPTY;
    base = skipping === -1 ? base + at : base + data.length;
  }
  if (skipping !== -1) yield tooLong(skipping, base);
  else if (pending.length > 0) yield* emit(pending, base);
}

async function* delimitedItems(
  source: AsyncIterable<Uint8Array>,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  const decoder = rawDecoder("protobuf", options);
  const max = options.limits.maxFrameSize;
  let record = 0;
  let pending: Uint8Array = EMPTY;
  let base = 0;
  let failed: EnvelopeError | undefined;
  let failedAt = 0;
  let failedLabel = "";
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (failed !== undefined) continue;
    const data = concat(pending, chunk);
    let at = 0;
    while (at < data.length) {
      const length = readVarint(data, at, data.length);
      if (length === undefined) {
        if (data.length - at < 10) break;
        failed = new EnvelopeError("invalid_protobuf", "malformed length prefix", {
          offset: base + at,
        });
      } else if (length[0] > max) {
        failed = new EnvelopeError(
          "too_large",
          `record of ${length[0]} bytes is over the limit of ${max}`,
          { offset: base + at },
        );
      }
      if (failed !== undefined) {
        failedAt = base + at;
        failedLabel = `record ${record + 1} (byte ${failedAt})`;
        break;
      }
      const [size, bodyAt] = length!;
      if (bodyAt + size > data.length) break;
      record++;
      const item = decodeRecord(
        decoder,
        data.subarray(bodyAt, bodyAt + size),
        "protobuf",
        base + bodyAt,
        `record ${record} (byte ${base + at})`,
      );
      yield item.ok ? { ...item, offset: base + at, length: bodyAt + size - at } : item;
      at = bodyAt + size;
    }
    pending = failed === undefined ? data.subarray(at) : EMPTY;
    base += at;
  }
  if (failed === undefined && pending.length > 0) {
    failed = new EnvelopeError(
      "truncated",
      `the input ends ${pending.length} bytes into record ${record + 1}`,
      {
        offset: base,
      },
    );
    failedAt = base;
    failedLabel = `record ${record + 1} (byte ${base})`;
  }
  if (failed !== undefined) {
    // Without a length to trust there is no way to find the next record.
    yield {
      ok: false,
      offset: failedAt,
      length: total - failedAt,
      label: failedLabel,
      error: failed,
    };
  }
}

async function* jsonItems(
  bytes: Uint8Array,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  let at = hasBom(bytes) ? 3 : 0;
  while (at < bytes.length && isSpace(bytes[at]!)) at++;
  if (bytes[at] !== 0x5b) {
    yield decodeRecord(
      rawDecoder("json", options),
      bytes.subarray(at),
      "json",
      at,
      "JSON document",
    );
    return;
  }
  let values: unknown;
  try {
    values = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    yield {
      ok: false,
      offset: 0,
      length: bytes.length,
      label: "JSON document",
      error: new EnvelopeError("invalid_json", `not JSON: ${reason}`),
    };
    return;
  }
  if (!Array.isArray(values)) return;
  for (const [i, value] of values.entries()) {
    const label = `array element ${i}`;
    try {
      const envelope = fromJson(value, { limits: options.limits, validate: options.validate });
      yield envelopeItem(envelope, "json", 0, 0, label);
    } catch (error) {
      if (!isEnvelopeError(error)) throw error;
      yield {
        ok: false,
        offset: 0,
        length: 0,
        label,
        error: notAnEnvelope(error, () => value) ?? error,
      };
    }
  }
}

async function* singleItem(
  bytes: Uint8Array,
  codec: CodecName,
  options: ReadOptions,
): AsyncGenerator<ReadItem, void, undefined> {
  yield decodeRecord(rawDecoder(codec, options), bytes, codec, 0, `${codec} payload`);
}
