/**
 * An exporter transport that sends envelopes to an OTLP/HTTP logs endpoint
 * (`/v1/logs`) as protobuf `ExportLogsServiceRequest`s.
 *
 * @see docs/spec.md, section "OTLP mapping"
 */
import { isEnvelopeError } from "@envelope/core";
import {
  ExportError,
  type ExportItem,
  parseRetryAfter,
  type SendResult,
  type Transport,
} from "@envelope/export";
import { decode } from "@envelope/sdk";
import { ProtobufLogsSerializer } from "@opentelemetry/otlp-transformer";
import { groupByResource, type MappedRecord, mapEnvelope, nowNanos } from "./to-log-record.js";
import { toProtobuf } from "./to-protobuf.js";

/** What an OTLP receiver said when it took a request but refused some records. */
export interface PartialSuccess {
  /** `rejected_log_records`: how many records of the request were refused. */
  readonly rejected: number;
  /** `error_message`, possibly empty. */
  readonly message: string;
}

/** Options of {@link otlpTransport}. */
export interface OtlpTransportOptions {
  /** The logs endpoint, e.g. `http://127.0.0.1:4318/v1/logs`. */
  readonly url: string | URL;
  /** More request headers (authentication, say). `Content-Type` is always `application/x-protobuf`. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Called when the receiver answers with a partial success. OTLP forbids
   * retrying such a request and does not say which records were refused, so
   * the batch counts as delivered; this hook is where a refusal is seen.
   */
  readonly onPartialSuccess?: (info: PartialSuccess) => void;
  /**
   * The clock for `observedTimeUnixNano`, in nanoseconds since the UNIX epoch.
   * Default: the wall clock (millisecond resolution).
   */
  readonly clock?: () => bigint;
  /** `gzip` compresses the request body (`Content-Encoding: gzip`). Default `none`. */
  readonly compression?: "none" | "gzip";
  /** The `fetch` to use. Default: the global one. */
  readonly fetch?: typeof fetch;
}

/** A success body is read up to this size (a partial success is a few bytes); past it, it is ignored. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** HTTP statuses OTLP/HTTP says to retry (the rest of 4xx/5xx are final). */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * A {@link Transport} for `createExporter` that delivers to an OTLP/HTTP
 * receiver, such as an OpenTelemetry Collector:
 *
 * - each frame is decoded at send time and mapped with {@link toLogsData};
 *   a frame that does not decode or has no OTLP form is `rejected` (never retried);
 * - the rest go in one `POST` (`application/x-protobuf`, gzip when asked), records grouped by resource;
 * - 2xx: delivered (a `partial_success` goes to `onPartialSuccess`; a body over
 *   64 KiB or cut off is ignored: the status already says the request was taken);
 *   429, 502, 503, 504 and network errors: a retryable {@link ExportError}
 *   with `Retry-After` as `retryAfterMs` (read by `parseRetryAfter` of `@envelope/export`);
 *   any other status: a final {@link ExportError};
 * - an aborted `signal` stops the request: a retryable {@link ExportError}.
 */
export function otlpTransport(options: OtlpTransportOptions): Transport {
  const url = String(options.url);
  const doFetch = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? nowNanos;
  const gzip = options.compression === "gzip";
  const headers: Record<string, string> = {
    ...options.headers,
    "content-type": "application/x-protobuf",
  };
  if (gzip) headers["content-encoding"] = "gzip";
  return {
    name: "otlp",
    async send(batch: readonly ExportItem[], signal: AbortSignal): Promise<SendResult> {
      const observed = clock();
      const mapped: MappedRecord[] = [];
      const rejected: number[] = [];
      // One by one, so a bad frame is rejected alone.
      for (let i = 0; i < batch.length; i++) {
        try {
          mapped.push(mapEnvelope(decode((batch[i] as ExportItem).bytes), observed));
        } catch (error) {
          if (!isEnvelopeError(error)) throw error;
          rejected.push(i);
        }
      }
      const result: SendResult = rejected.length > 0 ? { rejected } : {};
      if (mapped.length === 0) return result;
      const protobuf = toProtobuf(groupByResource(mapped));
      const body = gzip ? await gzipped(protobuf) : protobuf;

      let response: Response;
      try {
        response = await doFetch(url, {
          method: "POST",
          headers,
          body: body as Uint8Array<ArrayBuffer>,
          signal,
        });
      } catch (error) {
        const reason = signal.aborted ? "aborted" : "network error";
        throw new ExportError(`OTLP POST ${url}: ${reason}`, { retryable: true, cause: error });
      }
      if (response.ok) {
        // The status says the request was taken; the body only says how much of it.
        const answer = await readAtMost(response, MAX_RESPONSE_BYTES);
        const partial =
          answer === undefined
            ? undefined
            : partialSuccess(answer, response.headers.get("content-type"));
        if (partial !== undefined) options.onPartialSuccess?.(partial);
        return result;
      }
      await response.body?.cancel().catch(() => undefined);
      const retryable = RETRYABLE.has(response.status);
      const retryAfterMs = retryable
        ? parseRetryAfter(response.headers.get("retry-after"))
        : undefined;
      throw new ExportError(`OTLP POST ${url}: HTTP ${response.status}`, {
        retryable,
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      });
    },
  };
}

/** gzip with the platform's CompressionStream (Node.js 18+, browsers, Deno, Bun). */
async function gzipped(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>])
    .stream()
    .pipeThrough(new CompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The response body, or undefined when it is over `limit` bytes or cannot be read. */
async function readAtMost(response: Response, limit: number): Promise<Uint8Array | undefined> {
  const reader = response.body?.getReader();
  if (reader === undefined) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel();
        return undefined;
      }
      chunks.push(value);
    }
  } catch {
    return undefined;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Reads `partial_success` from an `ExportLogsServiceResponse` (protobuf or JSON); undefined when none. */
function partialSuccess(body: Uint8Array, contentType: string | null): PartialSuccess | undefined {
  if (body.length === 0) return undefined;
  let rejected = 0;
  let message = "";
  try {
    if (contentType?.includes("json")) {
      const parsed = JSON.parse(new TextDecoder().decode(body)) as {
        partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string };
      };
      rejected = Number(parsed.partialSuccess?.rejectedLogRecords ?? 0);
      message = parsed.partialSuccess?.errorMessage ?? "";
    } else {
      const parsed = ProtobufLogsSerializer.deserializeResponse(body);
      rejected = Number(parsed.partialSuccess?.rejectedLogRecords ?? 0);
      message = parsed.partialSuccess?.errorMessage ?? "";
    }
  } catch {
    // A 2xx with a body we cannot read still means the request was accepted.
    return undefined;
  }
  return rejected > 0 || message !== "" ? { rejected, message } : undefined;
}
