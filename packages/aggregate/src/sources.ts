/**
 * Where envelopes come from: files, stdin, web streams, async iterables of
 * byte chunks, or buffers, each read as a stream of frames by the SDK's
 * `decodeStream` (bounded memory; a bad frame is reported and skipped).
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { decodeStream, type StreamItem, type StreamSource } from "@envelope/sdk";

/** A source of framed envelopes: anything `decodeStream` reads (a Node readable such as `process.stdin`, a `ReadableStream`, an async iterable of chunks, a `Uint8Array`). */
export type EnvelopeSource = StreamSource | Readable;

/** A file as a source, read in chunks (`-` is stdin). */
export function fileSource(path: string): EnvelopeSource {
  return path === "-" ? process.stdin : createReadStream(path);
}

/** What {@link readSources} yields: a decoded frame, or a bad run with its byte length. */
export type SourceItem = StreamItem & { readonly length: number };

/**
 * Decodes every frame of every source, in order. `onBytes` is told the size
 * of every chunk read (for progress).
 */
export async function* readSources(
  sources: EnvelopeSource | readonly EnvelopeSource[],
  onBytes?: (n: number) => void,
): AsyncGenerator<SourceItem, void, undefined> {
  const list: readonly EnvelopeSource[] = isSourceList(sources) ? sources : [sources];
  for (const source of list) {
    const counted = onBytes === undefined ? (source as StreamSource) : counting(source, onBytes);
    for await (const item of decodeStream(counted)) {
      yield item.error === undefined ? { ...item, length: item.frame.frameLength } : item;
    }
  }
}

function isSourceList(
  s: EnvelopeSource | readonly EnvelopeSource[],
): s is readonly EnvelopeSource[] {
  return Array.isArray(s);
}

async function* counting(
  source: EnvelopeSource,
  onBytes: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array) {
    onBytes(source.length);
    yield source;
    return;
  }
  const iterable: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> =
    typeof (source as ReadableStream).getReader === "function" &&
    !(Symbol.asyncIterator in (source as object))
      ? readerIterable(source as ReadableStream<Uint8Array>)
      : (source as AsyncIterable<Uint8Array>);
  for await (const chunk of iterable) {
    if (typeof chunk === "string")
      throw new TypeError("a byte source must not have an encoding set");
    onBytes(chunk.length);
    yield chunk;
  }
}

async function* readerIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
