/**
 * The HTTP transport: one POST per batch, the body the batch's frames back to
 * back (`application/vnd.envelope.frames`), sent with `fetch` so it works in
 * browsers, Deno and Bun as in Node.js.
 *
 * @see docs/spec.md, section "HTTP transport"
 */
import { EnvelopeError } from "@envelope/core";
import { FRAMES_MEDIA_TYPE, isRetryableStatus, type ReceiverReport } from "./http-report.js";
import { parseRetryAfter } from "./retry-after.js";
import { ExportError, type ExportItem, type SendResult, type Transport } from "./transport.js";

/** Options of {@link httpTransport}. */
export interface HttpTransportOptions {
  /** The receiver's URL. */
  readonly url: string | URL;
  /** Extra request headers (authorization, say). `Content-Type` is always the frames media type. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The `fetch` to use. Default: the global `fetch`. */
  readonly fetch?: typeof fetch;
  /** The largest response body read (the receiver's report). Default 1 MiB. */
  readonly maxResponseBytes?: number;
}

/**
 * A {@link Transport} that POSTs each batch to `url`.
 *
 * - 2xx: delivered; frames the receiver's report lists as rejected are
 *   reported as `rejected` (dropped, never sent again).
 * - 400 with a report: the frames listed are rejected, the others delivered.
 * - 408, 429, 502, 503, 504, a network error, a timeout: the whole batch is
 *   retried (`Retry-After` honoured, as {@link parseRetryAfter} reads it); the receiver deduplicates by event id.
 * - Any other status: the batch is dropped (`non_retryable`).
 *
 * ```ts
 * const exporter = createExporter({ transport: httpTransport({ url: "https://collector.example/v1/envelopes" }) });
 * ```
 *
 * @throws EnvelopeError `invalid_argument` for an unusable URL or no `fetch`.
 * @see docs/spec.md, section "HTTP transport"
 */
export function httpTransport(options: HttpTransportOptions): Transport {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch {
    throw new EnvelopeError("invalid_argument", `httpTransport: bad url ${String(options.url)}`);
  }
  const fetchFn = options.fetch ?? globalThis.fetch;
  if (typeof fetchFn !== "function") {
    throw new EnvelopeError("invalid_argument", "httpTransport needs fetch (pass options.fetch)");
  }
  const maxResponseBytes = options.maxResponseBytes ?? 1 << 20;
  const headers: Record<string, string> = {
    ...options.headers,
    "content-type": FRAMES_MEDIA_TYPE,
    accept: "application/json",
  };
  const target = url.href;

  return {
    name: "http",
    async send(batch: readonly ExportItem[], signal: AbortSignal): Promise<SendResult> {
      const { body, offsets } = concat(batch);
      let response: Response;
      try {
        response = await fetchFn(target, { method: "POST", headers, body, signal });
      } catch (cause) {
        // Network errors (refused, reset) and aborts: the batch may be sent again.
        throw new ExportError(`POST ${target} failed: ${messageOf(cause)}`, {
          retryable: true,
          cause,
        });
      }
      const { status } = response;
      const text = await readText(response, maxResponseBytes, signal);
      if (status >= 200 && status < 300) {
        return { rejected: rejectedIndices(parseReport(text), offsets) };
      }
      if (status === 400) {
        const report = parseReport(text);
        if (report !== undefined) return { rejected: rejectedIndices(report, offsets) };
      }
      const retryable = isRetryableStatus(status);
      const retryAfterMs = retryable
        ? parseRetryAfter(response.headers.get("retry-after"))
        : undefined;
      throw new ExportError(
        `POST ${target}: HTTP ${status}${text === "" ? "" : ` ${text.slice(0, 200)}`}`,
        retryAfterMs === undefined ? { retryable } : { retryable, retryAfterMs },
      );
    },
  };
}

function messageOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}

/** The batch's frames back to back, and where each starts (plus the end). */
function concat(batch: readonly ExportItem[]): {
  body: Uint8Array<ArrayBuffer>;
  offsets: number[];
} {
  const offsets: number[] = new Array(batch.length + 1);
  let total = 0;
  for (let i = 0; i < batch.length; i++) {
    offsets[i] = total;
    total += batch[i]!.bytes.byteLength;
  }
  offsets[batch.length] = total;
  const body = new Uint8Array(total);
  for (let i = 0; i < batch.length; i++) body.set(batch[i]!.bytes, offsets[i]!);
  return { body, offsets };
}

/** Reads at most `max` bytes of the response as text; drains nothing more. */
async function readText(response: Response, max: number, signal: AbortSignal): Promise<string> {
  if (response.body === null) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const next = await reader.read();
      if (next.done) break;
      size += next.value.byteLength;
      if (size > max) break;
      chunks.push(next.value);
    }
  } catch (cause) {
    // The answer's status is known; a body cut short only loses the report.
    if (signal.aborted) {
      throw new ExportError("response body read aborted", { retryable: true, cause });
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  const bytes = new Uint8Array(Math.min(size, max));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, at));
}

/** The report in `text`, or `undefined` when it is not one. */
function parseReport(text: string): ReceiverReport | undefined {
  if (text === "") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { accepted, rejected } = value as { accepted?: unknown; rejected?: unknown };
  if (typeof accepted !== "number" || !Array.isArray(rejected)) return undefined;
  return value as ReceiverReport;
}

/** Batch indices of the frames whose bytes overlap a rejected run (offsets say exactly which). */
function rejectedIndices(report: ReceiverReport | undefined, offsets: number[]): number[] {
  const out: number[] = [];
  if (report === undefined) return out;
  const n = offsets.length - 1;
  for (const run of report.rejected) {
    const { offset, length } = run as { offset?: unknown; length?: unknown };
    if (typeof offset !== "number" || typeof length !== "number" || length <= 0) continue;
    const end = offset + length;
    // First frame ending after the run's start, then every frame starting before its end.
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid + 1]! <= offset) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < n && offsets[i]! < end; i++) {
      if (out[out.length - 1] !== i) out.push(i);
    }
  }
  return out;
}
