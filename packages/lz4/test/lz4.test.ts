import { isEnvelopeError } from "@envelope/core";
import { compress, decompress, scanLz4 } from "@envelope/lz4";
import { describe, expect, test } from "vitest";

const text = new TextEncoder().encode("telemetry envelope ".repeat(5000)); // 95 KB, two 64 KiB blocks

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

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

describe("round trip in the standard LZ4 frame format", () => {
  test("compress writes the LZ4 frame magic and decompress restores the bytes", () => {
    const frame = compress(text);
    expect([...frame.subarray(0, 4)]).toEqual([0x04, 0x22, 0x4d, 0x18]);
    expect(frame.length).toBeLessThan(text.length / 10);
    expect(Buffer.from(decompress(frame)).equals(Buffer.from(text))).toBe(true);
  });

  test("empty input", () => {
    expect(decompress(compress(new Uint8Array(0)))).toHaveLength(0);
  });

  test("with content and block checksums", () => {
    const frame = compress(text, { contentChecksum: true, blockChecksums: true });
    expect(frame[4]! & 0x14).toBe(0x14);
    expect(Buffer.from(decompress(frame)).equals(Buffer.from(text))).toBe(true);
  });

  test("concatenated frames are decoded completely (lz4-napi alone returns only the first)", () => {
    const a = new TextEncoder().encode("first;");
    const b = new TextEncoder().encode("second");
    expect(new TextDecoder().decode(decompress(concat(compress(a), compress(b))))).toBe(
      "first;second",
    );
  });

  test("skippable frames are skipped, as the reference lz4 tool does", () => {
    const skippable = new Uint8Array([0x5a, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
    const a = new TextEncoder().encode("payload");
    expect(new TextDecoder().decode(decompress(concat(skippable, compress(a), skippable)))).toBe(
      "payload",
    );
  });
});

describe("bad input is rejected with invalid_lz4 (lz4-napi alone accepts most of these)", () => {
  const frame = compress(text);
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
      "reserved FLG bit",
      concat(frame.subarray(0, 4), new Uint8Array([frame[4]! | 0x02]), frame.subarray(5)),
      4,
    ],
    [
      "block size over the block maximum",
      concat(frame.subarray(0, 7), new Uint8Array([0, 0, 2, 0])),
      7,
    ],
    [
      "dictionary id",
      concat(frame.subarray(0, 4), new Uint8Array([frame[4]! | 0x01]), frame.subarray(5)),
      4,
    ],
  ])("%s", (_name, input, offset) => {
    const error = errorOf(() => decompress(input));
    expect(error.code).toBe("invalid_lz4");
    expect(error.offset).toBe(offset);
  });

  test("a corrupt header checksum", () => {
    const bad = Uint8Array.from(frame);
    bad[6]! ^= 0xff;
    const error = errorOf(() => decompress(bad));
    expect(error).toMatchObject({ code: "invalid_lz4", offset: 0 });
    expect(error.message).toContain("header checksum");
  });

  test("a corrupt block or content checksum", () => {
    const withSums = compress(text, { contentChecksum: true, blockChecksums: true });
    const badContent = Uint8Array.from(withSums);
    badContent[badContent.length - 1]! ^= 0xff;
    expect(errorOf(() => decompress(badContent)).message).toContain("content checksum");
    const badBlock = Uint8Array.from(withSums);
    badBlock[badBlock.length - 9]! ^= 0xff; // last byte of the last block's checksum
    expect(errorOf(() => decompress(badBlock)).message).toContain("block checksum");
  });

  test("a corrupt compressed block", () => {
    const bad = Uint8Array.from(frame);
    for (let i = 20; i < 40; i++) bad[i] = 0xff;
    expect(errorOf(() => decompress(bad)).code).toBe("invalid_lz4");
  });

  test("a decompressed size other than the expected one", () => {
    const error = errorOf(() => decompress(frame, { expectedSize: text.length - 1 }));
    expect(error.code).toBe("invalid_lz4");
    expect(error.message).toContain(
      `decompressed to ${text.length} bytes, expected ${text.length - 1}`,
    );
  });
});

describe("limits are checked before lz4-napi allocates", () => {
  test("a bomb: 4 MB of LZ4 that expands to 1 GiB fails fast in little memory", () => {
    const one = compress(new Uint8Array(65536)); // one 64 KiB block of zeros
    const header = one.subarray(0, 7);
    const block = one.subarray(7, one.length - 4);
    const blocks = 16384; // 16384 x 64 KiB = 1 GiB
    const bomb = new Uint8Array(7 + block.length * blocks + 4);
    bomb.set(header, 0);
    for (let i = 0; i < blocks; i++) bomb.set(block, 7 + i * block.length);
    const before = process.memoryUsage().rss;
    const error = errorOf(() => decompress(bomb, { maxSize: 64 * 1024 * 1024 }));
    expect(error.code).toBe("too_large");
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
  });

  test("a forged content size over the limit", () => {
    // FLG 0x68: version 01, independent blocks, content size present; BD 0x40 (64 KiB blocks).
    const forged = new Uint8Array([
      0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0, 0, 0, 0x40, 0, 0, 0, 0, 0x00, 0, 0, 0, 0,
    ]);
    const error = errorOf(() => decompress(forged, { maxSize: 1024 }));
    expect(error).toMatchObject({ code: "too_large", offset: 6 });
  });

  test("the bound is tight enough for real data at the limit", () => {
    const random = new Uint8Array(65536 * 4);
    for (let i = 0; i < random.length; i++) random[i] = (i * 2654435761) >>> 24;
    const frame = compress(random);
    expect(scanLz4(frame, Number.MAX_SAFE_INTEGER).maxOutput).toBeGreaterThanOrEqual(random.length);
    expect(decompress(frame, { maxSize: random.length })).toHaveLength(random.length);
  });

  test("declared content sizes are checked against the expected size before decompressing", () => {
    // FLG 0x68: content size present (1000), BD 0x40; then an end mark. HC is not checked before the sizes.
    const declared = new Uint8Array([
      0x04, 0x22, 0x4d, 0x18, 0x68, 0x40, 0xe8, 0x03, 0, 0, 0, 0, 0, 0, 0x00, 0, 0, 0, 0,
    ]);
    expect(errorOf(() => decompress(declared, { expectedSize: 999 }))).toMatchObject({
      code: "too_large",
      offset: 0,
    });
    expect(errorOf(() => decompress(declared, { expectedSize: 1001 }))).toMatchObject({
      code: "invalid_lz4",
      offset: 0,
    });
  });

  test("an expected size over the limit is refused before anything is read", () => {
    expect(errorOf(() => decompress(compress(text), { maxSize: 10, expectedSize: 11 })).code).toBe(
      "too_large",
    );
  });
});
