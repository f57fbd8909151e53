/**
 * The HTTP(S) source: a base URL serving a schemas folder statically
 * (`index.json` and `type/subtype/version.json`). In-memory and optional disk
 * caches, ETag revalidation of the index, per-attempt timeouts, retries with
 * exponential backoff and jitter, stale-if-error, and SHA-256 checks against
 * the index so a corrupted body is never used. A published version is
 * immutable: once cached (memory or disk) it is never fetched again. The
 * caller's headers (credentials) are sent to the base URL's origin only.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#sources | docs/spec.md} "Schema registry", "Sources"
 */
import { mkdir, readFile, rename, unlink, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { EnvelopeError, excerpt, isEnvelopeError } from "@envelope/core";
import type { SchemaDescriptor } from "../descriptor.js";
import { isRegistryError, RegistryError } from "../errors.js";
import { readDescriptor } from "../parse-descriptor.js";
import { INDEX_FILE, parseIndex, sha256Hex } from "./index-file.js";
import type { SchemaSource, SourceEntry, SourceListing } from "./source.js";

/** Options of {@link httpSource}. */
export interface HttpSourceOptions {
  /** The base URL (`http:` or `https:`); `index.json` and the descriptors are resolved against it. */
  readonly baseUrl: string;
  /** Time allowed for one attempt, headers and body. Default 5000 ms. */
  readonly timeoutMs: number;
  /** Attempts after the first. Default 3. */
  readonly retries: number;
  /** The first backoff; attempt n waits up to `backoffMs * 2^n`, half of it jittered. Default 100 ms. */
  readonly backoffMs: number;
  /** The longest backoff. Default 5000 ms. */
  readonly maxBackoffMs: number;
  /** A directory for the disk cache (created when needed); `undefined`: memory only. */
  readonly cacheDir: string | undefined;
  /** The largest body accepted. Default 1 MiB. */
  readonly maxBodyBytes: number;
  /**
   * Extra request headers (e.g. authorization, an API key). Sent only to the
   * base URL's origin: a redirect to another origin is followed without them.
   */
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The fetch implementation. Default: the global `fetch`. It is called with
   * `redirect: "manual"` and must return 3xx answers as they are (the source
   * follows redirects itself, to keep credentials on their origin).
   */
  readonly fetch: typeof globalThis.fetch;
  /** Random numbers in [0, 1) for the jitter. Default `Math.random`. */
  readonly random: () => number;
}

/** A remote source, with its counters (useful in tests and metrics). */
export interface HttpSource extends SchemaSource {
  readonly options: HttpSourceOptions;
  /** Requests sent, 304 answers, retries, and listings served stale. */
  readonly stats: {
    readonly requests: number;
    readonly notModified: number;
    readonly retries: number;
    readonly staleServed: number;
  };
}

interface CachedIndex {
  readonly entries: SourceEntry[];
  readonly text: string;
  readonly etag: string | undefined;
}

class Retryable extends Error {}

/** Redirects {@link httpSource} follows itself (see `send`). */
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
/** Most redirects followed for one request (fetch's own limit is 20; a registry needs few). */
const MAX_REDIRECTS = 5;

/**
 * Creates an HTTP source. Throws `invalid_argument` for a base URL that is
 * not `http:`/`https:` or for bad numbers.
 */
export function httpSource(
  options: Partial<HttpSourceOptions> & Pick<HttpSourceOptions, "baseUrl">,
): HttpSource {
  const opts: HttpSourceOptions = Object.freeze({
    timeoutMs: 5000,
    retries: 3,
    backoffMs: 100,
    maxBackoffMs: 5000,
    cacheDir: undefined,
    maxBodyBytes: 1 << 20,
    headers: {},
    fetch: globalThis.fetch,
    random: Math.random,
    ...options,
  });
  let base: URL;
  try {
    base = new URL(opts.baseUrl.endsWith("/") ? opts.baseUrl : `${opts.baseUrl}/`);
  } catch {
    throw new EnvelopeError(
      "invalid_argument",
      `baseUrl ${JSON.stringify(opts.baseUrl)} is not a URL`,
    );
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new EnvelopeError(
      "invalid_argument",
      `baseUrl must be http: or https:, got ${base.protocol}`,
    );
  }
  for (const key of [
    "timeoutMs",
    "retries",
    "backoffMs",
    "maxBackoffMs",
    "maxBodyBytes",
  ] as const) {
    if (!Number.isFinite(opts[key]) || opts[key] < 0) {
      throw new EnvelopeError("invalid_argument", `${key} must be a number >= 0`);
    }
  }
  const cacheRoot =
    opts.cacheDir === undefined
      ? undefined
      : join(opts.cacheDir, sha256Hex(base.href).slice(0, 16));
  const stats = { requests: 0, notModified: 0, retries: 0, staleServed: 0 };
  let index: CachedIndex | undefined;
  const descriptors = new Map<string, SchemaDescriptor>();

  /** Runs `attempt` with retries; returns its value or throws the last failure. */
  const withRetries = async <T>(url: URL, attempt: (signal: AbortSignal) => Promise<T>) => {
    let last: unknown;
    for (let n = 0; n <= opts.retries; n++) {
      if (n > 0) {
        stats.retries++;
        const cap = Math.min(opts.maxBackoffMs, opts.backoffMs * 2 ** (n - 1));
        await sleep(cap / 2 + (opts.random() * cap) / 2);
      }
      try {
        return await attempt(AbortSignal.timeout(opts.timeoutMs));
      } catch (error) {
        last = error;
        if (!(error instanceof Retryable) && !isTransient(error)) break;
      }
    }
    throw new RegistryError(
      "registry_unavailable",
      `${url.href}: ${describe(last)} (after ${opts.retries + 1} attempt(s) at most)`,
      {},
      { cause: last },
    );
  };

  /**
   * Sends a GET, following redirects here rather than in fetch: fetch would
   * send every caller header (`x-api-key`, cookies...) to whatever origin a
   * redirect names, and it strips only `authorization`. The caller's headers
   * go to the base URL's origin only; once a redirect leaves it they are
   * dropped for the rest of the chain (a redirect back cannot pick the path
   * they are sent to). A redirect from https to http, to another scheme, or
   * beyond MAX_REDIRECTS fails the request (not retried).
   */
  const send = async (url: URL, signal: AbortSignal, etag: string | undefined) => {
    const own: Record<string, string> = { accept: "application/json" };
    if (etag !== undefined) own["if-none-match"] = etag;
    let headers = url.origin === base.origin ? { ...opts.headers, ...own } : own;
    let target = url;
    for (let redirects = 0; ; redirects++) {
      const response = await opts.fetch(target, { headers, signal, redirect: "manual" });
      if (!REDIRECT_STATUS.has(response.status)) return response;
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (location === null) throw new Error(`HTTP ${response.status} without a Location`);
      if (redirects === MAX_REDIRECTS) throw new Error(`more than ${MAX_REDIRECTS} redirects`);
      const next = URL.canParse(location, target) ? new URL(location, target) : undefined;
      if (next === undefined || (next.protocol !== "http:" && next.protocol !== "https:")) {
        throw new Error(`redirect to ${JSON.stringify(excerpt(location))} is not http(s)`);
      }
      if (target.protocol === "https:" && next.protocol === "http:") {
        throw new Error(`redirect from https to ${next.origin} refused`);
      }
      if (next.origin !== base.origin) headers = own;
      target = next;
    }
  };

  const get = async (url: URL, signal: AbortSignal, etag?: string) => {
    stats.requests++;
    const response = await send(url, signal, etag);
    if (response.status === 304) {
      await response.body?.cancel();
      return { status: 304, text: "", etag: response.headers.get("etag") ?? undefined };
    }
    if (!response.ok) {
      await response.body?.cancel();
      const message = `HTTP ${response.status}`;
      if (response.status >= 500 || response.status === 408 || response.status === 429) {
        throw new Retryable(message);
      }
      throw new Error(message);
    }
    const text = await readBody(response, opts.maxBodyBytes);
    return { status: 200, text, etag: response.headers.get("etag") ?? undefined };
  };

  const readDiskIndex = async (): Promise<CachedIndex | undefined> => {
    if (cacheRoot === undefined) return undefined;
    try {
      const text = await readFile(join(cacheRoot, INDEX_FILE), "utf8");
      const etag = await readFile(join(cacheRoot, `${INDEX_FILE}.etag`), "utf8").catch(() => "");
      return { entries: parseIndex(text, INDEX_FILE), text, etag: etag === "" ? undefined : etag };
    } catch {
      return undefined; // no copy, or a damaged one: as if there were none
    }
  };

  return {
    location: base.href,
    options: opts,
    stats,
    async list(): Promise<SourceListing> {
      const prior = index ?? (await readDiskIndex());
      const url = new URL(INDEX_FILE, base);
      try {
        const next = await withRetries(url, async (signal) => {
          const got = await get(url, signal, prior?.etag);
          if (got.status === 304) {
            if (prior === undefined) throw new Retryable("304 without a cached copy");
            stats.notModified++;
            return { ...prior, etag: got.etag ?? prior.etag };
          }
          try {
            return { entries: parseIndex(got.text, url.href), text: got.text, etag: got.etag };
          } catch (error) {
            throw new Retryable(`corrupted index: ${describe(error)}`);
          }
        });
        index = next;
        if (cacheRoot !== undefined && next.text !== prior?.text) {
          await writeAtomic(join(cacheRoot, INDEX_FILE), next.text);
        }
        if (cacheRoot !== undefined && next.etag !== undefined && next.etag !== prior?.etag) {
          await writeAtomic(join(cacheRoot, `${INDEX_FILE}.etag`), next.etag);
        }
        return { entries: next.entries, stale: false };
      } catch (error) {
        const failure = asUnavailable(error);
        if (prior === undefined) throw failure;
        index = prior;
        stats.staleServed++;
        return { entries: prior.entries, stale: true, error: failure };
      }
    },
    async load(entry: SourceEntry): Promise<SchemaDescriptor> {
      const cached = descriptors.get(entry.path);
      if (cached !== undefined) return cached;
      const url = new URL(entry.path, base);
      const check = (text: string, where: string): SchemaDescriptor => {
        if (entry.sha256 !== undefined && sha256Hex(text) !== entry.sha256) {
          throw new Retryable("SHA-256 does not match the index");
        }
        let d: SchemaDescriptor;
        try {
          d = readDescriptor(text, where);
        } catch (error) {
          throw new Retryable(`corrupted descriptor: ${describe(error)}`);
        }
        if (d.type !== entry.type || d.subtype !== entry.subtype || d.version !== entry.version) {
          throw new Retryable(`declares ${d.type}/${d.subtype}@${d.version}`);
        }
        return { ...d, source: url.href };
      };
      const diskFile = cacheRoot === undefined ? undefined : join(cacheRoot, entry.path);
      if (diskFile !== undefined) {
        const text = await readFile(diskFile, "utf8").catch(() => undefined);
        if (text !== undefined) {
          try {
            const d = check(text, diskFile);
            descriptors.set(entry.path, d);
            return d;
          } catch {
            await unlink(diskFile).catch(() => undefined); // damaged: fetch again
          }
        }
      }
      const { d, text } = await withRetries(url, async (signal) => {
        const got = await get(url, signal);
        return { d: check(got.text, url.href), text: got.text };
      });
      descriptors.set(entry.path, d);
      if (diskFile !== undefined) await writeAtomic(diskFile, text);
      return d;
    },
  };
}

async function readBody(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel();
    throw new Retryable(`body of ${declared} bytes is over the limit of ${limit}`);
  }
  const reader = response.body?.getReader();
  if (reader === undefined) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new Retryable(`body is over the limit of ${limit} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new Retryable("body is not UTF-8");
  }
}

/** Network failures and timeouts are worth another attempt. */
function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === "TimeoutError" || error.name === "AbortError" || error instanceof TypeError;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "timed out";
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error && error instanceof TypeError
    ? `${error.message} (${cause.message})`
    : error.message;
}

function asUnavailable(error: unknown): EnvelopeError | RegistryError {
  if (isEnvelopeError(error) || isRegistryError(error)) return error;
  return new RegistryError("registry_unavailable", describe(error), {}, { cause: error });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function writeAtomic(file: string, text: string): Promise<void> {
  // The cache is an optimisation: a full disk or a read-only folder must not fail a load.
  try {
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch {
    // ignored on purpose, see above
  }
}
