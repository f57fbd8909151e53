/**
 * Security properties of every decoder (docs/security.md): no prototype
 * pollution, no dynamic code, bombs fail in bounded memory.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { crc32c } from "@envelope/core";
import { compress, decompress } from "@envelope/lz4";
import { createEnvelope, decode, encode, fromJson, isEnvelopeError, toJson } from "@envelope/sdk";
import { describe, expect, test } from "vitest";

const ROOT = new URL("../../", import.meta.url);

describe("no prototype pollution from any decoder", () => {
  const keys = ["__proto__", "constructor", "prototype"];
  test.each([
    "protobuf",
    "json",
    "cbor",
  ] as const)("%s: the keys stay plain attribute keys", (codec) => {
    const attributes = new Map<string, unknown>(
      keys.map((k) => [
        k,
        new Map<string, unknown>([
          ["polluted", true],
          ["__proto__", "x"],
        ]),
      ]),
    );
    const e = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
      attributes: attributes as never,
    });
    const back = decode(encode(e, { codec }));
    expect([...back.body.attributes.keys()]).toEqual(keys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back.body)).toBe(Object.prototype);
    // Through the JSON mapping as plain objects, too.
    const again = fromJson(JSON.parse(JSON.stringify(toJson(back))));
    expect([...again.body.attributes.keys()]).toEqual(keys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("unknown JSON keys named __proto__ never reach a prototype", () => {
    const json = toJson(
      createEnvelope({
        schema: { type: "t", subtype: "s", version: "1.0.0" },
        resource: { serviceName: "x" },
      }),
    );
    const text = JSON.stringify(json).replace(
      '{"header":{',
      '{"header":{"__proto__":{"polluted":true},',
    );
    const back = decode(new TextEncoder().encode(text), { framed: false, codec: "json" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(back.header)).toBe(Object.prototype);
  });
});

describe("no eval or new Function on any SDK code path (strict Content Security Policy)", () => {
  function sources(dir: URL, out: string[] = []): string[] {
    for (const name of readdirSync(dir)) {
      const path = new URL(name, dir);
      if (statSync(path).isDirectory()) sources(new URL(`${name}/`, dir), out);
      else if (/\.(ts|js|mjs)$/.test(name)) out.push(readFileSync(path, "utf8"));
    }
    return out;
  }
  test.each(
    readdirSync(new URL("packages/", ROOT)).filter((p) => p !== "cli"),
  )("packages/%s/src", (pkg) => {
    for (const source of sources(new URL(`packages/${pkg}/src/`, ROOT))) {
      expect(source).not.toMatch(/\beval\s*\(|new\s+Function\s*\(|\bFunction\s*\(\s*["'`]/);
    }
  });
});

describe("compression bombs fail before memory grows past the limit", () => {
  test("a 4 MB LZ4 frame that expands to 1 GiB: peak memory stays under twice the 64 MiB limit", () => {
    const one = compress(new Uint8Array(65536));
    const block = one.subarray(7, one.length - 4);
    const bomb = new Uint8Array(7 + block.length * 16384 + 4);
    bomb.set(one.subarray(0, 7));
    for (let i = 0; i < 16384; i++) bomb.set(block, 7 + i * block.length);
    const limit = 64 * 1024 * 1024;
    const before = process.memoryUsage();
    let code: string | undefined;
    try {
      decompress(bomb, { maxSize: limit });
    } catch (error) {
      code = isEnvelopeError(error) ? error.code : String(error);
    }
    const after = process.memoryUsage();
    expect(code).toBe("too_large");
    expect(after.rss - before.rss).toBeLessThan(2 * limit);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(2 * limit);
  });

  test("the same bomb inside a frame that declares a small body", () => {
    const e = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
      attributes: { pad: "x".repeat(400) },
    });
    const frame = encode(e, { compression: "lz4" });
    const view = new DataView(frame.buffer, frame.byteOffset);
    const headerLength = view.getUint32(8, true);
    const one = compress(new Uint8Array(65536));
    const block = one.subarray(7, one.length - 4);
    const lz4 = new Uint8Array(7 + block.length * 4096 + 4);
    lz4.set(one.subarray(0, 7));
    for (let i = 0; i < 4096; i++) lz4.set(block, 7 + i * block.length);
    const forged = new Uint8Array(24 + headerLength + lz4.length);
    forged.set(frame.subarray(0, 24 + headerLength));
    forged.set(lz4, 24 + headerLength);
    const v = new DataView(forged.buffer);
    v.setUint32(12, lz4.length, true);
    v.setUint32(16, 1000, true); // claims 1,000 bytes after decompression
    v.setUint32(20, crc32c(forged, 0, 0, 20), true);
    try {
      decode(forged);
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "too_large")).toBe(true);
    }
  });
});
