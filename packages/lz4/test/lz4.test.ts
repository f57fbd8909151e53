import { isEnvelopeError } from "@envelope/core";
import { compress, decompress, scanLz4, xxh32 } from "@envelope/lz4";
import { decompress as jsDecompress } from "@envelope/lz4/js";
import { describe, expect, test } from "vitest";
import {
  bombBlock,
  concat,
  lz4Frame,
  noise,
  repeatBlocks,
  sequence,
  streamingFrame,
} from "../../../test/support/lz4-frames.mjs";

const text = new TextEncoder().encode("telemetry envelope ".repeat(5000)); // 95 KB, two 64 KiB blocks
const MiB = 1024 * 1024;
/** Buffer.equals: toEqual compares large arrays element by element, slowly. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

function errorOf(run: () => unknown): {
  code: string;
  offset: number | undefined;
  message: string;
} {
  try {
    run();
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, offset: error.offset, message: error.message };
  }
  throw new Error("expected an EnvelopeError");
}

const ENGINES = [
  ["the platform engine (lz4-napi's block decoder on Node)", decompress],
  ["the JavaScript engine", jsDecompress],
] as const;

describe("round trip in the standard LZ4 frame format", () => {
  test("compress writes the LZ4 frame magic and decompress restores the bytes", () => {
    const frame = compress(text);
    expect([...frame.subarray(0, 4)]).toEqual([0x04, 0x22, 0x4d, 0x18]);
    expect(frame.length).toBeLessThan(text.length / 10);
    expect(same(decompress(frame), text)).toBe(true);
  });

  test("empty input", () => {
    expect(decompress(compress(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });

  test("with content and block checksums", () => {
    const frame = compress(text, { contentChecksum: true, blockChecksums: true });
    expect(frame[4]! & 0x14).toBe(0x14);
    expect(same(decompress(frame), text)).toBe(true);
  });
});

describe("the bytes written: one JavaScript writer on every platform, the same bytes every time", () => {
  const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");
  const sample = new TextEncoder().encode(
    "telemetry envelope telemetry envelope telemetry envelope!",
  );

  test.each([
    ["empty", new Uint8Array(0), {}, "04224d1860408200000000"],
    [
      "empty, with checksums",
      new Uint8Array(0),
      { contentChecksum: true, blockChecksums: true },
      "04224d187440bd00000000055dcc02",
    ],
    [
      "a repeated phrase",
      sample,
      {},
      "04224d186040821e000000ff0474656c656d6574727920656e76656c6f70652013000e506c6f70652100000000",
    ],
    [
      "a repeated phrase, with checksums",
      sample,
      { contentChecksum: true, blockChecksums: true },
      "04224d187440bd1e000000ff0474656c656d6574727920656e76656c6f70652013000e506c6f70652116ccc561000000009b93ad98",
    ],
    [
      "a block that compresses to its own size is stored",
      new TextEncoder().encode("abcdabcdefghijklmnop"),
      {},
      "04224d186040821400008061626364616263646566676869" + "6a6b6c6d6e6f7000000000",
    ],
    [
      "a five-byte repeat at the very start, then a ten-byte one",
      new TextEncoder().encode("abcde/abcde0123456789+0123456789=zyxwvutsrqp"),
      {},
      "04224d186040822400000061616263646" +
        "52f0600b6303132333435363738392b0b00c03d7a7978777675747372717000000000",
    ],
  ])("%s: exact bytes", (_name, input, options, expected) => {
    expect(hex(compress(input, options))).toBe(expected);
    expect(decompress(compress(input, options))).toEqual(input);
  });

  test("larger inputs: exact length and xxh32 of the frame", () => {
    const json = new TextEncoder().encode(
      JSON.stringify(
        Array.from({ length: 200 }, (_, i) => ({
          name: `span ${i % 7}`,
          kind: i % 3,
          attrs: { "http.method": i % 2 ? "GET" : "POST", status: 200 + (i % 5) },
        })),
      ),
    );
    // Noise with parts of itself repeated: the search steps over it faster and faster.
    const seed = noise(3000, 17);
    const mixed = concat(
      seed,
      seed.subarray(500, 1500),
      new Uint8Array(100),
      seed.subarray(2000, 2600),
      noise(1300, 5),
    );
    for (const [input, length, digest] of [
      [json, 2695, 0xb188dde0],
      [mixed, 4352, 0x2d3f93e6],
    ] as const) {
      const frame = compress(input);
      expect([frame.length, xxh32(frame)]).toEqual([length, digest]);
      expect(decompress(frame)).toEqual(input);
    }
  });

  test("the same bytes in a tight loop (the old encoder switched engines after 32 MiB)", () => {
    const data = noise(65536, 21);
    const first = hex(compress(data));
    for (let i = 0; i < 1000; i++) {
      if (hex(compress(data)) !== first) throw new Error(`call ${i} wrote other bytes`);
    }
  });

  test("the same bytes whatever was compressed before, and wherever the input sits in its buffer", () => {
    const data = new TextEncoder().encode("attribute value ".repeat(9000));
    const first = hex(compress(data));
    compress(noise(300_000, 4));
    compress(new Uint8Array(200_000));
    const shifted = new Uint8Array(data.length + 3);
    shifted.set(data, 3);
    expect(hex(compress(data))).toBe(first);
    expect(hex(compress(shifted.subarray(3)))).toBe(first);
  });

  test("incompressible blocks are stored, and the frame is exactly that size", () => {
    const data = noise(100_000, 8);
    const frame = compress(data);
    expect(frame.length).toBe(7 + 4 + 65536 + 4 + (100_000 - 65536) + 4);
    expect(frame[10]! & 0x80).toBe(0x80);
    expect(frame.buffer.byteLength).toBe(frame.length);
  });
});

describe.each(ENGINES)("%s", (_engine, decode) => {
  describe("frames the format allows", () => {
    test("concatenated frames are decoded completely (lz4-napi alone returns only the first)", () => {
      const a = new TextEncoder().encode("first;");
      const b = new TextEncoder().encode("second");
      expect(new TextDecoder().decode(decode(concat(compress(a), compress(b))))).toBe(
        "first;second",
      );
    });

    test("skippable frames are skipped, as the reference lz4 tool does", () => {
      const skippable = new Uint8Array([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
      const a = new TextEncoder().encode("payload");
      expect(new TextDecoder().decode(decode(concat(skippable, compress(a), skippable)))).toBe(
        "payload",
      );
    });

    test("linked blocks may copy from the blocks before them; independent ones may not", () => {
      const first = Uint8Array.from(sequence([...noise(16, 3)]));
      const second = Uint8Array.from([
        ...sequence([9], { offset: 17, length: 16 }),
        ...sequence([1, 2, 3, 4, 5]),
      ]);
      const content = concat(
        noise(16, 3),
        new Uint8Array([9]),
        noise(16, 3),
        Uint8Array.from([1, 2, 3, 4, 5]),
      );
      expect(decode(lz4Frame([first, second], { linked: true, contentSize: 38 }))).toEqual(content);
      const independent = lz4Frame([first, second], {});
      expect(errorOf(() => decode(independent))).toMatchObject({
        code: "invalid_lz4",
        offset: 7 + 4 + first.length,
      });
    });

    test("stored blocks, a declared content size and every checksum", () => {
      const content = noise(70_000, 5);
      const frame = lz4Frame(
        [{ stored: content.subarray(0, 65536) }, { stored: content.subarray(65536) }],
        {
          contentSize: content.length,
          blockChecksums: true,
          content,
        },
      );
      expect(same(decode(frame), content)).toBe(true);
      expect(scanLz4(frame, content.length).frames).toEqual([
        { start: 0, end: frame.length, outputSize: content.length, contentSize: content.length },
      ]);
    });

    test("a stream of 4,267 small linked blocks (3.5 MB -> 4.4 MB) decodes under the default limit", () => {
      const { frame, content } = streamingFrame(4267);
      expect(frame.length).toBeGreaterThan(3_400_000);
      expect(frame.length).toBeLessThan(3_600_000);
      expect(scanLz4(frame, 64 * MiB).outputSize).toBe(4267 * 1024);
      // Buffer.equals: toEqual compares 4 MB element by element, for minutes.
      expect(Buffer.from(decode(frame)).equals(content)).toBe(true);
      expect(Buffer.from(decode(frame, { expectedSize: content.length })).equals(content)).toBe(
        true,
      );
    });
  });

  describe("bad input is rejected with invalid_lz4 (lz4-napi alone accepts most of these)", () => {
    const frame = compress(text);
    const bomb64k = bombBlock(65536);
    test.each([
      ["empty input", new Uint8Array(0), 0],
      ["magic only", frame.subarray(0, 4), 4],
      ["header only", frame.subarray(0, 7), 7],
      ["cut inside a block", frame.subarray(0, 40), 7],
      ["no end mark", frame.subarray(0, frame.length - 4), frame.length - 4],
      ["trailing garbage", concat(frame, new Uint8Array([1, 2, 3])), frame.length],
      ["a second frame's bad magic", concat(frame, new Uint8Array([1, 2, 3, 4, 5])), frame.length],
      ["not LZ4 at all", new TextEncoder().encode("hello world"), 0],
      [
        "version 00",
        concat(frame.subarray(0, 4), new Uint8Array([frame[4]! & 0x3f]), frame.subarray(5)),
        4,
      ],
      [
        "reserved FLG bit",
        concat(frame.subarray(0, 4), new Uint8Array([frame[4]! | 0x02]), frame.subarray(5)),
        4,
      ],
      [
        "block maximum code 3",
        concat(frame.subarray(0, 5), new Uint8Array([0x30]), frame.subarray(6)),
        5,
      ],
      [
        "block size over the block maximum",
        concat(frame.subarray(0, 7), new Uint8Array([1, 0, 1, 0])),
        7,
      ],
      [
        "dictionary id",
        concat(frame.subarray(0, 4), new Uint8Array([frame[4]! | 0x01]), frame.subarray(5)),
        4,
      ],
      [
        "a header checksum that does not match",
        concat(frame.subarray(0, 6), new Uint8Array([frame[6]! ^ 1]), frame.subarray(7)),
        6,
      ],
      ["a truncated skippable frame header", new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 1]), 0],
      [
        "a skippable frame that runs past the end",
        new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 9, 0, 0, 0, 1]),
        0,
      ],
      ["skippable frames only", new Uint8Array([0x50, 0x2a, 0x4d, 0x18, 0, 0, 0, 0]), 0],
      [
        "a match at offset 0",
        lz4Frame([
          Uint8Array.from([
            ...sequence([1], { offset: 0, length: 4 }),
            ...sequence([1, 2, 3, 4, 5]),
          ]),
        ]),
        7,
      ],
      [
        "a match before the start of the frame",
        lz4Frame(
          [
            Uint8Array.from([
              ...sequence([1], { offset: 2, length: 4 }),
              ...sequence([1, 2, 3, 4, 5]),
            ]),
          ],
          { linked: true },
        ),
        7,
      ],
      [
        "a block that ends in a match",
        lz4Frame([Uint8Array.from(sequence([1], { offset: 1, length: 4 }))]),
        7,
      ],
      ["a literal run past the end of its block", lz4Frame([Uint8Array.from([0x50, 1, 2])]), 7],
      ["a block that decompresses past the block maximum", lz4Frame([bombBlock(65537)]), 7],
      [
        "a content size larger than the blocks hold",
        lz4Frame([bomb64k], { contentSize: 65537 }),
        0,
      ],
      [
        "a content size smaller than the blocks hold",
        lz4Frame([bomb64k], { contentSize: 65535 }),
        0,
      ],
    ])("%s", (_name, input, offset) => {
      expect(errorOf(() => decode(input))).toMatchObject({ code: "invalid_lz4", offset });
    });

    test("block and content checksums that do not match", () => {
      const content = noise(1000, 9);
      const withSums = lz4Frame([{ stored: content }], { blockChecksums: true, content });
      const badContent = Uint8Array.from(withSums);
      badContent[badContent.length - 1]! ^= 0xff;
      expect(errorOf(() => decode(badContent))).toMatchObject({
        code: "invalid_lz4",
        offset: withSums.length - 4,
        message: expect.stringContaining("content checksum does not match"),
      });
      const badBlock = Uint8Array.from(withSums);
      badBlock[7 + 4 + 1000]! ^= 0xff; // first byte of the block checksum
      expect(errorOf(() => decode(badBlock))).toMatchObject({
        code: "invalid_lz4",
        offset: 7,
        message: expect.stringContaining("block checksum does not match"),
      });
    });

    test("a corrupt compressed block", () => {
      const bad = Uint8Array.from(frame);
      for (let i = 20; i < 40; i++) bad[i] = 0xff;
      expect(errorOf(() => decode(bad)).code).toBe("invalid_lz4");
    });
  });

  describe("output is bounded while decoding: nothing is allocated for data that is refused", () => {
    test("a bomb: 4.4 MB of 64 KiB blocks that expand to 1 GiB fails with too_large, allocating nothing", () => {
      const bomb = repeatBlocks(bombBlock(65536), 16384, {});
      expect(bomb.length).toBeLessThan(4.5e6);
      const before = process.memoryUsage().arrayBuffers;
      expect(errorOf(() => decode(bomb, { maxSize: 64 * MiB }))).toMatchObject({
        code: "too_large",
        message: expect.stringContaining("more than the limit of 67108864 bytes"),
        offset: 7 + 1024 * (4 + bombBlock(65536).length),
      });
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(MiB);
    });

    test("a bomb that declares 1,000 bytes of content while 267 blocks of 4 MiB follow fails at once", () => {
      const block = bombBlock(4 * MiB);
      const bomb = repeatBlocks(block, 267, { blockMaxCode: 7, contentSize: 1000 });
      expect(bomb.length).toBeGreaterThan(4.39e6);
      const before = process.memoryUsage().arrayBuffers;
      expect(errorOf(() => decode(bomb))).toMatchObject({
        code: "invalid_lz4",
        offset: 0,
        message: expect.stringContaining("declares 1000 bytes of content but holds more"),
      });
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(MiB);
    });

    test("the same blocks without a content size stop at the limit", () => {
      const bomb = repeatBlocks(bombBlock(4 * MiB), 267, { blockMaxCode: 7 });
      expect(errorOf(() => decode(bomb))).toMatchObject({ code: "too_large" });
    });

    test("concatenated frames share one limit", () => {
      const one = lz4Frame([bombBlock(40_000)]);
      expect(decode(concat(one, one), { maxSize: 80_000 })).toHaveLength(80_000);
      expect(errorOf(() => decode(concat(one, one), { maxSize: 79_999 }))).toMatchObject({
        code: "too_large",
        offset: one.length + 7,
      });
    });

    test("a declared content size over the limit is refused before any block is read", () => {
      expect(
        errorOf(() => decode(lz4Frame([], { contentSize: 1025 }), { maxSize: 1024 })),
      ).toMatchObject({
        code: "too_large",
        offset: 6,
        message: expect.stringContaining(
          "declares 1025 bytes of content, over the limit of 1024 bytes",
        ),
      });
      expect(errorOf(() => decode(lz4Frame([], { contentSize: 2 ** 60 })))).toMatchObject({
        code: "too_large",
        message: expect.stringContaining("declares more than 2^53 bytes"),
      });
    });

    test("data exactly at the limit decodes; one byte more does not", () => {
      const random = noise(65536 * 4, 11);
      const frame = compress(random);
      expect(same(decode(frame, { maxSize: random.length }), random)).toBe(true);
      expect(errorOf(() => decode(frame, { maxSize: random.length - 1 })).code).toBe("too_large");
    });

    test("the expected size (a frame's body raw length) bounds the output like the limit", () => {
      expect(
        errorOf(() => decode(compress(text), { expectedSize: text.length - 1 })),
      ).toMatchObject({
        code: "too_large",
        message: expect.stringContaining(`more than the ${text.length - 1} bytes expected`),
      });
      expect(
        errorOf(() => decode(lz4Frame([], { contentSize: 1000 }), { expectedSize: 999 })),
      ).toMatchObject({
        code: "too_large",
        offset: 6,
      });
      expect(
        errorOf(() => decode(compress(text), { expectedSize: text.length + 1 })),
      ).toMatchObject({
        code: "invalid_lz4",
        offset: 0,
        message: expect.stringContaining(
          `decompresses to ${text.length} bytes, expected ${text.length + 1}`,
        ),
      });
      expect(errorOf(() => decode(compress(text), { maxSize: 10, expectedSize: 11 })).code).toBe(
        "too_large",
      );
    });

    test("offsets in errors are moved by the offset option", () => {
      expect(errorOf(() => decode(lz4Frame([bombBlock(65537)]), { offset: 100 })).offset).toBe(107);
    });
  });
});
