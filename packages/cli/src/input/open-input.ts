/**
 * Opens the input (a file, or stdin for `-` or no argument) and reads its
 * head for detection, without reading the rest: a framed capture, NDJSON or
 * length-delimited protobuf is then streamed chunk by chunk.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { CliError, ExitCode, usageError } from "../exit-codes.js";
import type { Io } from "../output/terminal.js";

/** Bytes read before detection; a record or line longer than this is still read whole later. */
export const HEAD_SIZE = 1024 * 1024;
const CHUNK_SIZE = 256 * 1024;

/** An opened input. */
export interface Input {
  /** The file path as given, or `stdin`. */
  readonly name: string;
  /** Size in bytes when known (a regular file). */
  readonly size: number | undefined;
  /** The first bytes (up to {@link HEAD_SIZE}), for detection. */
  readonly head: Uint8Array;
  /** `head` is the whole input. */
  readonly complete: boolean;
  /** Every chunk from the start, once; `onBytes` is told how much was read. */
  chunks(onBytes?: (n: number) => void): AsyncGenerator<Uint8Array, void, undefined>;
  /** The whole input; exit 4 when it is over `limit` bytes. */
  readAll(limit: number, onBytes?: (n: number) => void): Promise<Uint8Array>;
  /** Stops reading (closes the file or stdin). */
  close(): Promise<void>;
}

/** A file-system error in a few words: "no such file", "permission denied", ... */
export function describeFsError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "no such file";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EISDIR":
      return "is a directory";
    default:
      return e.message ?? String(error);
  }
}

/** Opens `file` (`-` or undefined: stdin) and reads its head. */
export async function openInput(file: string | undefined, io: Io, command: string): Promise<Input> {
  let name: string;
  let size: number | undefined;
  let source: AsyncIterable<Uint8Array>;
  if (file === undefined || file === "-") {
    if (file === undefined && io.stdin.isTTY === true) {
      throw usageError("no input: give a FILE, or pipe the bytes to stdin", command);
    }
    name = "stdin";
    source = io.stdin as AsyncIterable<Uint8Array>;
  } else {
    name = file;
    const path = resolve(io.cwd, file);
    try {
      const info = await stat(path);
      if (info.isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
      if (info.isFile()) size = info.size;
    } catch (error) {
      throw new CliError(ExitCode.unreadable, `cannot read ${file}: ${describeFsError(error)}`);
    }
    source = createReadStream(path, { highWaterMark: CHUNK_SIZE });
  }

  const iterator = source[Symbol.asyncIterator]();
  const pull = async (): Promise<Uint8Array | undefined> => {
    try {
      const next = await iterator.next();
      if (next.done) return undefined;
      const chunk = next.value as unknown;
      if (typeof chunk === "string") return Buffer.from(chunk, "latin1");
      return chunk as Uint8Array;
    } catch (error) {
      throw new CliError(ExitCode.unreadable, `cannot read ${name}: ${describeFsError(error)}`, {
        cause: error,
      });
    }
  };

  const buffered: Uint8Array[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < HEAD_SIZE) {
    const chunk = await pull();
    if (chunk === undefined) {
      ended = true;
      break;
    }
    buffered.push(chunk);
    headLength += chunk.length;
  }
  const head = Buffer.concat(buffered);
  let consumed = false;

  async function* chunks(
    onBytes?: (n: number) => void,
  ): AsyncGenerator<Uint8Array, void, undefined> {
    if (consumed) throw new Error("the input can be read only once");
    consumed = true;
    for (const chunk of buffered) {
      onBytes?.(chunk.length);
      yield chunk;
    }
    buffered.length = 0;
    if (ended) return;
    for (;;) {
      const chunk = await pull();
      if (chunk === undefined) return;
      onBytes?.(chunk.length);
      yield chunk;
    }
  }

  return {
    name,
    size,
    head: new Uint8Array(head.buffer, head.byteOffset, head.byteLength),
    complete: ended,
    chunks,
    async readAll(limit, onBytes) {
      if (size !== undefined && size > limit) throw tooLarge(name, limit);
      const parts: Uint8Array[] = [];
      let total = 0;
      for await (const chunk of chunks(onBytes)) {
        total += chunk.length;
        if (total > limit) throw tooLarge(name, limit);
        parts.push(chunk);
      }
      const all = Buffer.concat(parts);
      return new Uint8Array(all.buffer, all.byteOffset, all.byteLength);
    },
    async close() {
      if (!ended) await iterator.return?.();
    },
  };
}

function tooLarge(name: string, limit: number): CliError {
  return new CliError(
    ExitCode.unreadable,
    `${name} is over ${limit} bytes: only a stream of frames, NDJSON or length-delimited protobuf is read in pieces`,
  );
}
