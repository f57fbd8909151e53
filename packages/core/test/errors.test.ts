import { describe, expect, test } from "vitest";
import { EnvelopeError, excerpt, isEnvelopeError } from "../src/index.js";

describe("EnvelopeError is structured", () => {
  test("fields are kept apart and the message is composed from them", () => {
    const e = new EnvelopeError("invalid_utf8", "bad text", { offset: 12, path: "header.id" });
    expect(e.code).toBe("invalid_utf8");
    expect(e.detail).toBe("bad text");
    expect(e.offset).toBe(12);
    expect(e.path).toBe("header.id");
    expect(e.section).toBeUndefined();
    expect(e.message).toBe("[invalid_utf8] bad text (at header.id, at byte 12)");
    expect(e.location).toEqual({ offset: 12, path: "header.id" });
  });

  test("rebase moves a whole-input offset once, keeps path, detail and cause", () => {
    const inner = new EnvelopeError("truncated", "short", { offset: 5, path: "body" });
    const outer = inner.rebase(100);
    expect(outer.offset).toBe(105);
    expect(outer.path).toBe("body");
    expect(outer.detail).toBe("short");
    expect(outer.cause).toBe(inner);
    expect(outer.message).toBe("[truncated] short (at body, at byte 105)");
    // Rebasing twice adds twice; the path is never repeated.
    expect(outer.rebase(10).message).toBe("[truncated] short (at body, at byte 115)");
  });

  test("rebase by 0 without a location, or of an error without offsets, returns the same error", () => {
    const e = new EnvelopeError("invalid_value", "x", { path: "a" });
    expect(e.rebase(0)).toBe(e);
    expect(e.rebase(40)).toBe(e);
  });

  test("an offset in the decompressed body stays relative; its stored position moves", () => {
    const inner = new EnvelopeError("limit_exceeded", "too deep", { offset: 7 });
    const inBody = inner.rebase(0, { section: "decompressed-body", sectionOffset: 40 });
    expect(inBody.offset).toBe(7);
    expect(inBody.sectionOffset).toBe(40);
    expect(inBody.message).toBe(
      "[limit_exceeded] too deep (at byte 7 of the decompressed body, stored at byte 40)",
    );
    const inStream = inBody.rebase(1000);
    expect(inStream.offset).toBe(7);
    expect(inStream.sectionOffset).toBe(1040);
  });

  test("issues survive a rebase", () => {
    const issues = [{ path: "a", code: "missing_field", message: "m" }];
    const e = new EnvelopeError("schema_violation", "s", { offset: 1 }, { issues });
    expect(e.rebase(2).issues).toBe(issues);
  });

  test("isEnvelopeError checks name and code", () => {
    expect(isEnvelopeError(new EnvelopeError("truncated", "x"), "truncated")).toBe(true);
    expect(isEnvelopeError(new EnvelopeError("truncated", "x"), "bad_magic")).toBe(false);
    expect(isEnvelopeError(new Error("x"))).toBe(false);
  });

  test("excerpt cuts untrusted text", () => {
    expect(excerpt("abc")).toBe("abc");
    expect(excerpt("a".repeat(100), 5)).toBe("aaaaa…");
  });
});

describe("what callers read off an error", () => {
  test("name is EnvelopeError, so logs and other copies of the package can tell it", () => {
    const e = new EnvelopeError("truncated", "x");
    expect(e.name).toBe("EnvelopeError");
    expect(String(e)).toBe("EnvelopeError: [truncated] x");
    expect(e).toBeInstanceOf(Error);
  });

  test("location holds exactly the fields that are set", () => {
    const keys = (location: ConstructorParameters<typeof EnvelopeError>[2]) =>
      Object.keys(new EnvelopeError("truncated", "x", location).location);
    expect(keys({})).toEqual([]);
    expect(keys({ offset: 0 })).toEqual(["offset"]);
    expect(keys({ path: "" })).toEqual(["path"]);
    expect(keys({ section: "decompressed-body" })).toEqual(["section"]);
    expect(keys({ sectionOffset: 0 })).toEqual(["sectionOffset"]);
    expect(keys({ offset: 1, path: "a", section: "decompressed-body", sectionOffset: 2 })).toEqual([
      "offset",
      "path",
      "section",
      "sectionOffset",
    ]);
  });

  test("a message without a location has no parentheses", () => {
    expect(new EnvelopeError("invalid_value", "bad").message).toBe("[invalid_value] bad");
    expect(new EnvelopeError("invalid_value", "bad", { path: "" }).message).toBe(
      "[invalid_value] bad (at )",
    );
    expect(
      new EnvelopeError("too_large", "big", { offset: 3, section: "decompressed-body" }).message,
    ).toBe("[too_large] big (at byte 3 of the decompressed body)");
  });
});

describe("rebase", () => {
  test("an offset inside the decompressed body is not moved; only its stored position is", () => {
    const inner = new EnvelopeError("truncated", "x", {
      offset: 4,
      section: "decompressed-body",
    });
    // Nothing to move (no stored position), nothing to replace: the same error.
    expect(inner.rebase(50)).toBe(inner);
  });

  test("a location replaces the error's fields; the offset is then not moved", () => {
    const inner = new EnvelopeError("truncated", "x", { offset: 5, path: "a" });
    const replaced = inner.rebase(100, { offset: 7, path: "b" });
    expect(replaced.location).toEqual({ offset: 7, path: "b" });
    expect(replaced.cause).toBe(inner);
    expect(replaced.message).toBe("[truncated] x (at b, at byte 7)");
  });

  test("a location given with by 0 still makes a new error", () => {
    const inner = new EnvelopeError("truncated", "x", { offset: 5 });
    const withPath = inner.rebase(0, { path: "body" });
    expect(withPath).not.toBe(inner);
    expect(withPath.location).toEqual({ offset: 5, path: "body" });
  });

  test("a given sectionOffset is kept as given, not moved by `by`", () => {
    const inner = new EnvelopeError("truncated", "x", {
      offset: 1,
      section: "decompressed-body",
      sectionOffset: 10,
    });
    const moved = inner.rebase(5, { sectionOffset: 3 });
    expect(moved.location).toEqual({ offset: 1, section: "decompressed-body", sectionOffset: 3 });
    expect(inner.rebase(5).location).toEqual({
      offset: 1,
      section: "decompressed-body",
      sectionOffset: 15,
    });
  });

  test("rebase by 0 with an empty location keeps the same error even with an offset", () => {
    const e = new EnvelopeError("truncated", "x", { offset: 9, sectionOffset: 2 });
    expect(e.rebase(0)).toBe(e);
    expect(e.rebase(0, {})).toBe(e);
  });

  test("an error without issues gets none after a rebase", () => {
    const e = new EnvelopeError("truncated", "x", { offset: 1 }).rebase(1);
    expect(e.issues).toBeUndefined();
    expect(Object.hasOwn(e, "issues")).toBe(true);
  });
});

describe("isEnvelopeError across copies of the package", () => {
  test("a plain object named EnvelopeError with a string code is one", () => {
    const copy = { name: "EnvelopeError", code: "truncated", message: "m" };
    expect(isEnvelopeError(copy)).toBe(true);
    expect(isEnvelopeError(copy, "truncated")).toBe(true);
    expect(isEnvelopeError(copy, "bad_magic")).toBe(false);
  });

  test.each<[string, unknown]>([
    ["null", null],
    ["undefined", undefined],
    ["a string", "EnvelopeError"],
    ["another name", { name: "Error", code: "truncated" }],
    ["a code that is not a string", { name: "EnvelopeError", code: 1 }],
    ["no code", { name: "EnvelopeError" }],
  ])("%s is not", (_label, value) => {
    expect(isEnvelopeError(value)).toBe(false);
  });

  test("an EnvelopeError of this copy needs no name check", () => {
    expect(isEnvelopeError(new EnvelopeError("truncated", "x"))).toBe(true);
  });
});

describe("excerpt", () => {
  test("text of exactly max characters is kept whole", () => {
    expect(excerpt("abcde", 5)).toBe("abcde");
    expect(excerpt("abcdef", 5)).toBe("abcde…");
    expect(excerpt("a".repeat(40))).toBe("a".repeat(40));
    expect(excerpt("a".repeat(41))).toBe(`${"a".repeat(40)}…`);
  });
});
