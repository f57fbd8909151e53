/**
 * Buffered output with back-pressure: many small writes become one write of
 * about 64 KiB, and the command waits when the consumer is slower than the
 * decoder, so memory stays bounded however large the input. A closed pipe
 * (`envelope decode big.bin | head`) stops output quietly.
 */
import { once } from "node:events";

const FLUSH_AT = 64 * 1024;

export class Sink {
  private parts: (string | Uint8Array)[] = [];
  private size = 0;
  private binary = false;
  private closedPipe = false;
  private failure: Error | undefined;

  constructor(private readonly stream: NodeJS.WritableStream) {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") this.closedPipe = true;
      else this.failure = error;
    });
  }

  /** True when the reader went away (EPIPE): there is no point producing more. */
  get closed(): boolean {
    return this.closedPipe || this.failure !== undefined;
  }

  /** Queues text or bytes; returns a promise to await when a flush is due. */
  write(data: string | Uint8Array): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.parts.push(data);
    this.size += data.length;
    if (typeof data !== "string") this.binary = true;
    return this.size >= FLUSH_AT ? this.flush() : undefined;
  }

  /** Writes what is queued, waiting for the stream to drain when it asks to. */
  async flush(): Promise<void> {
    this.throwIfFailed();
    if (this.parts.length === 0 || this.closed) return;
    const chunk = this.binary
      ? Buffer.concat(this.parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p)))
      : this.parts.join("");
    this.parts = [];
    this.size = 0;
    this.binary = false;
    if (!this.stream.write(chunk) && !this.closed) {
      try {
        await once(this.stream, "drain");
      } catch {
        // The 'error' listener above recorded it.
      }
    }
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
