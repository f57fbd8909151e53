import {
  COMPRESSION_IDS,
  checkContentChecksum,
  crc32c,
  crc32cCombine,
  DEFAULT_LIMITS,
  FRAME_MAGIC,
  FRAME_PREFIX_SIZE,
  type FrameInfo,
  findFrameCandidate,
  hasFrameMagic,
  isEnvelopeError,
  isFrameCandidate,
  parseFramePrefix,
  readFramePrefix,
  resolveLimits,
  verifyContentChecksum,
  writeFrame,
  writeFramePrefix,
} from "@envelope/core";
import { describe, expect, test } from "vitest";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("CRC-32C", () => {
  test("the check value from the spec: CRC-32C('123456789') = 0xe3069283", () => {
    expect(crc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  });
  test("of nothing is 0, and it continues across calls", () => {
    expect(crc32c(new Uint8Array(0))).toBe(0);
    const all = new TextEncoder().encode("123456789");
    expect(crc32c(all, crc32c(all, 0, 0, 4), 4)).toBe(0xe3069283);
  });

  const data = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 2654435761) >>> 24);
  test("every start and length up to 40 bytes, and 70,000 bytes, match the bit-by-bit definition", () => {
    // The definition itself: reflected polynomial 0x82F63B78, one bit at a time.
    const bitwise = (bytes: Uint8Array, start: number, end: number) => {
      let c = 0xffffffff;
      for (let i = start; i < end; i++) {
        c ^= bytes[i]!;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (let start = 0; start < 9; start++) {
      for (let length = 0; length <= 40; length++) {
        expect(crc32c(data, 0, start, start + length)).toBe(bitwise(data, start, start + length));
      }
    }
    expect(crc32c(data)).toBe(bitwise(data, 0, data.length));
    // Continuing across calls at every split of a 40-byte run gives the one-call CRC.
    const whole = crc32c(data, 0, 3, 43);
    for (let split = 3; split <= 43; split++) {
      expect(crc32c(data, crc32c(data, 0, 3, split), split, 43)).toBe(whole);
    }
  });
  test.each([
    [0, 0],
    [0, 1],
    [5, 5],
    [1, 2],
    [13, 70_000],
    [0, 70_000],
    [69_999, 70_000],
  ])("combine: the CRC of [0, %i) and of the rest give the CRC of [0, %i), and back", (split, end) => {
    const a = crc32c(data, 0, 0, split);
    const b = crc32c(data, 0, split, end);
    const ab = crc32c(data, 0, 0, end);
    expect(crc32cCombine(a, b, end - split)).toBe(ab);
    // The CRC is linear: the CRC of the second part from the other two.
    expect(crc32cCombine(a, ab, end - split)).toBe(b);
  });

  test("combine agrees with one pass for many split points (CRCs with zero bytes included)", () => {
    // 64 KiB of varied bytes; each split point gives a CRC pair whose bytes
    // cover every value of every shift table row, zero included.
    for (let split = 0; split <= 4096; split += 7) {
      const end = split + (split % 61) + 1;
      const a = crc32c(data, 0, 0, split);
      const b = crc32c(data, 0, split, end);
      expect(crc32cCombine(a, b, end - split)).toBe(crc32c(data, 0, 0, end));
    }
    // A CRC with a zero byte in each position.
    for (const crc of [0x00ffffff, 0xff00ffff, 0xffff00ff, 0xffffff00]) {
      const tail = data.subarray(100, 140);
      const seed = crc32c(new Uint8Array(0), crc);
      expect(crc32cCombine(seed, crc32c(tail), tail.length)).toBe(crc32c(tail, crc));
    }
  });

  test("combine over lengths of 2^32 bytes and more (raised limits) is consistent", () => {
    // Appending n zero bytes' worth of shift twice equals appending both lengths at once.
    for (const [m, n] of [
      [2 ** 31, 2 ** 31],
      [2 ** 32 - 1, 3],
      [123_456_789, 2 ** 33 + 5],
    ] as const) {
      const once = crc32cCombine(0xe3069283, 0, m + n);
      expect(crc32cCombine(crc32cCombine(0xe3069283, 0, m), 0, n)).toBe(once);
    }
  });
});

function frameOf(header: number[], body: number[], checksum = false): Uint8Array {
  return writeFrame({
    codecId: 1,
    compression: "none",
    header: new Uint8Array(header),
    body: new Uint8Array(body),
    bodyRawLength: body.length,
    checksum,
  });
}

function errorAt(bytes: Uint8Array, limits = DEFAULT_LIMITS, offset = 0) {
  try {
    const info = readFramePrefix(bytes, offset, limits);
    verifyContentChecksum(bytes, info);
  } catch (error) {
    if (!isEnvelopeError(error)) throw error;
    return { code: error.code, offset: error.offset };
  }
  throw new Error("expected an EnvelopeError");
}

/** Rewrites prefix bytes and fixes the prefix checksum, so a later check is reached. */
function patched(frame: Uint8Array, at: number, values: number[]): Uint8Array {
  const out = Uint8Array.from(frame);
  out.set(values, at);
  new DataView(out.buffer).setUint32(20, crc32c(out, 0, 0, 20), true);
  return out;
}

describe("frame prefix", () => {
  test("exact bytes of a small frame", () => {
    const frame = frameOf([0xaa, 0xbb], [0xcc]);
    expect(hex(frame)).toBe(
      [
        "89454e56", // magic
        "01", // version
        "01", // codec: protobuf
        "00", // compression: none
        "00", // flags
        "02000000", // header length 2
        "01000000", // body length 1
        "01000000", // body raw length 1
        hex(new Uint8Array(new Uint32Array([crc32c(frame, 0, 0, 20)]).buffer)), // prefix CRC-32C, LE
        "aabb",
        "cc",
      ].join(""),
    );
    expect(readFramePrefix(frame, 0, DEFAULT_LIMITS)).toEqual({
      offset: 0,
      version: 1,
      codec: "protobuf",
      compression: "none",
      flags: 0,
      checksum: false,
      headerOffset: 24,
      headerLength: 2,
      bodyOffset: 26,
      bodyLength: 1,
      bodyRawLength: 1,
      frameLength: 27,
    } satisfies FrameInfo);
  });

  test("with a content checksum: CRC-32C of header and body sections follows the body", () => {
    const frame = frameOf([0xaa, 0xbb], [0xcc], true);
    expect(frame[7]).toBe(1);
    expect(frame.length).toBe(FRAME_PREFIX_SIZE + 3 + 4);
    const sum = new DataView(frame.buffer).getUint32(27, true);
    expect(sum).toBe(crc32c(new Uint8Array([0xaa, 0xbb, 0xcc])));
    expect(() =>
      verifyContentChecksum(frame, readFramePrefix(frame, 0, DEFAULT_LIMITS)),
    ).not.toThrow();
  });

  test("detection is a magic check", () => {
    expect(hasFrameMagic(frameOf([], []))).toBe(true);
    expect(hasFrameMagic(new Uint8Array([0x89, 0x45, 0x4e]))).toBe(false);
    expect(hasFrameMagic(new TextEncoder().encode("{}"))).toBe(false);
  });

  const good = frameOf([1, 2, 3], [4, 5]);
  test.each([
    ["fewer than 24 bytes", good.subarray(0, 23), "truncated", 0],
    ["wrong magic", Uint8Array.from([0x7b, ...good.subarray(1)]), "bad_magic", 0],
    ["wrong magic in a short input", new Uint8Array([1, 2, 3, 4, 5]), "bad_magic", 0],
    ["version 2", patched(good, 4, [2]), "unsupported_version", 4],
    ["prefix checksum mismatch", Uint8Array.from(good).fill(7, 8, 9), "checksum_mismatch", 20],
    ["reserved flag bit", patched(good, 7, [0x02]), "invalid_frame", 7],
    ["raw length differs without compression", patched(good, 16, [9]), "invalid_frame", 16],
    ["unknown codec id", patched(good, 5, [9]), "unsupported_codec", 5],
    ["unknown compression id", patched(good, 6, [7]), "unsupported_compression", 6],
    ["frame shorter than its lengths say", good.subarray(0, good.length - 1), "truncated", 0],
    [
      "content checksum mismatch",
      (() => {
        const f = frameOf([1], [2], true);
        f[f.length - 1]! ^= 1;
        return f;
      })(),
      "checksum_mismatch",
      26,
    ],
  ])("%s -> %s", (_name, bytes, code, offset) => {
    expect(errorAt(bytes)).toEqual({ code, offset });
  });

  test("frame and decompressed sizes over the limits -> too_large, before the bytes are needed", () => {
    const huge = patched(good.subarray(0, 24), 12, [0, 0, 0, 0x10]); // body length 256 MiB
    expect(errorAt(patched(huge, 16, [0, 0, 0, 0x10]))).toEqual({ code: "too_large", offset: 0 });
    const lz4 = patched(good, 6, [1]);
    const bigRaw = patched(lz4, 16, [0, 0, 0, 0x10]); // raw length 256 MiB
    expect(errorAt(bigRaw)).toEqual({ code: "too_large", offset: 16 });
    expect(errorAt(good, resolveLimits({ maxFrameSize: 28 }))).toEqual({
      code: "too_large",
      offset: 0,
    });
  });

  test("a frame cut short at a non-zero offset is truncated (its length counts from its own start)", () => {
    const checked = frameOf([1, 2, 3], [4, 5], true);
    const stream = new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9, 9, 9, ...checked]);
    expect(errorAt(stream.subarray(0, stream.length - 1), DEFAULT_LIMITS, 10)).toEqual({
      code: "truncated",
      offset: 10,
    });
    expect(readFramePrefix(stream, 10, DEFAULT_LIMITS).frameLength).toBe(checked.length);
  });

  test("frameLength counts the prefix, both sections and the content checksum", () => {
    const checked = frameOf([1, 2, 3], [4, 5], true);
    expect(checked.length).toBe(24 + 3 + 2 + 4);
    expect(readFramePrefix(checked, 0, DEFAULT_LIMITS)).toMatchObject({
      checksum: true,
      flags: 1,
      headerLength: 3,
      bodyLength: 2,
      frameLength: 33,
    });
    expect(readFramePrefix(frameOf([1, 2, 3], [4, 5]), 0, DEFAULT_LIMITS).frameLength).toBe(29);
  });

  test("reads a frame at an offset inside a larger input", () => {
    const stream = new Uint8Array([9, 9, ...good, ...good]);
    const info = readFramePrefix(stream, 2, DEFAULT_LIMITS);
    expect(info).toMatchObject({
      offset: 2,
      headerOffset: 26,
      bodyOffset: 29,
      frameLength: good.length,
    });
    expect(readFramePrefix(stream, 2 + info.frameLength, DEFAULT_LIMITS).offset).toBe(
      2 + good.length,
    );
  });
});

describe("what a stream reader uses", () => {
  const good = frameOf([1, 2, 3], [4, 5], true);

  test("parseFramePrefix checks the 24 bytes alone and returns faults instead of throwing", () => {
    expect(parseFramePrefix(good.subarray(0, 24), 0, DEFAULT_LIMITS)).toEqual(
      readFramePrefix(good, 0, DEFAULT_LIMITS),
    );
    expect(parseFramePrefix(patched(good, 4, [2]), 0, DEFAULT_LIMITS)).toEqual({
      code: "unsupported_version",
      detail: "frame version 2 is not supported (this SDK reads 1)",
      offset: 4,
    });
    expect(parseFramePrefix(good.subarray(0, 10), 0, DEFAULT_LIMITS)).toMatchObject({
      code: "truncated",
      offset: 0,
    });
  });

  test("checkContentChecksum: undefined when it matches, a fault when not, and a CRC the caller already has", () => {
    const info = readFramePrefix(good, 0, DEFAULT_LIMITS);
    expect(checkContentChecksum(good, info)).toBeUndefined();
    const sum = crc32c(good, 0, 24, 29);
    expect(checkContentChecksum(good, info, sum)).toBeUndefined();
    const fault = checkContentChecksum(good, info, sum ^ 1);
    expect({ code: fault?.code, offset: fault?.offset, detail: fault?.detail }).toEqual({
      code: "checksum_mismatch",
      offset: 29,
      detail: `content checksum is 0x${sum.toString(16).padStart(8, "0")}, computed 0x${(sum ^ 1).toString(16).padStart(8, "0")}`,
    });
  });

  test("a candidate is the magic and a matching prefix checksum, with its 24 bytes present", () => {
    const stream = new Uint8Array([0x89, 0x45, 0x4e, 0x56, 0x89, ...good, 0, ...good]);
    expect(isFrameCandidate(stream, 0)).toBe(false);
    expect(isFrameCandidate(stream, 5)).toBe(true);
    expect(isFrameCandidate(stream.subarray(0, 5 + 23), 5)).toBe(false);
    expect(isFrameCandidate(patched(good, 4, [2]), 0)).toBe(true); // cheap checks come later
    expect(findFrameCandidate(stream)).toBe(5);
    expect(findFrameCandidate(stream, 6)).toBe(6 + good.length);
    expect(findFrameCandidate(stream, 6, 6 + good.length)).toBe(-1);
    expect(findFrameCandidate(stream.subarray(0, 6 + good.length + 23), 6)).toBe(-1);
  });
});

describe("frame prefix: the edges (docs/spec.md, Frame)", () => {
  const good = frameOf([1, 2, 3], [4, 5]);

  test("the magic is 89 45 4e 56, and every one of its bytes is checked", () => {
    expect(FRAME_MAGIC).toEqual([0x89, 0x45, 0x4e, 0x56]);
    expect(hasFrameMagic(new Uint8Array([0x89, 0x45, 0x4e, 0x56]))).toBe(true);
    expect(hasFrameMagic(new Uint8Array([0, 0, 0x89, 0x45, 0x4e, 0x56]), 2)).toBe(true);
    for (let i = 0; i < 4; i++) {
      const wrong = Uint8Array.from(FRAME_MAGIC);
      wrong[i]! ^= 0x20;
      expect(hasFrameMagic(wrong), `byte ${i}`).toBe(false);
      expect(errorAt(Uint8Array.from([...wrong, ...good.subarray(4)]))).toEqual({
        code: "bad_magic",
        offset: 0,
      });
    }
  });

  test("codec and compression ids: 1 protobuf, 2 json, 3 cbor; 0 none, 1 lz4", () => {
    const read = (codecId: number, compression: "none" | "lz4") => {
      const frame = writeFrame({
        codecId,
        compression,
        header: new Uint8Array([1]),
        body: new Uint8Array([2]),
        bodyRawLength: compression === "none" ? 1 : 5,
      });
      return readFramePrefix(frame, 0, DEFAULT_LIMITS);
    };
    expect(read(1, "none")).toMatchObject({ codec: "protobuf", compression: "none" });
    expect(read(2, "none")).toMatchObject({ codec: "json", compression: "none" });
    expect(read(3, "lz4")).toMatchObject({ codec: "cbor", compression: "lz4", bodyRawLength: 5 });
    expect(COMPRESSION_IDS).toEqual({ none: 0, lz4: 1 });
    expect(
      writeFrame({
        codecId: 3,
        compression: "lz4",
        header: new Uint8Array(0),
        body: new Uint8Array(0),
        bodyRawLength: 0,
      })[6],
    ).toBe(1);
  });

  test("short inputs: under 4 bytes is truncated, 4 to 23 bytes with a wrong magic is bad_magic", () => {
    const at = (bytes: number[], offset = 0) =>
      parseFramePrefix(new Uint8Array(bytes), offset, DEFAULT_LIMITS);
    expect(at([0x7b, 0x22, 0x61])).toEqual({
      code: "truncated",
      detail: "frame prefix needs 24 bytes, only 3 available",
      offset: 0,
    });
    expect(at([0x7b, 0x22, 0x61, 0x22])).toMatchObject({ code: "bad_magic", offset: 0 });
    expect(at([0x89, 0x45, 0x4e, 0x56, 1])).toMatchObject({ code: "truncated", offset: 0 });
    // The room left counts from the offset, not from the start of the input.
    const stream = [...new Array<number>(10).fill(9), ...good.subarray(0, 20)];
    expect(at(stream, 10)).toEqual({
      code: "truncated",
      detail: "frame prefix needs 24 bytes, only 20 available",
      offset: 10,
    });
  });

  test("each fault says what it found", () => {
    const detail = (bytes: Uint8Array, limits = DEFAULT_LIMITS) => {
      const fault = parseFramePrefix(bytes, 0, limits);
      return "code" in fault ? fault.detail : undefined;
    };
    const crc = new DataView(good.buffer).getUint32(20, true);
    const hex = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;
    expect(detail(Uint8Array.from(good).fill(0, 20, 24))).toBe(
      `frame prefix checksum is 0x00000000, computed ${hex(crc)}`,
    );
    expect(detail(patched(good, 7, [0x06]))).toBe("reserved frame flag bits are set (flags 0x6)");
    expect(detail(patched(good, 16, [9]))).toBe(
      "uncompressed body: raw length 9 differs from body length 2",
    );
    expect(detail(patched(good, 5, [4]))).toBe("unknown codec id 4");
    expect(detail(patched(good, 6, [2]))).toBe("unknown compression id 2");
    expect(detail(good, resolveLimits({ maxFrameSize: 28 }))).toBe(
      "frame of 29 bytes is over the limit of 28",
    );
    expect(detail(good, resolveLimits({ maxDecompressedSize: 1 }))).toBe(
      "body of 2 bytes after decompression is over the limit of 1",
    );
    try {
      readFramePrefix(good.subarray(0, 28), 0, DEFAULT_LIMITS);
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error) && error.message).toContain(
        "frame needs 29 bytes, only 28 available",
      );
    }
  });

  test("a frame exactly at the size limits is read", () => {
    const limits = resolveLimits({ maxFrameSize: 29, maxDecompressedSize: 2 });
    expect(readFramePrefix(good, 0, limits).frameLength).toBe(29);
  });

  test("a content checksum is checked only when the flag says there is one", () => {
    // Bytes after a frame without the flag are the next frame's, never a checksum.
    const stream = new Uint8Array([...good, 1, 2, 3, 4]);
    expect(
      checkContentChecksum(stream, readFramePrefix(stream, 0, DEFAULT_LIMITS)),
    ).toBeUndefined();
    const checked = frameOf([1], [2], true);
    new DataView(checked.buffer).setUint32(26, 1, true);
    const fault = checkContentChecksum(checked, readFramePrefix(checked, 0, DEFAULT_LIMITS));
    expect(fault?.detail).toBe(
      `content checksum is 0x00000001, computed 0x${crc32c(new Uint8Array([1, 2]))
        .toString(16)
        .padStart(8, "0")}`,
    );
  });

  test("writeFramePrefix without a checksum leaves the bytes after the body alone", () => {
    const out = new Uint8Array(24 + 2 + 4).fill(0xee);
    writeFramePrefix(out, 1, "none", 1, 1, 1, false);
    expect([...out.subarray(24)]).toEqual([0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);
    writeFramePrefix(out, 1, "none", 1, 1, 1, true);
    expect(new DataView(out.buffer).getUint32(26, true)).toBe(crc32c(new Uint8Array([0xee, 0xee])));
  });

  test("candidates: exactly 24 bytes, and a cut prefix is never one even when the lost byte is 0", () => {
    expect(isFrameCandidate(good.subarray(0, 24), 0)).toBe(true);
    expect(findFrameCandidate(good.subarray(0, 24))).toBe(0);
    // A prefix whose checksum's last byte is 0: cutting it leaves bytes that
    // would still match if the missing byte were read as 0.
    // (The prefix checksum covers the lengths: try header lengths until one fits.)
    let frame = good;
    for (let n = 0; frame[23] !== 0 && n < 4096; n++) frame = frameOf(new Array(n).fill(1), [4, 5]);
    expect(frame[23]).toBe(0);
    expect(isFrameCandidate(frame, 0)).toBe(true);
    expect(isFrameCandidate(frame.subarray(0, 23), 0)).toBe(false);
    expect(findFrameCandidate(frame.subarray(0, 23))).toBe(-1);
  });

  test("findFrameCandidate: no 0x89 at all, inputs under 24 bytes, a lone 0x89 before a frame", () => {
    expect(findFrameCandidate(new Uint8Array(100))).toBe(-1);
    expect(findFrameCandidate(new Uint8Array(10))).toBe(-1);
    expect(findFrameCandidate(new Uint8Array([0, 0x89, ...good]))).toBe(2);
    expect(findFrameCandidate(new Uint8Array([0x89, 0x89, ...good]), 1)).toBe(2);
  });
});
