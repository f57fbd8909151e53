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
