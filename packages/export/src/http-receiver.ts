/**
 * The HTTP receiver: reads a POSTed stream of frames with `decodeStream`
 * within limits, hands the envelopes to the application, and answers with a
 * status and a {@link ReceiverReport}. This module is platform-free; the
 * `node:http` adapter is in `@envelope/export/node`.
 *
 * @see docs/spec.md, section "HTTP transport"
 */
import { EnvelopeError, type ErrorCode } from "@envelope/core";
import { type DecodeStreamOptions, decodeStream, type StreamEnvelope } from "@envelope/sdk";
import { FRAMES_MEDIA_TYPE, type ReceiverReport, type RejectedFrame } from "./http-report.js";

/** Options of the receivers ({@link createFetchReceiver}, `createNodeReceiver`). */
export interface ReceiverOptions extends Partial<DecodeStreamOptions> {
  /**
   * Takes the envelopes of one request, in body order, once the whole body is
   * read. When it throws (or rejects), the receiver answers 503 and the
   * sender retries the whole batch: handle envelopes idempotently, by event id.
   */
  readonly onEnvelopes: (envelopes: StreamEnvelope[]) => void | Promise<void>;
  /** The largest request body read; a larger one is answered 413. Default 8 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The most header and body bytes, after decompression, held for one request
   * (LZ4 frames expand): past it the request is answered 413. Default 64 MiB.
   */
  readonly maxDecodedBytes?: number;
}

/** A receiver's answer, before it is written to a platform's response. */
export interface ReceiverAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON text: a {@link ReceiverReport} for 200 and 400, `{ "error": … }` otherwise. */
  readonly body: string;
}

/** What a receiver needs to know of a request. */
export interface ReceiverRequest {
  /** The HTTP method; only `POST` is read. */
  readonly method: string;
  /** The `Content-Type` header, when present. */
  readonly contentType: string | null | undefined;
  /** The `Content-Encoding` header, when present. */
  readonly contentEncoding: string | null | undefined;
  /** The `Content-Length` header, when present: checked against `maxBodyBytes` before reading. */
  readonly contentLength: string | null | undefined;
  /** The body: a web stream, an async iterable of chunks (a Node.js request), or none. */
  readonly body: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array> | null;
}

const JSON_HEADERS = Object.freeze({ "content-type": "application/json" });

/** Thrown by the size-capped source; never escapes {@link receive}. */
class BodyTooLarge extends Error {}

function answer(status: number, value: unknown, extra?: Record<string, string>): ReceiverAnswer {
  return {
    status,
    headers: extra === undefined ? JSON_HEADERS : { ...JSON_HEADERS, ...extra },
    body: JSON.stringify(value),
  };
}

function errorAnswer(
  status: number,
  code: string,
  message: string,
  extra?: Record<string, string>,
) {
  return answer(status, { error: code, message }, extra);
}

/** The media type of a Content-Type value, lowercased, without parameters. */
function mediaType(value: string | null | undefined): string {
  if (typeof value !== "string") return "";
  const semi = value.indexOf(";");
  return (semi === -1 ? value : value.slice(0, semi)).trim().toLowerCase();
}

/** Resolves options once: the limits and the body cap. */
export function resolveReceiverOptions(options: ReceiverOptions): ReceiverOptions {
  if (typeof options?.onEnvelopes !== "function") {
    throw new EnvelopeError("invalid_argument", "a receiver needs onEnvelopes(envelopes)");
  }
  const max = options.maxBodyBytes ?? 8 << 20;
  if (typeof max !== "number" || !(max >= 0)) {
    throw new EnvelopeError("invalid_argument", `maxBodyBytes must be >= 0, got ${max}`);
  }
  const decoded = options.maxDecodedBytes ?? 64 << 20;
  if (typeof decoded !== "number" || !(decoded >= 0)) {
    throw new EnvelopeError("invalid_argument", `maxDecodedBytes must be >= 0, got ${decoded}`);
  }
  return { ...options, maxBodyBytes: max, maxDecodedBytes: decoded };
}

/**
 * Reads one request and answers it. Never throws: every failure is a status.
 *
 * | status | when |
 * |---|---|
 * | 200 | the body was read to its end and at least one frame was taken, or it was empty (the report lists any rejected runs) |
 * | 400 | the body held bytes but no frame was taken (the report lists the runs), or it could not be read |
 * | 405 | not a POST (`Allow: POST`) |
 * | 413 | the body is larger than `maxBodyBytes` (`Content-Length` or counted), or its frames than `maxDecodedBytes` decoded |
 * | 415 | not `application/vnd.envelope.frames`, or a `Content-Encoding` other than `identity` |
 * | 503 | `onEnvelopes` threw: the sender retries the batch |
 */
export async function receive(
  request: ReceiverRequest,
  options: ReceiverOptions,
): Promise<ReceiverAnswer> {
  if (request.method !== "POST") {
    return errorAnswer(405, "method_not_allowed", "POST a stream of frames", { allow: "POST" });
  }
  if (mediaType(request.contentType) !== FRAMES_MEDIA_TYPE) {
    return errorAnswer(415, "unsupported_media_type", `Content-Type must be ${FRAMES_MEDIA_TYPE}`);
  }
  const encoding = request.contentEncoding?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== "" && encoding !== "identity") {
    return errorAnswer(415, "unsupported_encoding", `Content-Encoding ${encoding} is not read`);
  }
  const max = options.maxBodyBytes ?? 8 << 20;
  const declared = request.contentLength == null ? Number.NaN : Number(request.contentLength);
  if (declared > max) {
    return errorAnswer(413, "too_large", `body of ${declared} bytes is over ${max}`, {
      connection: "close",
    });
  }
  const envelopes: StreamEnvelope[] = [];
  const rejected: RejectedFrame[] = [];
  const maxDecoded = options.maxDecodedBytes ?? 64 << 20;
  let decoded = 0;
  let index = 0;
  let read = 0;
  try {
    const source = capped(request.body, max, (n) => {
      read = n;
    });
    for await (const item of decodeStream(source, options)) {
      if (item.error === undefined) {
        decoded += item.frame.headerLength + item.frame.bodyRawLength;
        if (decoded > maxDecoded) throw new BodyTooLarge();
        envelopes.push(item);
      } else {
        rejected.push({
          index,
          offset: item.offset,
          length: item.length,
          code: item.error.code as ErrorCode,
          message: item.error.message,
        });
      }
      index++;
    }
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      return errorAnswer(
        413,
        "too_large",
        `body is over ${max} bytes, or over ${maxDecoded} bytes decoded`,
        { connection: "close" },
      );
    }
    return errorAnswer(400, "unreadable_body", `the body could not be read: ${messageOf(error)}`);
  }
  const report: ReceiverReport = { accepted: envelopes.length, rejected };
  if (envelopes.length === 0) return answer(read === 0 ? 200 : 400, report);
  try {
    await options.onEnvelopes(envelopes);
  } catch (error) {
    return errorAnswer(503, "handler_failed", messageOf(error));
  }
  return answer(200, report);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The body's chunks, counting bytes; throws {@link BodyTooLarge} past `max`. */
async function* capped(
  body: ReceiverRequest["body"],
  max: number,
  onCount: (bytes: number) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  if (body === null) return;
  let total = 0;
  const chunks: AsyncIterable<Uint8Array> =
    typeof (body as ReadableStream<Uint8Array>).getReader === "function"
      ? webChunks(body as ReadableStream<Uint8Array>)
      : (body as AsyncIterable<Uint8Array>);
  for await (const chunk of chunks) {
    total += chunk.byteLength;
    onCount(total);
    if (total > max) throw new BodyTooLarge();
    yield chunk;
  }
}

async function* webChunks(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read();
      if (next.done) break;
      yield next.value;
    }
    done = true;
  } finally {
    if (!done) await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * A fetch-style receiver: `(request: Request) => Promise<Response>`, for
 * Deno, Bun, Cloudflare-style workers and any framework that speaks the
 * Fetch API. Mount it on the route senders POST to.
 *
 * ```ts
 * const handle = createFetchReceiver({ onEnvelopes: (items) => store(items.map((i) => i.envelope)) });
 * Deno.serve(handle);
 * ```
 *
 * @throws EnvelopeError `invalid_argument` for unusable options.
 * @see {@link receive} for the statuses.
 */
export function createFetchReceiver(
  options: ReceiverOptions,
): (request: Request) => Promise<Response> {
  const resolved = resolveReceiverOptions(options);
  return async (request) => {
    const result = await receive(
      {
        method: request.method,
        contentType: request.headers.get("content-type"),
        contentEncoding: request.headers.get("content-encoding"),
        contentLength: request.headers.get("content-length"),
        body: request.body,
      },
      resolved,
    );
    return new Response(result.body, { status: result.status, headers: result.headers });
  };
}
