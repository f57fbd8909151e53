/**
 * The exporter: encodes on the caller's thread, queues within bounds, and
 * sends batches through a {@link Transport} in the background, with retries.
 *
 * Accounting: every envelope `export` accepts ends in exactly one of `sent`,
 * `dropped[reason]`, or is still held (`queued`), so at any moment
 * `accepted = sent + Σ dropped + queued`. Nothing accepted is lost silently.
 *
 * No `node:` imports here: the exporter runs in browsers, Deno and Bun too.
 *
 * @see docs/spec.md, section "HTTP transport" (delivery semantics)
 */
import { type Envelope, EnvelopeError } from "@envelope/core";
import { createEncoder, type EncodeOptions } from "@envelope/sdk";
import { createMetaReader, type MetaReader } from "./meta.js";
import { ExportError, type ExportItem, type ExportMeta, type Transport } from "./transport.js";

/** What `export` does when the queue is full. */
export type FullQueuePolicy = "drop-newest" | "drop-oldest" | "reject";

/** Why accepted envelopes were dropped. */
export type DropReason =
  /** The queue was full (`drop-newest`: the new envelope; `drop-oldest`: the oldest waiting one). */
  | "queue_full"
  /** The receiver refused the envelope for good (a damaged or invalid frame). */
  | "rejected"
  /** Retryable failures went on past the retry budget (`retry.maxElapsedMs`). */
  | "retries_exhausted"
  /** The transport failed with an error that is not retryable (e.g. HTTP 400, 401, 413). */
  | "non_retryable"
  /** `shutdown`'s deadline passed before they were delivered. */
  | "shutdown_deadline";

/** Every {@link DropReason}, in a stable order. */
export const DROP_REASONS: readonly DropReason[] = Object.freeze([
  "queue_full",
  "rejected",
  "retries_exhausted",
  "non_retryable",
  "shutdown_deadline",
]);

/** Retries of retryable failures: exponential backoff with full jitter, within a time budget. */
export interface RetryOptions {
  /** The first backoff's upper bound. Default 100 ms. */
  readonly initialBackoffMs: number;
  /** No backoff is longer than this (except one a receiver asks for). Default 5,000 ms. */
  readonly maxBackoffMs: number;
  /**
   * The retry budget: a batch is not attempted again when the attempt would
   * start later than this after its first attempt (it is dropped, counted as
   * `retries_exhausted`). Default 60,000 ms; `0` never retries.
   */
  readonly maxElapsedMs: number;
}

/** Options of {@link createExporter}: the encoder's options (always framed) and the queue's. */
export interface ExporterOptions extends Partial<Omit<EncodeOptions, "framed">> {
  /** Where batches go: `httpTransport(...)` or another {@link Transport}. */
  readonly transport: Transport;
  /** Most envelopes held (waiting and in flight). Default 2,048. */
  readonly maxQueueSize?: number;
  /** Most bytes held (waiting and in flight): the exporter's memory bound. Default 8 MiB. */
  readonly maxQueueBytes?: number;
  /** Most envelopes per batch; a batch this size is sent at once. Default 512. */
  readonly maxBatchSize?: number;
  /**
   * Most bytes per batch (a single larger envelope goes alone); a batch this
   * size is sent at once. Default 1 MiB, under the receiver's default body cap (8 MiB).
   */
  readonly maxBatchBytes?: number;
  /** A smaller batch is sent this long after its first envelope was queued. Default 1,000 ms. */
  readonly flushIntervalMs?: number;
  /** What `export` does when the queue is full. Default `"drop-newest"` (never blocks). */
  readonly whenFull?: FullQueuePolicy;
  /** Each attempt is aborted (and retried) after this long. Default 10,000 ms. */
  readonly attemptTimeoutMs?: number;
  /** Retry policy; partial options are merged over the defaults. */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Called for every change of the counters, for metrics and logs. Runs in the
   * exporter's background task; what it throws is ignored.
   */
  readonly onEvent?: (event: ExporterEvent) => void;
}

/** What {@link ExporterOptions.onEvent} receives. */
export type ExporterEvent =
  | { readonly type: "sent"; readonly count: number; readonly bytes: number }
  | {
      readonly type: "dropped";
      readonly reason: DropReason;
      readonly count: number;
      /** The failure behind the drop, when there was one. */
      readonly error?: unknown;
    }
  | {
      readonly type: "retry";
      readonly count: number;
      /** Attempts made so far for this batch. */
      readonly attempt: number;
      readonly delayMs: number;
      readonly error?: unknown;
    };

/** The exporter's counters: a snapshot, see {@link Exporter.stats}. */
export interface ExporterStats {
  /** Envelopes `export` took (it returned `true`, or dropped the envelope as `queue_full` under `drop-newest`). */
  readonly accepted: number;
  /** Envelopes the transport delivered. */
  readonly sent: number;
  /** Accepted envelopes dropped, by reason. */
  readonly dropped: Readonly<Record<DropReason, number>>;
  /** Envelopes held now (waiting and in flight). */
  readonly queued: number;
  /** Bytes held now (waiting and in flight): never more than `maxQueueBytes`. */
  readonly queuedBytes: number;
  /** Envelopes in the batch being sent now. */
  readonly inFlight: number;
  /** Envelopes sent again after a retryable failure (one per envelope per retry). */
  readonly retried: number;
  /** `export` calls that returned `false` without accepting (`reject` policy when full, or after `shutdown`). */
  readonly refused: number;
  /** Frame bytes delivered. */
  readonly bytesSent: number;
  /** Batches delivered (in whole or in part). */
  readonly batchesSent: number;
}

/** What {@link Exporter.shutdown} resolves with. */
export interface ShutdownResult {
  /** Envelopes dropped because the deadline passed (0 when everything accepted was settled in time). */
  readonly dropped: number;
  /** The counters once the exporter stopped. */
  readonly stats: ExporterStats;
}

/** An asynchronous, batching exporter. Create it with {@link createExporter}. */
export interface Exporter {
  /**
   * Encodes `envelope` now, on the caller's thread, and queues the bytes; never
   * waits for the network. Returns `true` when queued, `false` when not
   * (full queue under `drop-newest` or `reject`, or after `shutdown`).
   *
   * @throws EnvelopeError when the envelope is invalid (as `encode` does); it is not accepted.
   */
  export(envelope: Envelope): boolean;
  /**
   * Resolves when the queue has room for one more envelope (at once when it
   * has). With `whenFull: "reject"`: `while (!exporter.export(e)) await exporter.ready();`.
   * Also resolves once the exporter is shut down (`export` then returns `false`).
   */
  ready(): Promise<void>;
  /**
   * Sends everything accepted so far and resolves when each of those envelopes
   * is settled (sent or dropped and counted). Never rejects.
   */
  flush(): Promise<void>;
  /**
   * Stops accepting, sends everything held, closes the transport (all within
   * the deadline). Whatever is
   * not settled when `timeoutMs` (default 30,000) has passed is dropped
   * (`shutdown_deadline`) and the attempt in flight is aborted. Idempotent:
   * later calls return the first call's promise. Never rejects.
   *
   * @throws EnvelopeError `invalid_argument` when `timeoutMs` is not a number >= 0 (nothing is stopped).
   */
  shutdown(options?: { readonly timeoutMs?: number }): Promise<ShutdownResult>;
  /** The counters now. `accepted = sent + Σ dropped + queued` always holds. */
  stats(): ExporterStats;
}

/** One held envelope: the item the transport sees, plus its place in line. */
interface Held extends ExportItem {
  readonly bytes: Uint8Array;
  readonly meta: ExportMeta;
  readonly seq: number;
}

type Timer = ReturnType<typeof setTimeout>;

/** Timers never keep a Node.js process alive (no-op in browsers, whose timers are numbers). */
function unref(timer: Timer): Timer {
  (timer as { unref?: () => void }).unref?.();
  return timer;
}

/** `promise`'s value, or `undefined` when `ms` passes first. Never rejects if `promise` does not. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: Timer | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = unref(setTimeout(() => resolve(undefined), ms));
  });
  try {
    return await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const DEFAULT_RETRY: RetryOptions = Object.freeze({
  initialBackoffMs: 100,
  maxBackoffMs: 5_000,
  maxElapsedMs: 60_000,
});

/** An option that must be a number >= `min`, or its default when absent. */
function numberOption(name: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || Number.isNaN(value) || value < min) {
    throw new EnvelopeError("invalid_argument", `${name} must be a number >= ${min}, got ${value}`);
  }
  return value;
}

/**
 * Creates an exporter that sends envelopes through `transport` in batches.
 *
 * ```ts
 * const exporter = createExporter({ transport: httpTransport({ url }) });
 * exporter.export(envelope); // encodes now, sends later
 * await exporter.shutdown();
 * ```
 *
 * @throws EnvelopeError `invalid_argument` for unusable options.
 * @see docs/spec.md, section "HTTP transport"
 */
export function createExporter(options: ExporterOptions): Exporter {
  return new BatchExporter(options);
}

class BatchExporter implements Exporter {
  readonly #transport: Transport;
  readonly #encode: (envelope: Envelope) => Uint8Array;
  readonly #codec: EncodeOptions["codec"];
  readonly #meta: MetaReader = createMetaReader();
  readonly #maxQueueSize: number;
  readonly #maxQueueBytes: number;
  readonly #maxBatchSize: number;
  readonly #maxBatchBytes: number;
  readonly #flushIntervalMs: number;
  readonly #whenFull: FullQueuePolicy;
  readonly #attemptTimeoutMs: number;
  readonly #retry: RetryOptions;
  readonly #onEvent: ((event: ExporterEvent) => void) | undefined;

  /** Waiting envelopes, oldest first, from `#head` on (a queue without `shift`). */
  #waiting: Held[] = [];
  #head = 0;
  #waitingBytes = 0;
  /** The batch being sent, oldest first; always older than every waiting envelope. */
  #inFlight: Held[] = [];
  #inFlightBytes = 0;
  #seq = 0;

  #accepted = 0;
  #sent = 0;
  #retried = 0;
  #refused = 0;
  #bytesSent = 0;
  #batchesSent = 0;
  readonly #dropped: Record<DropReason, number> = {
    queue_full: 0,
    rejected: 0,
    retries_exhausted: 0,
    non_retryable: 0,
    shutdown_deadline: 0,
  };

  #pumping = false;
  #kickQueued = false;
  /** Set when a partial batch has waited `flushIntervalMs`: send it. */
  #due = false;
  #timer: Timer | undefined;
  /** flush() calls waiting for every envelope up to `seq` to settle. */
  #flushes: { seq: number; resolve: () => void }[] = [];
  #roomWaiters: (() => void)[] = [];
  #closed = false;
  /** The shutdown deadline passed: stop sending, drop what is held. */
  #abandoned = false;
  #attempt: AbortController | undefined;
  #wake: (() => void) | undefined;
  #shutdown: Promise<ShutdownResult> | undefined;

  constructor(options: ExporterOptions) {
    if (typeof options?.transport?.send !== "function") {
      throw new EnvelopeError("invalid_argument", "createExporter needs a transport with send()");
    }
    const {
      transport,
      maxQueueSize,
      maxQueueBytes,
      maxBatchSize,
      maxBatchBytes,
      flushIntervalMs,
      whenFull,
      attemptTimeoutMs,
      retry,
      onEvent,
      ...encodeOptions
    } = options;
    const encoder = createEncoder({ ...encodeOptions, framed: true });
    this.#transport = transport;
    this.#encode = encoder.encode;
    this.#codec = encoder.options.codec;
    this.#maxQueueSize = numberOption("maxQueueSize", maxQueueSize, 2048);
    this.#maxQueueBytes = numberOption("maxQueueBytes", maxQueueBytes, 8 << 20);
    this.#maxBatchSize = numberOption("maxBatchSize", maxBatchSize, 512);
    this.#maxBatchBytes = numberOption("maxBatchBytes", maxBatchBytes, 1 << 20);
    this.#flushIntervalMs = numberOption("flushIntervalMs", flushIntervalMs, 1000, 0);
    this.#attemptTimeoutMs = numberOption("attemptTimeoutMs", attemptTimeoutMs, 10_000);
    const policy = whenFull ?? "drop-newest";
    if (policy !== "drop-newest" && policy !== "drop-oldest" && policy !== "reject") {
      throw new EnvelopeError("invalid_argument", `unknown whenFull policy ${String(policy)}`);
    }
    this.#whenFull = policy;
    const r = { ...DEFAULT_RETRY, ...retry };
    this.#retry = Object.freeze({
      initialBackoffMs: numberOption("retry.initialBackoffMs", r.initialBackoffMs, 100, 0),
      maxBackoffMs: numberOption("retry.maxBackoffMs", r.maxBackoffMs, 5000, 0),
      maxElapsedMs: numberOption("retry.maxElapsedMs", r.maxElapsedMs, 60_000, 0),
    });
    this.#onEvent = onEvent;
  }

  export(envelope: Envelope): boolean {
    if (this.#closed) {
      this.#refused++;
      return false;
    }
    const bytes = this.#encode(envelope);
    const size = bytes.byteLength;
    if (!this.#hasRoom(size)) {
      if (this.#whenFull === "reject") {
        this.#refused++;
        this.#kick(true);
        return false;
      }
      if (this.#whenFull === "drop-newest" || !this.#dropOldestFor(size)) {
        this.#accepted++;
        this.#drop("queue_full", 1);
        this.#kick(true);
        return false;
      }
    }
    const held: Held = { bytes, meta: this.#meta(envelope, bytes, this.#codec), seq: ++this.#seq };
    this.#accepted++;
    this.#waiting.push(held);
    this.#waitingBytes += size;
    const waiting = this.#waiting.length - this.#head;
    if (waiting >= this.#maxBatchSize || this.#waitingBytes >= this.#maxBatchBytes) {
      this.#kick(false);
    } else if (this.#timer === undefined && !this.#pumping) {
      this.#armTimer();
    }
    return true;
  }

  ready(): Promise<void> {
    if (this.#closed || this.#hasRoom(1)) return Promise.resolve();
    this.#kick(true);
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  flush(): Promise<void> {
    if (this.#heldCount() === 0) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#flushes.push({ seq: this.#seq, resolve }));
    this.#kick(false);
    return done;
  }

  shutdown(options?: { readonly timeoutMs?: number }): Promise<ShutdownResult> {
    if (this.#shutdown !== undefined) return this.#shutdown;
    // Checked before anything changes: a bad argument leaves the exporter running.
    const timeoutMs = numberOption("timeoutMs", options?.timeoutMs, 30_000, 0);
    this.#closed = true;
    this.#clearTimer();
    this.#notifyRoom(true);
    this.#shutdown = this.#stop(timeoutMs);
    return this.#shutdown;
  }

  stats(): ExporterStats {
    return {
      accepted: this.#accepted,
      sent: this.#sent,
      dropped: { ...this.#dropped },
      queued: this.#heldCount(),
      queuedBytes: this.#waitingBytes + this.#inFlightBytes,
      inFlight: this.#inFlight.length,
      retried: this.#retried,
      refused: this.#refused,
      bytesSent: this.#bytesSent,
      batchesSent: this.#batchesSent,
    };
  }

  async #stop(timeoutMs: number): Promise<ShutdownResult> {
    const before = this.#dropped.shutdown_deadline;
    const deadlineAt = Date.now() + timeoutMs;
    const outcome = await within(
      this.flush().then(() => "flushed" as const),
      timeoutMs,
    );
    if (outcome === undefined) this.#abandon();
    if (this.#transport.close !== undefined) {
      // Closing is best effort and bounded by the same deadline: everything
      // held is already settled and counted.
      const closing = Promise.resolve()
        .then(() => this.#transport.close?.())
        .catch(() => {});
      await within(closing, Math.max(0, deadlineAt - Date.now()));
    }
    return { dropped: this.#dropped.shutdown_deadline - before, stats: this.stats() };
  }

  /** The deadline passed: everything held is dropped now; the pump stops without counting again. */
  #abandon(): void {
    this.#abandoned = true;
    const held = this.#heldCount();
    this.#waiting = [];
    this.#head = 0;
    this.#waitingBytes = 0;
    this.#inFlight = [];
    this.#inFlightBytes = 0;
    if (held > 0) this.#drop("shutdown_deadline", held);
    this.#attempt?.abort(new ExportError("exporter shut down", { retryable: false }));
    this.#wake?.();
    this.#settleFlushes();
  }

  #heldCount(): number {
    return this.#waiting.length - this.#head + this.#inFlight.length;
  }

  #hasRoom(size: number): boolean {
    return (
      this.#heldCount() < this.#maxQueueSize &&
      this.#waitingBytes + this.#inFlightBytes + size <= this.#maxQueueBytes
    );
  }

  /** drop-oldest: drops waiting envelopes, oldest first, until `size` fits. False when it cannot fit. */
  #dropOldestFor(size: number): boolean {
    let dropped = 0;
    while (!this.#hasRoom(size) && this.#head < this.#waiting.length) {
      const oldest = this.#waiting[this.#head]!;
      this.#waiting[this.#head++] = undefined as unknown as Held;
      this.#waitingBytes -= oldest.bytes.byteLength;
      dropped++;
    }
    if (dropped > 0) {
      this.#compact();
      this.#drop("queue_full", dropped);
      this.#settleFlushes();
    }
    return this.#hasRoom(size);
  }

  #compact(): void {
    if (this.#head === this.#waiting.length) {
      this.#waiting = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#head);
      this.#head = 0;
    }
  }

  #armTimer(): void {
    this.#timer = unref(
      setTimeout(() => {
        this.#timer = undefined;
        this.#kick(true);
      }, this.#flushIntervalMs),
    );
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Starts the background sender after the caller's synchronous code (never on its hot path). */
  #kick(due: boolean): void {
    if (due) this.#due = true;
    if (this.#pumping || this.#kickQueued) return;
    this.#kickQueued = true;
    queueMicrotask(() => {
      this.#kickQueued = false;
      if (!this.#pumping) void this.#pump();
    });
  }

  /** Sends batches while there is reason to: a full batch, the interval, a flush, a shutdown. */
  async #pump(): Promise<void> {
    this.#pumping = true;
    this.#clearTimer();
    try {
      while (!this.#abandoned && this.#waiting.length > this.#head) {
        const waiting = this.#waiting.length - this.#head;
        const full = waiting >= this.#maxBatchSize || this.#waitingBytes >= this.#maxBatchBytes;
        if (!full && !this.#due && this.#flushes.length === 0 && !this.#closed) break;
        await this.#sendBatch(this.#takeBatch());
      }
    } finally {
      this.#pumping = false;
      this.#due = false;
      if (!this.#abandoned && !this.#closed && this.#waiting.length > this.#head) this.#armTimer();
    }
  }

  #takeBatch(): Held[] {
    const end = Math.min(this.#waiting.length, this.#head + this.#maxBatchSize);
    let bytes = 0;
    let i = this.#head;
    while (i < end) {
      const size = this.#waiting[i]!.bytes.byteLength;
      if (i > this.#head && bytes + size > this.#maxBatchBytes) break;
      bytes += size;
      i++;
    }
    const batch = this.#waiting.slice(this.#head, i);
    for (let k = this.#head; k < i; k++) this.#waiting[k] = undefined as unknown as Held;
    this.#head = i;
    this.#compact();
    this.#waitingBytes -= bytes;
    this.#inFlight = batch;
    this.#inFlightBytes = bytes;
    return batch;
  }

  /** Sends one batch until each envelope is delivered or dropped (counted). */
  async #sendBatch(batch: Held[]): Promise<void> {
    const started = Date.now();
    let items = batch;
    for (let attempt = 1; ; attempt++) {
      const controller = new AbortController();
      this.#attempt = controller;
      const timer = unref(
        setTimeout(
          () =>
            controller.abort(
              new ExportError(`attempt took longer than ${this.#attemptTimeoutMs} ms`, {
                retryable: true,
              }),
            ),
          this.#attemptTimeoutMs,
        ),
      );
      let retry: Held[];
      let error: unknown;
      let retryAfterMs: number | undefined;
      try {
        const result = await this.#transport.send(items, controller.signal);
        if (this.#abandoned) return;
        retry = this.#settle(items, result?.retry, result?.rejected);
      } catch (caught) {
        if (this.#abandoned) return;
        error = caught;
        const retryable =
          (controller.signal.aborted && !this.#abandoned) ||
          (caught instanceof ExportError && caught.retryable);
        if (!retryable) {
          this.#finish(items, "non_retryable", caught);
          return;
        }
        retry = items;
        if (caught instanceof ExportError) retryAfterMs = caught.retryAfterMs;
      } finally {
        clearTimeout(timer);
        this.#attempt = undefined;
      }
      if (retry.length === 0) {
        this.#endBatch();
        return;
      }
      items = retry;
      const cap = Math.min(
        this.#retry.maxBackoffMs,
        this.#retry.initialBackoffMs * 2 ** Math.min(attempt - 1, 30),
      );
      const delayMs = Math.max(Math.random() * cap, retryAfterMs ?? 0);
      if (Date.now() + delayMs - started > this.#retry.maxElapsedMs) {
        this.#finish(items, "retries_exhausted", error);
        return;
      }
      this.#retried += items.length;
      this.#emit({ type: "retry", count: items.length, attempt, delayMs, error });
      await this.#sleep(delayMs);
      if (this.#abandoned) return;
    }
  }

  /** Counts a transport's result; returns the envelopes to send again. */
  #settle(
    items: Held[],
    retryIndices: readonly number[] | undefined,
    rejectedIndices: readonly number[] | undefined,
  ): Held[] {
    const fate = new Uint8Array(items.length); // 0 delivered, 1 retry, 2 rejected
    if (retryIndices !== undefined) for (const i of retryIndices) if (fate[i] === 0) fate[i] = 1;
    if (rejectedIndices !== undefined) for (const i of rejectedIndices) if (i in fate) fate[i] = 2;
    const retry: Held[] = [];
    let sent = 0;
    let sentBytes = 0;
    let rejected = 0;
    let retryBytes = 0;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      if (fate[i] === 0) {
        sent++;
        sentBytes += item.bytes.byteLength;
      } else if (fate[i] === 1) {
        retry.push(item);
        retryBytes += item.bytes.byteLength;
      } else {
        rejected++;
      }
    }
    this.#inFlight = retry;
    this.#inFlightBytes = retryBytes;
    if (sent > 0) {
      this.#sent += sent;
      this.#bytesSent += sentBytes;
      this.#batchesSent++;
      this.#emit({ type: "sent", count: sent, bytes: sentBytes });
    }
    if (rejected > 0) this.#drop("rejected", rejected);
    this.#settleFlushes();
    this.#notifyRoom(false);
    return retry;
  }

  /** Drops the whole batch in flight. */
  #finish(items: Held[], reason: DropReason, error: unknown): void {
    this.#endBatch();
    this.#drop(reason, items.length, error);
  }

  #endBatch(): void {
    this.#inFlight = [];
    this.#inFlightBytes = 0;
    this.#settleFlushes();
    this.#notifyRoom(false);
  }

  #drop(reason: DropReason, count: number, error?: unknown): void {
    this.#dropped[reason] += count;
    this.#emit(
      error === undefined
        ? { type: "dropped", reason, count }
        : { type: "dropped", reason, count, error },
    );
  }

  #emit(event: ExporterEvent): void {
    if (this.#onEvent === undefined) return;
    try {
      this.#onEvent(event);
    } catch {
      // A metrics hook must not break delivery.
    }
  }

  /** Resolves the flushes whose envelopes are all settled. */
  #settleFlushes(): void {
    if (this.#flushes.length === 0) return;
    const oldest =
      this.#inFlight[0]?.seq ?? this.#waiting[this.#head]?.seq ?? Number.POSITIVE_INFINITY;
    const pending: { seq: number; resolve: () => void }[] = [];
    for (const flush of this.#flushes) {
      if (flush.seq < oldest) flush.resolve();
      else pending.push(flush);
    }
    this.#flushes = pending;
  }

  #notifyRoom(always: boolean): void {
    if (this.#roomWaiters.length === 0 || (!always && !this.#hasRoom(1))) return;
    const waiters = this.#roomWaiters;
    this.#roomWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Waits `ms`, or less when the shutdown deadline passes. */
  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = unref(
        setTimeout(() => {
          this.#wake = undefined;
          resolve();
        }, ms),
      );
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }
}
