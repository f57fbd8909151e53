// The codec objects: identity, independence of results, re-entrancy, and
// the claim that nothing here depends on cbor-x or its global state.
import { readdirSync, readFileSync } from "node:fs";
import { cborCodec, createCborCodec } from "@envelope/cbor";
import { type AttributeValue, CODEC_IDS, type Envelope } from "@envelope/core";
import { describe, expect, test } from "vitest";
import { budget, fullEnvelope, minimalEnvelope, toHex } from "./helpers.js";

describe("codec objects", () => {
  test("name and id", () => {
    expect(cborCodec.name).toBe("cbor");
    expect(cborCodec.id).toBe(CODEC_IDS.cbor);
    expect(cborCodec.id).toBe(3);
    expect(Object.isFrozen(cborCodec)).toBe(true);
    const det = createCborCodec({ deterministic: true });
    expect(det.name).toBe("cbor");
    expect(det.id).toBe(3);
  });

  test("the default codec carries its deterministic profile; that profile carries none", () => {
    const map = new Map<string, AttributeValue>([
      ["b", 1n],
      ["a", 1.5],
    ]);
    const body = { attributes: map, extensions: [] };
    expect(toHex(cborCodec.encodeBody(body))).toBe("a101a26162016161fb3ff8000000000000");
    const profile = cborCodec.deterministic!;
    expect(profile.name).toBe("cbor");
    expect(profile.id).toBe(3);
    expect(toHex(profile.encodeBody(body))).toBe("a101a26161f93e006162 01".replace(/\s/g, ""));
    expect("deterministic" in profile).toBe(false);
    expect("deterministic" in createCborCodec({ deterministic: true })).toBe(false);
    expect(toHex(createCborCodec().deterministic!.encodeBody(body))).toBe(
      toHex(profile.encodeBody(body)),
    );
  });

  test("header and body sections decode on their own", () => {
    const e = fullEnvelope();
    const header = cborCodec.encodeHeader(e.header);
    const body = cborCodec.encodeBody(e.body);
    expect(cborCodec.decodeHeader(header, budget(), 24)).toEqual(e.header);
    expect(cborCodec.decodeBody(body, budget(), 24 + header.length)).toEqual(e.body);
  });

  test("sections can be views into a larger buffer (as inside a frame)", () => {
    const e = fullEnvelope();
    e.body.attributes.set(
      "long ascii key for the whole-input string path",
      "a long ASCII value, cut from the input",
    );
    const header = cborCodec.encodeHeader(e.header);
    const body = cborCodec.encodeBody(e.body);
    const frame = new Uint8Array(7 + header.length + body.length + 5).fill(0x5a);
    frame.set(header, 7);
    frame.set(body, 7 + header.length);
    const h = frame.subarray(7, 7 + header.length);
    const b = frame.subarray(7 + header.length, 7 + header.length + body.length);
    expect(cborCodec.decodeHeader(h, budget(), 7)).toEqual(e.header);
    expect(cborCodec.decodeBody(b, budget(), 7 + header.length)).toEqual(e.body);
  });

  test("the unframed envelope is {1: header section, 2: body section}", () => {
    const e = fullEnvelope();
    const expected = `a201${toHex(cborCodec.encodeHeader(e.header))}02${toHex(cborCodec.encodeBody(e.body))}`;
    expect(toHex(cborCodec.encodeEnvelope(e))).toBe(expected);
  });
});

describe("encode results", () => {
  test("stay valid and distinct across many encodes (the writer's slab is never rewritten under a result)", () => {
    const envelopes: Envelope[] = [];
    const results: Uint8Array[] = [];
    for (let i = 0; i < 500; i++) {
      const e = i % 7 === 0 ? fullEnvelope() : minimalEnvelope();
      e.body.attributes.set("i", BigInt(i));
      e.body.attributes.set("pad", "x".repeat(i * 13));
      envelopes.push(e);
      results.push(cborCodec.encodeEnvelope(e));
    }
    for (const [i, bytes] of results.entries()) {
      expect(cborCodec.decodeEnvelope(bytes, budget(), 0)).toEqual(envelopes[i]);
    }
  });

  test("consecutive results are views of one slab, each starting 8-byte aligned", () => {
    const codec = createCborCodec();
    const a = codec.encodeBody({ attributes: new Map([["a", 1n]]), extensions: [] });
    const b = codec.encodeBody({ attributes: new Map([["b", 2n]]), extensions: [] });
    expect(b.buffer).toBe(a.buffer);
    expect(a.byteOffset).toBe(0);
    expect(b.byteOffset).toBe(8);
    expect(toHex(a)).toBe("a101a1616101");
    expect(toHex(b)).toBe("a101a1616202");
  });

  test("an encode starts a new slab when less room is left than the last output took", () => {
    const codec = createCborCodec();
    const body = { attributes: new Map([["p", new Uint8Array(20_000)]]), extensions: [] };
    const first = codec.encodeBody(body);
    expect(first.length).toBe(20_008);
    expect(first.buffer.byteLength).toBe(64 * 1024);
    // Outputs at 0, 20008 and 40016 of the 64 KiB slab.
    const second = codec.encodeBody(body);
    const third = codec.encodeBody(body);
    expect([second.buffer, third.buffer]).toEqual([first.buffer, first.buffer]);
    expect([second.byteOffset, third.byteOffset]).toEqual([20_008, 40_016]);
    // 5512 bytes left: a fresh slab, with room for four outputs of that size.
    const fourth = codec.encodeBody(body);
    expect(fourth.buffer).not.toBe(first.buffer);
    expect(fourth.byteOffset).toBe(0);
    expect(fourth.buffer.byteLength).toBe(4 * 20_008);
    expect(toHex(fourth)).toBe(toHex(first));
  });

  test("a failed encode leaves no gap: the next result starts where it started", () => {
    const codec = createCborCodec();
    const a = codec.encodeBody({ attributes: new Map([["a", 1n]]), extensions: [] });
    const bad = new Map<string, AttributeValue>([
      ["long enough to be written first", "x".repeat(100)],
      ["then", null as never],
    ]);
    expect(() => codec.encodeBody({ attributes: bad, extensions: [] })).toThrow();
    const b = codec.encodeBody({ attributes: new Map([["b", 2n]]), extensions: [] });
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(8);
  });

  test("after an output past 1 MiB the writer goes back to a 64 KiB slab", () => {
    const codec = createCborCodec();
    const big = codec.encodeBody({
      attributes: new Map([["p", new Uint8Array(2 << 20)]]),
      extensions: [],
    });
    expect(big.buffer.byteLength).toBeGreaterThan(1 << 20);
    const next = codec.encodeBody({ attributes: new Map([["b", 2n]]), extensions: [] });
    expect(next.buffer).not.toBe(big.buffer);
    expect(next.buffer.byteLength).toBe(64 * 1024);
    expect(next.byteOffset).toBe(0);
    expect(toHex(next)).toBe("a101a1616202");
  });

  test("writing into one result does not touch another", () => {
    const a = cborCodec.encodeBody({ attributes: new Map([["a", 1n]]), extensions: [] });
    const b = cborCodec.encodeBody({ attributes: new Map([["b", 2n]]), extensions: [] });
    a.fill(0);
    expect(toHex(b)).toBe("a101a1616202");
  });

  test("transferring a result's ArrayBuffer does not break the codec", () => {
    const codec = createCborCodec();
    const a = codec.encodeBody({ attributes: new Map([["a", 1n]]), extensions: [] });
    structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(a.byteLength).toBe(0);
    expect(toHex(codec.encodeBody({ attributes: new Map([["b", 2n]]), extensions: [] }))).toBe(
      "a101a1616202",
    );
  });

  test("an envelope larger than a slab, then small ones again", () => {
    const big = minimalEnvelope();
    for (let i = 0; i < 2000; i++) big.body.attributes.set(`k${i}`, "v".repeat(1000));
    const bytes = cborCodec.encodeEnvelope(big);
    expect(bytes.length).toBeGreaterThan(2_000_000);
    expect(cborCodec.decodeEnvelope(bytes, budget(), 0)).toEqual(big);
    const small = cborCodec.encodeEnvelope(minimalEnvelope());
    expect(cborCodec.decodeEnvelope(small, budget(), 0)).toEqual(minimalEnvelope());
    expect(cborCodec.decodeEnvelope(bytes, budget(), 0)).toEqual(big);
  });

  test("a failed encode leaves the codec usable", () => {
    const bad = minimalEnvelope();
    bad.body.attributes.set("x", undefined as never);
    expect(() => cborCodec.encodeEnvelope(bad)).toThrow();
    expect(
      cborCodec.decodeEnvelope(cborCodec.encodeEnvelope(minimalEnvelope()), budget(), 0),
    ).toEqual(minimalEnvelope());
  });

  test("re-entrant: a Map whose iteration encodes with the same codec", () => {
    let inner: Uint8Array | undefined;
    class Sneaky extends Map<string, AttributeValue> {
      override *[Symbol.iterator](): MapIterator<[string, AttributeValue]> {
        inner = cborCodec.encodeBody({ attributes: new Map([["inner", true]]), extensions: [] });
        yield* super.entries();
      }
    }
    const outer = cborCodec.encodeBody({ attributes: new Sneaky([["outer", 1n]]), extensions: [] });
    expect(toHex(outer)).toBe("a101a1656f7574657201");
    expect(toHex(inner!)).toBe("a101a165696e6e6572f5");
  });
});

describe("independence from cbor-x", () => {
  test("no source file imports cbor-x (so no global decoder state or setSizeLimits is involved)", () => {
    const dir = new URL("../src/", import.meta.url);
    const files = readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((f) => f.isFile() && f.name.endsWith(".ts"))
      .map((f) => `${f.parentPath}/${f.name}`);
    expect(files.length).toBeGreaterThan(5);
    for (const file of files)
      expect(readFileSync(file, "utf8")).not.toMatch(/from "cbor-x|require\("cbor-x/);
  });
});
