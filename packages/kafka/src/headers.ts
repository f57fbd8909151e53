/**
 * The Kafka header convention: what a producer writes beside each frame so a
 * router or consumer can route without touching the value, and how a consumer
 * reads it back (docs/spec.md, section "Kafka").
 */
import { type CodecName, type CompressionName, EnvelopeError } from "@envelope/core";
import type { ExportMeta } from "@envelope/export";
import { extract, inject } from "@envelope/trace";

/** Header names of the convention, all lowercase ASCII. */
export const HEADER = Object.freeze({
  contentType: "content-type",
  type: "envelope-type",
  subtype: "envelope-subtype",
  version: "envelope-version",
  codec: "envelope-codec",
  compression: "envelope-compression",
  eventId: "envelope-event-id",
  traceparent: "traceparent",
  tracestate: "tracestate",
} as const);

/** The `content-type` of a message whose value is exactly one envelope frame. */
export const CONTENT_TYPE = "application/vnd.envelope.frame";

/** The convention headers of one message, as UTF-8 strings, in the order they are written. */
export type EnvelopeHeaders = {
  readonly [K in (typeof HEADER)[keyof typeof HEADER]]?: string;
};

/**
 * The headers to write beside a frame whose header `meta` describes.
 * `traceparent` and `tracestate` go through `@envelope/trace`'s `inject`, so
 * only a valid context is written (an invalid one writes neither header).
 * @see docs/spec.md, section "Kafka"
 */
export function messageHeaders(meta: ExportMeta): Record<string, string> {
  const headers: Record<string, string> = {
    [HEADER.contentType]: CONTENT_TYPE,
    [HEADER.type]: meta.type,
    [HEADER.subtype]: meta.subtype,
    [HEADER.version]: meta.version,
    [HEADER.codec]: meta.codec,
    [HEADER.compression]: meta.compression,
    [HEADER.eventId]: meta.eventId,
  };
  if (meta.traceparent !== undefined) {
    const context = extract({ traceparent: meta.traceparent, tracestate: meta.tracestate });
    if (context !== undefined) inject(context, headers);
  }
  return headers;
}

/** A header value as kafkajs delivers it (a Buffer on consume; strings when produced). */
export type KafkaHeaderValue = Uint8Array | string | readonly (Uint8Array | string)[] | undefined;

/** Headers as kafkajs delivers them. */
export type KafkaHeaders = { readonly [name: string]: KafkaHeaderValue };

/** Options of {@link readHeaders}. */
export interface ReadHeadersOptions {
  /** Longest value accepted for one convention header, in bytes. Default 1024. */
  readonly maxHeaderBytes: number;
}

const NAMES: ReadonlySet<string> = new Set(Object.values(HEADER));
const TRACE_NAMES: ReadonlySet<string> = new Set([HEADER.traceparent, HEADER.tracestate]);
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the convention headers of a message (untrusted input): names matched
 * case-insensitively, values decoded as UTF-8; other headers are ignored.
 * `traceparent` and `tracestate` follow the trace rules instead: one that is
 * repeated, too long or not UTF-8 is left out, never an error.
 * Does not compare the headers with the value: the consumer helper does.
 * @throws EnvelopeError `duplicate_key` (a convention header given twice),
 * `limit_exceeded` (a value over `maxHeaderBytes`), `invalid_utf8`.
 */
export function readHeaders(
  headers: KafkaHeaders | undefined,
  options?: Partial<ReadHeadersOptions>,
): EnvelopeHeaders {
  const max = options?.maxHeaderBytes ?? 1024;
  const out: Record<string, string> = {};
  const traceDuplicates = new Set<string>();
  if (headers === undefined || headers === null) return out;
  for (const rawName of Object.keys(headers)) {
    const name = rawName.toLowerCase();
    if (!NAMES.has(name)) continue;
    const raw = headers[rawName];
    if (raw === undefined || raw === null) continue;
    const path = `headers.${name}`;
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0) continue;
    if (TRACE_NAMES.has(name)) {
      // Trace headers follow the trace rules (a bad one is dropped, never an error);
      // extract() reads them from the raw headers. Here: one readable value or nothing.
      if (values.length > 1 || Object.hasOwn(out, name)) {
        traceDuplicates.add(name);
        delete out[name];
        continue;
      }
      if (traceDuplicates.has(name)) continue;
      try {
        out[name] = headerText(values[0] as Uint8Array | string, max, path);
      } catch {
        // dropped: see above
      }
      continue;
    }
    if (values.length > 1 || Object.hasOwn(out, name)) {
      throw new EnvelopeError("duplicate_key", `header ${name} appears more than once`, { path });
    }
    out[name] = headerText(values[0] as Uint8Array | string, max, path);
  }
  return out;
}

function headerText(value: Uint8Array | string, max: number, path: string): string {
  if (typeof value === "string") {
    // Produced in this process: UTF-8 length is at least the UTF-16 length.
    if (value.length > max) tooLong(path, value.length, max);
    return value;
  }
  if (!(value instanceof Uint8Array)) {
    throw new EnvelopeError("invalid_value", "a header value must be bytes or a string", { path });
  }
  if (value.byteLength > max) tooLong(path, value.byteLength, max);
  try {
    return utf8.decode(value);
  } catch {
    throw new EnvelopeError("invalid_utf8", "header value is not UTF-8", { path });
  }
}

function tooLong(path: string, length: number, max: number): never {
  throw new EnvelopeError(
    "limit_exceeded",
    `header value of ${length} bytes is over the limit of ${max}`,
    { path },
  );
}

/** What a frame says about itself, compared with the headers by {@link checkHeaders}. */
export interface FrameFacts {
  readonly type: string;
  readonly subtype: string;
  readonly version: string;
  readonly codec: CodecName;
  readonly compression: CompressionName;
  readonly eventId: string;
}

/**
 * Checks the convention headers that are present against the frame (the
 * truth). A header that is absent is not an error; one that disagrees is.
 * `traceparent` and `tracestate` are the message's propagation context and
 * are not compared with the envelope's own trace context.
 * @throws EnvelopeError `invalid_value` naming the first header that disagrees.
 */
export function checkHeaders(headers: EnvelopeHeaders, facts: FrameFacts): void {
  const contentType = headers[HEADER.contentType];
  if (contentType !== undefined && contentType !== CONTENT_TYPE) {
    mismatch(HEADER.contentType, contentType, CONTENT_TYPE);
  }
  const pairs: [string, string][] = [
    [HEADER.type, facts.type],
    [HEADER.subtype, facts.subtype],
    [HEADER.version, facts.version],
    [HEADER.codec, facts.codec],
    [HEADER.compression, facts.compression],
    [HEADER.eventId, facts.eventId],
  ];
  for (const [name, truth] of pairs) {
    const said = headers[name as keyof EnvelopeHeaders];
    if (said !== undefined && said !== truth) mismatch(name, said, truth);
  }
}

function mismatch(name: string, said: string, truth: string): never {
  throw new EnvelopeError(
    "invalid_value",
    `header ${name} is ${JSON.stringify(said.slice(0, 64))} but the frame says ${JSON.stringify(truth)}`,
    { path: `headers.${name}` },
  );
}
