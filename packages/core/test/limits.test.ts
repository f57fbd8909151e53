import { describe, expect, test } from "vitest";
import {
  DEFAULT_LIMITS,
  DecodeBudget,
  type Limits,
  MAX_DEPTH_CEILING,
  resolveLimits,
} from "../src/index.js";
import { thrown } from "./thrown.js";

describe("resolveLimits", () => {
  test("no argument: the frozen defaults themselves", () => {
    expect(resolveLimits()).toBe(DEFAULT_LIMITS);
    expect(Object.isFrozen(DEFAULT_LIMITS)).toBe(true);
    expect(DEFAULT_LIMITS).toEqual({
      maxFrameSize: 64 * 1024 * 1024,
      maxDecompressedSize: 64 * 1024 * 1024,
      maxDepth: 32,
      maxAttributes: 100_000,
      maxKeyLength: 1024,
      maxStringLength: 16 * 1024 * 1024,
      maxBytesLength: 16 * 1024 * 1024,
    });
  });

  test("given limits replace the defaults one by one; the result is frozen", () => {
    const limits = resolveLimits({ maxDepth: 3, maxStringLength: 0 });
    expect(limits).toEqual({ ...DEFAULT_LIMITS, maxDepth: 3, maxStringLength: 0 });
    expect(Object.isFrozen(limits)).toBe(true);
    expect(resolveLimits({})).toEqual(DEFAULT_LIMITS);
  });

  test.each<[keyof Limits, unknown, string]>([
    ["maxFrameSize", -1, "limits.maxFrameSize must be a non-negative safe integer, got -1"],
    ["maxDepth", 1.5, "limits.maxDepth must be a non-negative safe integer, got 1.5"],
    [
      "maxAttributes",
      Number.NaN,
      "limits.maxAttributes must be a non-negative safe integer, got NaN",
    ],
    [
      "maxKeyLength",
      2 ** 53,
      "limits.maxKeyLength must be a non-negative safe integer, got 9007199254740992",
    ],
    [
      "maxStringLength",
      "5",
      "limits.maxStringLength must be a non-negative safe integer, got string",
    ],
    ["maxBytesLength", 5n, "limits.maxBytesLength must be a non-negative safe integer, got bigint"],
    [
      "maxDecompressedSize",
      Number.POSITIVE_INFINITY,
      "limits.maxDecompressedSize must be a non-negative safe integer, got Infinity",
    ],
  ])("%s = %s is refused", (name, value, detail) => {
    const e = thrown(() => resolveLimits({ [name]: value } as Partial<Limits>));
    expect(e.code).toBe("invalid_argument");
    expect(e.detail).toBe(detail);
  });

  test("undefined for a limit keeps its default; keys that are not limits are left out", () => {
    const options: { maxDepth?: number } = {};
    const limits = resolveLimits({
      maxDepth: options.maxDepth,
      maxKeyLength: 8,
      maxFoo: 1,
    } as Partial<Limits>);
    expect(limits).toStrictEqual({ ...DEFAULT_LIMITS, maxKeyLength: 8 });
  });

  test(`maxDepth may be raised to ${MAX_DEPTH_CEILING}, not past it`, () => {
    expect(MAX_DEPTH_CEILING).toBe(256);
    expect(resolveLimits({ maxDepth: 256 }).maxDepth).toBe(256);
    const e = thrown(() => resolveLimits({ maxDepth: 257 }));
    expect(e.code).toBe("invalid_argument");
    expect(e.detail).toBe("limits.maxDepth must be at most 256, got 257");
  });
});

describe("DecodeBudget", () => {
  const budget = (limits: Partial<Limits>) => new DecodeBudget(resolveLimits(limits));

  test("countEntry allows exactly maxAttributes entries", () => {
    const b = budget({ maxAttributes: 2 });
    b.countEntry(0);
    b.countEntry(1);
    expect(b.entries).toBe(2);
    const e = thrown(() => b.countEntry(17));
    expect(e.code).toBe("limit_exceeded");
    expect(e.detail).toBe(
      "more than 2 entries (attributes, array elements, extensions, unknown fields)",
    );
    expect(e.location).toEqual({ offset: 17 });
  });

  test("countEntry names a path when given one", () => {
    const b = budget({ maxAttributes: 0 });
    const e = thrown(() => b.countEntry('body.attributes["a"]'));
    expect(e.location).toEqual({ path: 'body.attributes["a"]' });
    expect(e.message).toBe(
      '[limit_exceeded] more than 0 entries (attributes, array elements, extensions, unknown fields) (at body.attributes["a"])',
    );
  });

  test("checkKeyLength allows a key of exactly maxKeyLength bytes", () => {
    const b = budget({ maxKeyLength: 4 });
    b.checkKeyLength(4, 0);
    const atOffset = thrown(() => b.checkKeyLength(5, 9));
    expect(atOffset.code).toBe("limit_exceeded");
    expect(atOffset.detail).toBe("a key of 5 bytes is longer than maxKeyLength (4)");
    expect(atOffset.location).toEqual({ offset: 9 });
    const atPath = thrown(() => b.checkKeyLength(6, "body.extensions"));
    expect(atPath.location).toEqual({ path: "body.extensions" });
  });

  test("each decode has its own count", () => {
    const limits = resolveLimits({ maxAttributes: 1 });
    const first = new DecodeBudget(limits);
    first.countEntry(0);
    const second = new DecodeBudget(limits);
    expect(second.entries).toBe(0);
    second.countEntry(0);
    expect(second.limits).toBe(limits);
  });
});
