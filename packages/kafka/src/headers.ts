/**
 * The Kafka header convention: what a producer writes beside each frame so a
 * router or consumer can route without touching the value, and how a consumer
 * reads it back (docs/spec.md, section "Kafka").
 */
import { type CodecName, type CompressionName, EnvelopeError } from "@envelope/core";
import type { ExportMeta } from "@envelope/export";
import {
  formatTraceParent,
  formatTraceState,
  parseTraceParent,
  parseTraceState,
} from "@envelope/trace";

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
 * `traceparent` and `tracestate` are written as `@envelope/trace`'s `inject`
 * writes the context `extract` reads from them: only a valid traceparent
 * (as version `00`, known flags only) and the valid members of the
 * tracestate (none when it does not parse; at most 512 characters).
 * @see docs/spec.md, section "Kafka"
 */
export function messageHeaders(meta: ExportMeta): Record<string, string> {
  return createHeaderWriter()(meta);
}

/**
 * @internal {@link messageHeaders} that remembers the last tracestate it
 * checked: a batch's envelopes often share one (one transport, one writer).
 */
export function createHeaderWriter(): (meta: ExportMeta) => Record<string, string> {
  let lastState: string | undefined;
  let lastText = "";
  return (meta) => {
    const headers: Record<string, string> = {
      [HEADER.contentType]: CONTENT_TYPE,
      [HEADER.type]: meta.type,
      [HEADER.subtype]: meta.subtype,
      [HEADER.version]: meta.version,
      [HEADER.codec]: meta.codec,
      [HEADER.compression]: meta.compression,
      [HEADER.eventId]: meta.eventId,
    };
    if (typeof meta.traceparent !== "string") return headers;
    const parent = parseTraceParent(meta.traceparent);
    if (parent === undefined) return headers;
    headers[HEADER.traceparent] = formatTraceParent(parent);
    const state = meta.tracestate;
    if (typeof state !== "string") return headers;
    if (state !== lastState) {
      const list = parseTraceState(state);
      lastText = list === undefined ? "" : formatTraceState(list);
      lastState = state;
    }
    if (lastText !== "") headers[HEADER.tracestate] = lastText;
    return headers;
  };
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
  return scanHeaders(headers, options?.maxHeaderBytes ?? 1024, undefined);
}

/**
 * @internal The raw `traceparent` / `tracestate` values of a message, for
 * `extract`: strings when they are UTF-8, else the bytes (which `extract`
 * reads as an invalid value), every occurrence kept, so `extract` applies
 * the trace rules (duplicates, invalid values) exactly as on the raw headers.
 */
export type TraceValues = {
  [name in "traceparent" | "tracestate"]?: (string | Uint8Array)[];
};

/** @internal {@link readHeaders}, also collecting the trace values into `trace`. */
export function scanHeaders(
  headers: KafkaHeaders | undefined,
  max: number,
  trace: TraceValues | undefined,
): EnvelopeHeaders {
  const out: Record<string, string> = {};
  if (headers === undefined || headers === null) return out;
  let traceDuplicates: Set<string> | undefined;
  for (const rawName of Object.keys(headers)) {
    const name = NAMES.has(rawName) ? rawName : rawName.toLowerCase();
    if (!NAMES.has(name)) continue;
    const raw = headers[rawName];
    if (raw === undefined || raw === null) continue;
    const many = Array.isArray(raw);
    if (many && raw.length === 0) continue;
    const first = (many ? raw[0] : raw) as Uint8Array | string;
    if (TRACE_NAMES.has(name)) {
      if (trace !== undefined) {
        const key = name as keyof TraceValues;
        const list = trace[key] ?? [];
        trace[key] = list;
        for (const value of many ? raw : [raw]) list.push(traceText(value as Uint8Array | string));
      }
      // Trace headers follow the trace rules (a bad one is dropped, never an error).
      // Here: one readable value or nothing.
      if ((many && raw.length > 1) || Object.hasOwn(out, name) || traceDuplicates?.has(name)) {
        traceDuplicates ??= new Set();
        traceDuplicates.add(name);
        delete out[name];
        continue;
      }
      try {
        out[name] = headerText(first, max, name);
      } catch {
        // dropped: see above
      }
      continue;
    }
    if ((many && raw.length > 1) || Object.hasOwn(out, name)) {
      throw new EnvelopeError("duplicate_key", `header ${name} appears more than once`, {
        path: `headers.${name}`,
      });
    }
    out[name] = headerText(first, max, name);
  }
  return out;
}

/** A trace header value for `extract`: the text when it is UTF-8, else the bytes. */
function traceText(value: Uint8Array | string): string | Uint8Array {
  if (typeof value === "string" || !(value instanceof Uint8Array)) return value;
  try {
    return utf8.decode(value);
  } catch {
    return value;
  }
}

function headerText(value: Uint8Array | string, max: number, name: string): string {
  if (typeof value === "string") {
    // Produced in this process: UTF-8 length is at least the UTF-16 length.
    if (value.length > max) tooLong(name, value.length, max);
    return value;
  }
  if (!(value instanceof Uint8Array)) {
    throw new EnvelopeError("invalid_value", "a header value must be bytes or a string", {
      path: `headers.${name}`,
    });
  }
  if (value.byteLength > max) tooLong(name, value.byteLength, max);
  try {
    return utf8.decode(value);
  } catch {
    throw new EnvelopeError("invalid_utf8", "header value is not UTF-8", {
      path: `headers.${name}`,
    });
  }
}

function tooLong(name: string, length: number, max: number): never {
  throw new EnvelopeError(
    "limit_exceeded",
    `header value of ${length} bytes is over the limit of ${max}`,
    { path: `headers.${name}` },
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
