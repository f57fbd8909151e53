/**
 * decodeStream / decodeFrames / peekStream: every intact frame of a capture
 * is yielded, every bad run is reported once with its offset, length and
 * code, whatever the chunking (docs/spec.md, "Streams and resynchronisation").
 */
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import {
  createEnvelope,
  decode,
  decodeFrames,
  decodeStream,
  type Envelope,
  encode,
  isEnvelopeError,
  peek,
  peekFrames,
  peekStream,
  type StreamItem,
  type StreamPeekItem,
  toJson,
} from "@envelope/sdk";
import { describe, expect, test } from "vitest";

const FIXTURES = new URL("../../../test/fixtures/", import.meta.url);

interface Manifest {
  fixtures: { file: string; case: string }[];
  broken: { name: string; file: string; expectedError: string }[];
}

function manifest(language: string): Manifest {
  return JSON.parse(readFileSync(new URL(`${language}/manifest.json`, FIXTURES), "utf8"));
}

function fixture(language: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(`${language}/${file}`, FIXTURES)));
}

/** Every Go and Rust fixture that decodes on its own, in manifest order. */
const GOOD: readonly { name: string; bytes: Uint8Array }[] = ["go", "rust"].flatMap((language) =>
  manifest(language)
    .fixtures.map((f) => ({ name: `${language}/${f.file}`, bytes: fixture(language, f.file) }))
    .filter(({ bytes }) => {
      try {
        decode(bytes);
        return true;
      } catch {
        return false;
      }
    }),
);

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function offsetsOf(parts: readonly Uint8Array[]): number[] {
  const offsets: number[] = [];
  let at = 0;
  for (const p of parts) {
    offsets.push(at);
    at += p.length;
  }
  return offsets;
}

/** A compact, comparable view of what a reader yielded. */
function summary(items: Iterable<StreamItem>): (string | [number, number, string])[] {
  return [...items].map((item) =>
    item.error === undefined ? `${item.offset}` : [item.offset, item.length, item.error.code],
  );
}

function* chunked(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function small(n: number): Uint8Array {
  return encode(
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: `svc-${n}` },
      attributes: { n: BigInt(n), text: "x".repeat(n % 50) },
    }),
  );
}

/** A seeded generator (mulberry32), so the random captures are the same on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("a capture of every Go and Rust fixture", () => {
  const capture = concat(GOOD.map((f) => f.bytes));
  const offsets = offsetsOf(GOOD.map((f) => f.bytes));

  test("has enough fixtures to mean something", () => {
    expect(GOOD.length).toBeGreaterThan(1000);
  });

  test("decodeFrames yields each envelope at its offset, equal to decoding the frame alone", () => {
    const items = [...decodeFrames(capture)];
    expect(items.map((i) => i.offset)).toEqual(offsets);
    items.forEach((item, i) => {
      expect(item.error).toBeUndefined();
      expect(item.frame?.offset).toBe(offsets[i]);
      expect(item.frame?.frameLength).toBe(GOOD[i]!.bytes.length);
      expect(toJson(item.envelope!)).toEqual(toJson(decode(GOOD[i]!.bytes)));
    });
  });

  test.each([
    23, 24, 25, 4096, 65536,
  ])("decodeStream gives the same items with %i-byte chunks", async (size) => {
    const sync = summary(decodeFrames(capture));
    expect(summary(await collect(decodeStream(chunked(capture, size))))).toEqual(sync);
  });

  test("decodeStream gives the same items with 1-byte chunks (first 200 frames)", async () => {
    const part = capture.subarray(0, offsets[200]);
    const sync = summary(decodeFrames(part));
    expect(sync).toHaveLength(200);
    expect(summary(await collect(decodeStream(chunked(part, 1))))).toEqual(sync);
  });

  test("peekFrames reads every header without touching the bodies", () => {
    const items = [...peekFrames(capture)];
    expect(items.map((i) => i.offset)).toEqual(offsets);
    items.forEach((item, i) => {
      expect(item.header).toEqual(decode(GOOD[i]!.bytes).header);
      expect(item.frame?.headerOffset).toBe(offsets[i]! + 24);
    });
  });
});

describe("sources", () => {
  const capture = concat([small(1), small(2), small(3)]);
  const expected = ["0", `${small(1).length}`, `${small(1).length + small(2).length}`];

  test.each<[string, () => Parameters<typeof decodeStream>[0]]>([
    ["a Uint8Array", () => capture],
    ["a Node.js Buffer", () => Buffer.from(capture)],
    ["a Node.js Readable", () => Readable.from(chunked(Buffer.from(capture), 10))],
    [
      "a web ReadableStream",
      () =>
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const c of chunked(capture, 17)) controller.enqueue(c);
            controller.close();
          },
        }),
    ],
    ["an iterable of chunks", () => [capture.subarray(0, 5), capture.subarray(5)]],
    [
      "an async iterable of chunks",
      () =>
        (async function* () {
          yield* chunked(capture, 3);
        })(),
    ],
  ])("reads %s", async (_, source) => {
    expect(summary(await collect(decodeStream(source())))).toEqual(expected);
  });

  test("a string chunk (a stream with an encoding set) is invalid_argument", async () => {
    const error = await collect(decodeStream(Readable.from(["text"]))).catch((e: unknown) => e);
    expect(isEnvelopeError(error, "invalid_argument")).toBe(true);
  });

  test("an empty source yields nothing", async () => {
    expect(await collect(decodeStream([]))).toEqual([]);
    expect([...decodeFrames(new Uint8Array(0))]).toEqual([]);
  });

  test("breaking out of the loop cancels a web stream", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.enqueue(small(1));
      },
      cancel() {
        cancelled = true;
      },
    });
    for await (const item of decodeStream(stream)) {
      expect(item.error).toBeUndefined();
      break;
    }
    expect(cancelled).toBe(true);
  });
});

describe("a broken fixture between two intact frames", () => {
  const before = small(7);
  const after = small(8);
  const broken = ["go", "rust", "ts"].flatMap((language) =>
    manifest(language).broken.map((b) => ({ language, ...b })),
  );

  test.each(
    broken.filter((b) => b.expectedError !== "truncated" && b.expectedError !== "trailing_bytes"),
  )("$language/$name: reported as $expectedError, both neighbours kept", (b) => {
    const bad = fixture(b.language, b.file);
    const capture = concat([before, bad, after]);
    const items = [...decodeFrames(capture)];
    expect(summary(items)).toEqual([
      "0",
      [before.length, bad.length, b.expectedError],
      `${before.length + bad.length}`,
    ]);
    const error = items[1]!.error!;
    if (error.offset !== undefined) {
      expect(error.offset).toBeGreaterThanOrEqual(before.length);
      expect(error.message).toContain(`at byte ${error.offset}`);
    }
  });

  test.each(
    broken.filter((b) => b.expectedError === "truncated"),
  )("$language/$name: a frame cut short in the middle costs that frame only", (b) => {
    const bad = fixture(b.language, b.file);
    const items = summary(decodeFrames(concat([before, bad, after])));
    expect(items[0]).toBe("0");
    expect(items[1]).toEqual([before.length, bad.length, expect.any(String)]);
    expect(items[2]).toBe(`${before.length + bad.length}`);
    expect(items).toHaveLength(3);
  });

  test.each(
    broken.filter((b) => b.expectedError === "truncated"),
  )("$language/$name: at the end of the stream it is reported as truncated", async (b) => {
    const bad = fixture(b.language, b.file);
    const capture = concat([before, bad]);
    const expected = ["0", [before.length, bad.length, "truncated"]];
    expect(summary(decodeFrames(capture))).toEqual(expected);
    expect(summary(await collect(decodeStream(chunked(capture, 5))))).toEqual(expected);
  });

  test.each(
    broken.filter((b) => b.expectedError === "trailing_bytes"),
  )("$language/$name: in a stream the frame is good and the extra byte is skipped (bad_magic)", (b) => {
    const bad = fixture(b.language, b.file);
    const capture = concat([before, bad, after]);
    const items = summary(decodeFrames(capture));
    expect(items).toEqual([
      "0",
      `${before.length}`,
      [before.length + bad.length - 1, 1, "bad_magic"],
      `${before.length + bad.length}`,
    ]);
  });
});

describe("resynchronisation rules", () => {
  const a = small(1);
  const b = small(2);
  const c = small(3);

  test("leading garbage is one bad_magic run up to the first frame", () => {
    const junk = new TextEncoder().encode("kafka-key:\x89ENV garbage");
    expect(summary(decodeFrames(concat([junk, a, b])))).toEqual([
      [0, junk.length, "bad_magic"],
      `${junk.length}`,
      `${junk.length + a.length}`,
    ]);
  });

  test("trailing garbage shorter than a prefix is reported, not dropped", () => {
    expect(summary(decodeFrames(concat([a, Uint8Array.of(0x89, 0x45)])))).toEqual([
      "0",
      [a.length, 2, "truncated"],
    ]);
    expect(summary(decodeFrames(concat([a, Uint8Array.of(1, 2, 3, 4, 5)])))).toEqual([
      "0",
      [a.length, 5, "bad_magic"],
    ]);
  });

  test("a magic with a bad prefix checksum is not taken for a frame", () => {
    const fake = a.slice(0, 30);
    fake[20]! ^= 1;
    expect(summary(decodeFrames(concat([a, fake, b])))).toEqual([
      "0",
      [a.length, 30, "checksum_mismatch"],
      `${a.length + 30}`,
    ]);
  });

  test("a good prefix with an unknown codec costs that frame only", () => {
    const future = writeRawFrame(9, new Uint8Array(5), new Uint8Array(7));
    expect(summary(decodeFrames(concat([a, future, b])))).toEqual([
      "0",
      [a.length, future.length, "unsupported_codec"],
      `${a.length + future.length}`,
    ]);
  });

  test("a declared length that does not land on a frame makes the reader scan instead", () => {
    // b loses 10 bytes in its body: its declared length now runs into c.
    const cut = concat([b.subarray(0, 40), b.subarray(50)]);
    const items = summary(decodeFrames(concat([a, cut, c, a])));
    expect(items).toEqual([
      "0",
      [a.length, cut.length, expect.any(String)],
      `${a.length + cut.length}`,
      `${a.length + cut.length + c.length}`,
    ]);
  });

  test("a frame cut short whose overrun still decodes is reported as truncated, not yielded", () => {
    const last = encode(
      createEnvelope({
        schema: { type: "t", subtype: "s", version: "1.0.0" },
        resource: { serviceName: "x" },
        attributes: { d: 1.5 }, // the body ends with the 8 bytes of a double
      }),
    );
    const cut = last.subarray(0, last.length - 3);
    // Read alone, the cut frame plus 3 bytes of the next one is a valid frame...
    expect(() => decode(concat([cut, b]).subarray(0, last.length))).not.toThrow();
    // ...but another frame starts inside it, so it is not taken.
    expect(summary(decodeFrames(concat([a, cut, b])))).toEqual([
      "0",
      [a.length, cut.length, "truncated"],
      `${a.length + cut.length}`,
    ]);
  });

  test("a frame over maxFrameSize is not buffered: its bytes are a bad run, scanned up to the next frame", async () => {
    const big = encode(
      createEnvelope({
        schema: { type: "t", subtype: "s", version: "1.0.0" },
        resource: { serviceName: "big" },
        attributes: { blob: new Uint8Array(100_000) },
      }),
    );
    const capture = concat([a, big, b]);
    const limits = { maxFrameSize: 10_000 };
    const expected = ["0", [a.length, big.length, "too_large"], `${a.length + big.length}`];
    expect(summary(decodeFrames(capture, { limits }))).toEqual(expected);
    expect(summary(await collect(decodeStream(chunked(capture, 1000), { limits })))).toEqual(
      expected,
    );
  });

  test("error offsets are absolute in the stream", () => {
    const badId = fixture("go", "broken__bad-trace-id-length.bin");
    const [, item] = [...decodeFrames(concat([a, badId]))];
    expect(item?.error?.code).toBe("invalid_id");
    expect(item?.error?.offset ?? a.length).toBeGreaterThanOrEqual(a.length);
  });

  test("validate: false yields an envelope that fails validation", () => {
    const badId = fixture("go", "broken__bad-trace-id-length.bin");
    const items = [...decodeFrames(badId, { validate: false })];
    expect(items).toHaveLength(1);
    expect(items[0]?.envelope?.header.trace?.traceId).toHaveLength(15);
  });

  test("peekStream does not see a corrupted body", async () => {
    const lz4 = fixture("go", "broken__corrupted-lz4-block.bin");
    const items = await collect(peekStream(chunked(concat([a, lz4]), 100)));
    expect(items.map((i) => i.error)).toEqual([undefined, undefined]);
    expect([...decodeFrames(concat([a, lz4]))][1]?.error?.code).toBe("invalid_lz4");
  });
});

/** A frame with any codec id (the SDK writes only known ones). */
function writeRawFrame(codecId: number, header: Uint8Array, body: Uint8Array): Uint8Array {
  const frame = encode(
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
    }),
  ).slice(0, 24);
  const view = new DataView(frame.buffer);
  frame[5] = codecId;
  view.setUint32(8, header.length, true);
  view.setUint32(12, body.length, true);
  view.setUint32(16, body.length, true);
  view.setUint32(20, crc32c(frame.subarray(0, 20)), true);
  return concat([frame, header, body]);
}

function crc32c(bytes: Uint8Array): number {
  let c = ~0;
  for (const byte of bytes) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return ~c >>> 0;
}

/** Joins adjacent [offset, length] ranges. */
function merge(ranges: readonly [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const [offset, length] of ranges) {
    const last = out.at(-1);
    if (last !== undefined && last[0] + last[1] === offset) last[1] += length;
    else out.push([offset, length]);
  }
  return out;
}

describe("random corruption (seeded)", () => {
  type Kind = "prefix" | "cut" | "garbage" | "body";
  const KINDS: readonly Kind[] = ["prefix", "cut", "garbage", "body"];

  /**
   * Builds a capture of `count` fixture frames and corrupts about one in
   * five, never two in a row: a flipped prefix byte, bytes cut out of the middle, garbage
   * inserted before the frame, or a flipped body byte in a frame written
   * with a content checksum. Returns the capture, the offsets of the intact
   * frames with their expected envelopes, and the bad regions.
   */
  function corruptCapture(seed: number, count: number) {
    const next = random(seed);
    const pick = (n: number) => Math.floor(next() * n);
    const parts: Uint8Array[] = [];
    const intact: { offset: number; envelope: Envelope }[] = [];
    const bad: [number, number][] = [];
    let at = 0;
    let previous: Kind | undefined;
    for (let i = 0; i < count; i++) {
      const source = GOOD[pick(GOOD.length)]!;
      const envelope = decode(source.bytes);
      let frame = source.bytes;
      // Never two corruptions in a row: a frame cut short and followed by garbage
      // can decode by chance when it has no content checksum (see the spec).
      const kind = previous === undefined && next() < 0.25 ? KINDS[pick(KINDS.length)]! : undefined;
      previous = kind;
      if (kind === "garbage") {
        const junk = Uint8Array.from({ length: 1 + pick(200) }, () => pick(256));
        junk[0] = 0x89; // a magic-like start, to make the scan work
        parts.push(junk);
        bad.push([at, junk.length]);
        at += junk.length;
      } else if (kind === "prefix") {
        frame = frame.slice();
        frame[pick(24)]! ^= 1 << pick(8);
      } else if (kind === "cut") {
        const from = 24 + pick(frame.length - 24);
        const to = Math.min(frame.length, from + 1 + pick(64));
        frame = concat([frame.subarray(0, from), frame.subarray(to)]);
      } else if (kind === "body") {
        frame = encode(envelope, { checksum: true, validate: false }).slice();
        const end = frame.length - 4;
        const bodyAt = end - new DataView(frame.buffer).getUint32(12, true);
        if (end > bodyAt) frame[bodyAt + pick(end - bodyAt)]! ^= 0x40;
        else frame[end]! ^= 1;
      }
      if (kind === undefined || kind === "garbage") intact.push({ offset: at, envelope });
      else bad.push([at, frame.length]);
      parts.push(frame);
      at += frame.length;
    }
    return { capture: concat(parts), intact, bad };
  }

  test.each([
    1, 2, 3, 42, 2024,
  ])("seed %i: every intact frame is recovered, nothing else", (seed) => {
    const { capture, intact, bad } = corruptCapture(seed, 300);
    expect(bad.length).toBeGreaterThan(20);
    const items = [...decodeFrames(capture)];
    const good = items.filter((i) => i.error === undefined);
    expect(good.map((i) => i.offset)).toEqual(intact.map((i) => i.offset));
    good.forEach((item, i) => {
      expect(toJson(item.envelope!)).toEqual(toJson(intact[i]!.envelope));
    });
    // The error items cover exactly the corrupted bytes: a bad run may span
    // several corrupted frames, and a bad frame with a good prefix is its own item.
    const covered = items
      .filter((i) => i.error !== undefined)
      .map((i): [number, number] => [i.offset, i.length]);
    expect(merge(covered)).toEqual(merge(bad));
  });

  test("the async reader agrees with the sync one on odd chunk sizes", async () => {
    const { capture } = corruptCapture(7, 200);
    const sync = summary(decodeFrames(capture));
    for (const size of [1, 13, 1000, 70_000]) {
      expect(summary(await collect(decodeStream(chunked(capture, size))))).toEqual(sync);
    }
  });
});

/**
 * A 24-byte prefix whose prefix checksum verifies (protobuf, no compression),
 * declaring a frame of `length` bytes in all, with or without a content checksum.
 */
function forged(length: number, checksum: boolean): Uint8Array {
  const out = new Uint8Array(24);
  const view = new DataView(out.buffer);
  out.set([0x89, 0x45, 0x4e, 0x56, 1, 1, 0, checksum ? 1 : 0]);
  const body = length - 24 - (checksum ? 4 : 0);
  view.setUint32(8, 0, true);
  view.setUint32(12, body, true);
  view.setUint32(16, body, true);
  view.setUint32(20, crc32c(out.subarray(0, 20)), true);
  return out;
}

/** Checks that the items cover `input` exactly, back to back, and returns their summary. */
function covering(items: readonly (StreamItem | StreamPeekItem)[], input: Uint8Array) {
  let at = 0;
  for (const item of items) {
    expect(item.offset).toBe(at);
    at += item.error === undefined ? item.frame.frameLength : item.length;
  }
  expect(at).toBe(input.length);
  return items.map((item) =>
    item.error === undefined ? `${item.offset}` : [item.offset, item.length, item.error.code],
  );
}

/** What every reader gives: decodeFrames, and decodeStream, peekFrames and peekStream agree with it. */
async function readAll(input: Uint8Array, options?: Parameters<typeof decodeFrames>[1]) {
  const expected = covering([...decodeFrames(input, options)], input);
  for (const size of [1000, 4096 + 7]) {
    const streamed = await collect(decodeStream(chunked(input, size), options));
    expect(covering(streamed, input)).toEqual(expected);
    const peeked = await collect(peekStream(chunked(input, size), options));
    expect(covering(peeked, input)).toEqual(expected);
  }
  expect(covering([...peekFrames(input, options)], input)).toEqual(expected);
  return expected;
}

function withBlob(blob: Uint8Array, name = "carrier"): Envelope {
  return createEnvelope({
    schema: { type: "t", subtype: "s", version: "1.0.0" },
    resource: { serviceName: name },
    attributes: { blob, after: "the carried bytes are not the last" },
  });
}

describe("no 24 bytes make the reader skip what it has not scanned", () => {
  const THOUSAND = Array.from({ length: 1000 }, (_, i) => small(i));
  const after = (prefix: Uint8Array) => [
    [0, prefix.length, expect.any(String)],
    ...offsetsOf(THOUSAND).map((o) => `${o + prefix.length}`),
  ];

  test.each([
    ["declaring 8 GiB (over the limit)", forged(0x1_0000_0000, false), "too_large"],
    ["declaring 60 MiB without a content checksum", forged(60 * 1024 * 1024, false), "truncated"],
    ["declaring 60 MiB with a content checksum", forged(60 * 1024 * 1024, true), "truncated"],
    ["declaring the next 1,000 frames exactly", forged(24 + 100_000, false), "truncated"],
  ])("a forged prefix %s before 1,000 intact frames: all 1,000 recovered", async (_, prefix, code) => {
    const input = concat([prefix, ...THOUSAND]);
    const items = await readAll(input);
    expect(items).toEqual(after(prefix));
    expect(items[0]).toEqual([0, 24, code]);
  });

  test("a forged prefix whose declared end lands exactly on a later frame does not swallow the frames between", async () => {
    const frames = THOUSAND.slice(0, 20);
    const span = frames.slice(0, 10).reduce((n, f) => n + f.length, 0);
    for (const checksum of [false, true]) {
      const prefix = forged(24 + span, checksum);
      const input = concat([prefix, ...frames]);
      expect(await readAll(input)).toEqual([
        [0, 24, checksum ? "checksum_mismatch" : "truncated"],
        ...offsetsOf(frames).map((o) => `${o + 24}`),
      ]);
    }
  });

  test("aligned truncation: a frame cut short whose declared end lands on a later boundary costs only its own bytes", async () => {
    const a = small(1);
    const big = encode(withBlob(new Uint8Array(2000).fill(7)));
    const c = small(3);
    const d = small(4);
    for (const b of [big, encode(withBlob(new Uint8Array(2000).fill(7)), { checksum: true })]) {
      // Cut exactly c's length out of b's blob: b's declared end is now d's start.
      const cut = concat([b.subarray(0, 500), b.subarray(500 + c.length)]);
      const input = concat([a, cut, c, d]);
      expect(await readAll(input)).toEqual([
        "0",
        [a.length, cut.length, expect.any(String)],
        `${a.length + cut.length}`,
        `${a.length + cut.length + c.length}`,
      ]);
    }
  });

  test("a forged candidate inside the 23 bytes before a frame's end is still seen (the look-ahead)", async () => {
    const a = small(1);
    const b = small(2);
    // A frame cut 10 bytes short: the next frame starts 10 bytes before its declared end.
    const cut = a.subarray(0, a.length - 10);
    expect(await readAll(concat([cut, b]))).toEqual([
      [0, cut.length, "truncated"],
      `${cut.length}`,
    ]);
  });
});

/** The frame with its content checksum removed (flag cleared, prefix checksum redone). */
function withoutChecksum(frame: Uint8Array): Uint8Array {
  const out = frame.slice(0, frame.length - 4);
  out[7] = 0;
  new DataView(out.buffer).setUint32(20, crc32c(out.subarray(0, 20)), true);
  return out;
}

describe("frames inside frames", () => {
  const a = small(1);
  const b = small(2);
  const inner = small(9);

  test("an intact frame with a content checksum that carries a frame is one frame: the carried one is never yielded", async () => {
    const carrier = encode(withBlob(inner), { checksum: true });
    const input = concat([a, carrier, b]);
    expect(await readAll(input)).toEqual(["0", `${a.length}`, `${a.length + carrier.length}`]);
    const [, item] = [...decodeFrames(input)];
    expect(item?.envelope?.body.attributes.get("blob")).toEqual(inner);
  });

  test("a carried frame that itself declares more than its carrier's end does not break the carrier", async () => {
    const liar = forged(100_000, true);
    const carrier = encode(withBlob(concat([liar, inner])), { checksum: true });
    expect(await readAll(concat([a, carrier, b]))).toEqual([
      "0",
      `${a.length}`,
      `${a.length + carrier.length}`,
    ]);
  });

  test("encode gives a frame that carries a frame its content checksum by itself, so readers keep it whole", async () => {
    const carrier = encode(withBlob(inner));
    expect(peek(carrier).frame.checksum).toBe(true);
    expect(carrier.length).toBe(encode(withBlob(inner), { checksum: true }).length);
    // An envelope that carries no frame keeps the default: no content checksum.
    expect(peek(small(3)).frame.checksum).toBe(false);
    const input = concat([a, carrier, b]);
    expect(await readAll(input)).toEqual(["0", `${a.length}`, `${a.length + carrier.length}`]);
  });

  test("a frame without a content checksum that carries a frame is not taken: the candidate inside is stronger evidence", async () => {
    // As another writer might send it: the SDK's own encode adds the checksum (test above).
    const carrier = withoutChecksum(encode(withBlob(inner), { checksum: true }));
    const at = a.length + Buffer.from(carrier).indexOf(Buffer.from(inner));
    const input = concat([a, carrier, b]);
    expect(await readAll(input)).toEqual([
      "0",
      [a.length, at - a.length, "truncated"],
      `${at}`,
      [at + inner.length, a.length + carrier.length - at - inner.length, "bad_magic"],
      `${a.length + carrier.length}`,
    ]);
    const error = [...decodeFrames(input)][1]?.error;
    expect(error?.offset).toBe(a.length);
    expect(error?.detail).toContain("needs a content checksum");
  });

  test("a damaged frame with a content checksum that carries a frame: the carried frame is yielded, the rest reported", async () => {
    const carrier = encode(withBlob(inner), { checksum: true }).slice();
    carrier[carrier.length - 1]! ^= 1;
    const at = a.length + Buffer.from(carrier).indexOf(Buffer.from(inner));
    expect(await readAll(concat([a, carrier, b]))).toEqual([
      "0",
      [a.length, at - a.length, "checksum_mismatch"],
      `${at}`,
      [at + inner.length, a.length + carrier.length - at - inner.length, "bad_magic"],
      `${a.length + carrier.length}`,
    ]);
  });

  test("a frame whose content checksum verifies but which does not decode costs that frame only, carried frames included", async () => {
    const carrier = encode(withBlob(inner), { checksum: true, validate: false });
    // Read as JSON, the protobuf sections are not UTF-8; both checksums still verify.
    const future = carrier.slice();
    future[5] = 2;
    new DataView(future.buffer).setUint32(20, crc32c(future.subarray(0, 20)), true);
    const items = await readAll(concat([a, future, b]));
    expect(items).toEqual([
      "0",
      [a.length, future.length, "invalid_utf8"],
      `${a.length + future.length}`,
    ]);
  });
});

describe("chained forged candidates", () => {
  const intact = Array.from({ length: 10 }, (_, i) => small(i));
  const intactBytes = concat(intact);

  /** `count` forged candidates 24 bytes apart, each declaring a frame that ends where `end(i)` says (offsets in the result). */
  function chainThen(count: number, end: (i: number) => number, checksum: boolean) {
    const head = count * 24;
    const prefixes = Array.from({ length: count }, (_, i) => forged(end(i) - i * 24, checksum));
    return concat([...prefixes, intactBytes]).subarray(0, head + intactBytes.length);
  }

  const frameEnds = offsetsOf(intact).map((o, i) => o + intact[i]!.length);

  test.each([
    ["with content checksums, all ending at the end", true, "checksum_mismatch"],
    ["without content checksums, all ending at the end", false, "truncated"],
  ])("%s: one bad run, then every intact frame", async (_, checksum, code) => {
    const input = chainThen(200, () => 200 * 24 + intactBytes.length, checksum);
    expect(await readAll(input)).toEqual([
      [0, 200 * 24, code],
      ...offsetsOf(intact).map((o) => `${o + 200 * 24}`),
    ]);
  });

  test("with content checksums, each ending on a different intact frame boundary: every intact frame recovered", async () => {
    const count = 300;
    const input = chainThen(
      count,
      (i) => count * 24 + frameEnds[(i * 7) % frameEnds.length]!,
      true,
    );
    expect(await readAll(input)).toEqual([
      [0, count * 24, "checksum_mismatch"],
      ...offsetsOf(intact).map((o) => `${o + count * 24}`),
    ]);
  });

  test("an intact frame that carries a frame, under a chain of forged candidates, is still one frame", async () => {
    const carrier = encode(withBlob(concat([small(5), small(6)])), { checksum: true });
    const tail = concat([carrier, intactBytes]);
    const count = 100;
    const prefixes = Array.from({ length: count }, (_, i) =>
      forged((count - i) * 24 + tail.length - (i % 3) * 50, true),
    );
    const input = concat([...prefixes, tail]);
    expect(await readAll(input)).toEqual([
      [0, count * 24, "checksum_mismatch"],
      `${count * 24}`,
      ...offsetsOf(intact).map((o) => `${o + count * 24 + carrier.length}`),
    ]);
  });
});

describe("random forged candidates between intact frames (seeded)", () => {
  test.each([
    5, 6, 7,
  ])("seed %i: every intact frame recovered, every byte accounted for", async (seed) => {
    const next = random(seed);
    const pick = (n: number) => Math.floor(next() * n);
    const parts: Uint8Array[] = [];
    const intact: number[] = [];
    let at = 0;
    for (let i = 0; i < 400; i++) {
      if (next() < 0.3) {
        // A forged prefix declaring anything up to a few KB, or far more.
        const length = next() < 0.1 ? 24 + pick(1 << 30) : 28 + pick(4000);
        const prefix = forged(length, next() < 0.5);
        parts.push(prefix);
        at += prefix.length;
      }
      const frame = i % 5 === 0 ? encode(withBlob(small(i)), { checksum: true }) : small(i);
      intact.push(at);
      parts.push(frame);
      at += frame.length;
    }
    const input = concat(parts);
    const items = await readAll(input);
    expect(items.filter((i) => typeof i === "string")).toEqual(intact.map((o) => `${o}`));
  });
});
