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
  peekFrames,
  peekStream,
  type StreamItem,
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

  test("a frame over maxFrameSize is skipped by its declared length without being buffered", async () => {
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
