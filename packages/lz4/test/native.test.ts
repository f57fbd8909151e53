/**
 * The platform engine's split of the work: which blocks go to the native
 * block decoder (compressed blocks of 1 KiB or more), with the exact output
 * size the first pass measured and the window of earlier output a linked
 * block may reach; and what a native decoder's failure becomes.
 */
import { EnvelopeError, isEnvelopeError } from "@envelope/core";
import { compress } from "@envelope/lz4";
import { describe, expect, test, vi } from "vitest";
import {
  concat,
  lz4Frame,
  noise,
  sequence,
  streamingFrame,
} from "../../../test/support/lz4-frames.mjs";
import { decompressWith } from "../src/decompress.js";
import type { NativeLz4 } from "../src/native.js";
import { loadNative as portable } from "../src/native.js";

/** lz4-napi's block decoder, loaded afresh (the loader caches it per module instance). */
async function freshNative(): Promise<NativeLz4> {
  vi.resetModules();
  const { loadNative } = await import("../src/native-node.js");
  const native = loadNative();
  if (native === undefined) throw new Error("lz4-napi did not load");
  expect(loadNative()).toBe(native);
  return native;
}

interface Call {
  block: number;
  size: number;
  dict: Uint8Array | undefined;
}

/** The native decoder, recording what it is asked. */
function recording(native: NativeLz4): { native: NativeLz4; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    native: {
      decodeBlock(block, size, dict) {
        calls.push({
          block: block.length,
          size,
          dict: dict === undefined ? undefined : Uint8Array.from(dict),
        });
        return native.decodeBlock(block, size, dict);
      },
    },
  };
}

/** A literals-only block of exactly `length` compressed bytes (at least 20). */
function literalBlock(length: number, seed: number): Uint8Array {
  const extra = Math.ceil((length - 1 - 15) / 256);
  return Uint8Array.from(sequence([...noise(length - 1 - extra, seed)]));
}

describe("lz4-napi's block decoder", () => {
  test("decodes a block to the size it is given, reaching into the dictionary it is given", async () => {
    const native = await freshNative();
    const alone = Uint8Array.from([
      ...sequence([1, 2], { offset: 2, length: 6 }),
      ...sequence([3, 4, 5, 6, 7]),
    ]);
    expect([...native.decodeBlock(alone, 13, undefined)]).toEqual([
      1, 2, 1, 2, 1, 2, 1, 2, 3, 4, 5, 6, 7,
    ]);
    const linked = Uint8Array.from([
      ...sequence([], { offset: 3, length: 4 }),
      ...sequence([8, 8, 8, 8, 8]),
    ]);
    expect([...native.decodeBlock(linked, 9, Uint8Array.of(9, 5, 6, 7))]).toEqual([
      5, 6, 7, 5, 8, 8, 8, 8, 8,
    ]);
    expect(() => native.decodeBlock(linked, 9, undefined)).toThrow();
  });

  test("the portable build has none", () => {
    expect(portable()).toBeUndefined();
  });
});

describe("the platform engine with a native decoder", () => {
  test("compressed blocks of 1 KiB or more go to it with their measured size; smaller and stored ones do not", async () => {
    const { native, calls } = recording(await freshNative());
    const blocks = [
      literalBlock(1023, 1),
      literalBlock(1024, 2),
      { stored: noise(3000, 3) },
      literalBlock(1500, 4),
      literalBlock(30, 5),
    ];
    const input = lz4Frame(blocks);
    const out = decompressWith(native, input, {});
    expect(calls.map(({ block, size, dict }) => ({ block, size, dict }))).toEqual([
      { block: 1024, size: 1024 - 1 - 4, dict: undefined },
      { block: 1500, size: 1500 - 1 - 6, dict: undefined },
    ]);
    expect(out.length).toBe(1018 + 1019 + 3000 + 1493 + 28);
    expect(out.subarray(1018 + 1019, 1018 + 1019 + 3000)).toEqual(noise(3000, 3));
    expect(out.subarray(out.length - 28)).toEqual(noise(28, 5));
  });

  test("a linked block is given the output before it in its frame, at most the 64 KiB a match can reach", async () => {
    const { native, calls } = recording(await freshNative());
    const { frame, content } = streamingFrame(20, 4096, 2000);
    const first = compress(Uint8Array.of(1, 2, 3));
    const out = decompressWith(native, concat(first, frame), {});
    expect(Buffer.from(out).equals(Buffer.concat([Uint8Array.of(1, 2, 3), content]))).toBe(true);
    expect(calls).toHaveLength(20);
    expect(calls.map((c) => c.size)).toEqual(Array(20).fill(4096));
    expect(calls.map((c) => c.dict?.length)).toEqual([
      undefined,
      ...Array.from({ length: 19 }, (_, i) => Math.min(65536, (i + 1) * 4096)),
    ]);
    const reach = content.subarray(19 * 4096 - 65536, 19 * 4096);
    expect(Buffer.from(calls[19]!.dict!).equals(reach)).toBe(true);
  });

  test("an independent block is given no dictionary", async () => {
    const { native, calls } = recording(await freshNative());
    const numbers = new TextEncoder().encode(
      Array.from({ length: 30_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(" "),
    );
    expect(Buffer.from(decompressWith(native, compress(numbers), {})).equals(numbers)).toBe(true);
    expect(calls.length).toBeGreaterThan(1);
    expect(calls.every((c) => c.dict === undefined)).toBe(true);
  });
});

describe("a native decoder that fails is reported as invalid_lz4 at the block", () => {
  const input = concat(
    compress(Uint8Array.of(1)),
    lz4Frame([literalBlock(30, 6), literalBlock(2000, 7)]),
  );
  const at = input.length - 4 - 2000 - 4; // the second block's size word
  function failing(fail: () => Uint8Array): NativeLz4 {
    return { decodeBlock: fail };
  }
  function caught(native: NativeLz4): EnvelopeError {
    try {
      decompressWith(native, input, { offset: 50 });
    } catch (error) {
      if (isEnvelopeError(error)) return error;
      throw error;
    }
    throw new Error("expected an EnvelopeError");
  }

  test.each([
    ["an Error", new Error("boom"), "LZ4 data is corrupt (boom)"],
    [
      "an EnvelopeError",
      new EnvelopeError("invalid_lz4", "inner detail"),
      "LZ4 data is corrupt (inner detail)",
    ],
    ["something else", "a string", "LZ4 data is corrupt (bad block)"],
  ])("it throws %s: the detail says why, and the cause is kept", (_name, thrown, detail) => {
    const error = caught(
      failing(() => {
        throw thrown;
      }),
    );
    expect({ code: error.code, offset: error.offset, detail: error.detail }).toEqual({
      code: "invalid_lz4",
      offset: 50 + at,
      detail,
    });
    expect(error.cause).toBe(thrown);
  });

  test("it returns the wrong number of bytes", () => {
    const error = caught(failing(() => new Uint8Array(1999)));
    expect({ code: error.code, offset: error.offset, detail: error.detail }).toEqual({
      code: "invalid_lz4",
      offset: 50 + at,
      detail: "LZ4 data is corrupt (bad block)",
    });
    expect("cause" in error).toBe(false);
  });
});
