// Defaults on read (docs/spec.md "Defaults on read"): what is filled, where,
// in which order, and that every filled value is a fresh copy.
import type { Envelope } from "@envelope/core";
import { applyDefaults, compileSchema } from "@envelope/registry";
import { describe, expect, test } from "vitest";
import { testDescriptor, testEnvelope } from "./support.js";

const schema = compileSchema(
  testDescriptor(
    [
      { key: "name", type: "string" },
      { key: "count", type: "int", default: "9223372036854775807" },
      { key: "ratio", type: "double", default: "-0" },
      { key: "on", type: "bool", default: false },
      { key: "blob", type: "bytes", default: "AQID" },
      { key: "tags", type: "string", presence: "repeated", default: ["a", "b"] },
      { key: "grid", type: "array<array<int>>", default: [[1, 2], []] },
      { key: "labels", type: "map<bytes>", default: { k: "AA==" } },
      { key: "loose", type: "map", default: { n: 1, list: ["x"] } },
      { key: "extra", type: "string", presence: "repeated" },
    ],
    [
      {
        namespace: "card",
        version: "^1.0.0",
        attributes: [
          { key: "brand", type: "string" },
          { key: "country", type: "string", default: "ZZ" },
        ],
      },
      { namespace: "http", version: "^1.0.0", attributes: [{ key: "method", type: "string" }] },
      { namespace: "free", version: "^1.0.0" },
    ],
  ),
);
const noDefaults = compileSchema(testDescriptor([{ key: "name", type: "string" }], [], "p"));

const FULL = {
  count: 1n,
  ratio: 1.5,
  on: true,
  blob: new Uint8Array([9]),
  tags: ["z"],
  grid: [[7n]],
  labels: new Map([["q", new Uint8Array([5])]]),
  loose: new Map([["x", "y"]]),
};

const envelope = testEnvelope;

describe("applyDefaults", () => {
  test("absent attributes get their default, after the present ones, in descriptor order", () => {
    const out = applyDefaults(schema, envelope({ tags: ["p"], name: "n" }));
    expect([...out.body.attributes]).toEqual([
      ["tags", ["p"]],
      ["name", "n"],
      ["count", 9223372036854775807n],
      ["ratio", -0],
      ["on", false],
      ["blob", new Uint8Array([1, 2, 3])],
      ["grid", [[1n, 2n], []]],
      ["labels", new Map([["k", new Uint8Array([0])]])],
      [
        "loose",
        new Map<string, unknown>([
          ["n", 1],
          ["list", ["x"]],
        ]),
      ],
    ]);
    expect(Object.is(out.body.attributes.get("ratio"), -0)).toBe(true);
  });

  test("each filled value is a fresh copy, down to nested values", () => {
    const first = applyDefaults(schema, envelope({})).body.attributes;
    (first.get("blob") as Uint8Array)[0] = 99;
    (first.get("tags") as string[]).push("c");
    ((first.get("grid") as bigint[][])[0] as bigint[]).push(3n);
    ((first.get("labels") as Map<string, Uint8Array>).get("k") as Uint8Array)[0] = 99;
    (first.get("labels") as Map<string, Uint8Array>).set("new", new Uint8Array());
    ((first.get("loose") as Map<string, unknown>).get("list") as string[]).push("y");
    const again = applyDefaults(schema, envelope({})).body.attributes;
    expect(again.get("blob")).toEqual(new Uint8Array([1, 2, 3]));
    expect(again.get("tags")).toEqual(["a", "b"]);
    expect(again.get("grid")).toEqual([[1n, 2n], []]);
    expect(again.get("labels")).toEqual(new Map([["k", new Uint8Array([0])]]));
    expect(again.get("loose")).toEqual(
      new Map<string, unknown>([
        ["n", 1],
        ["list", ["x"]],
      ]),
    );
  });

  test("present extensions declaring defaults are filled; absent ones are not created", () => {
    const input = envelope(FULL, [
      { namespace: "http", version: "1.0.0", attributes: { method: "GET" } },
      { namespace: "card", version: "1.0.0", attributes: { brand: "visa" } },
      { namespace: "free", version: "1.0.0", attributes: { any: 1 } },
      { namespace: "other", version: "1.0.0", attributes: {} },
      { namespace: "card", version: "1.0.0", attributes: { country: "FR" } },
    ]);
    const out = applyDefaults(schema, input);
    expect(out).not.toBe(input);
    expect(out.body.attributes).toBe(input.body.attributes);
    expect(out.body.extensions).toHaveLength(5);
    expect(out.body.extensions[0]).toBe(input.body.extensions[0]);
    expect([...out.body.extensions[1]!.attributes]).toEqual([
      ["brand", "visa"],
      ["country", "ZZ"],
    ]);
    expect(out.body.extensions[1]!.namespace).toBe("card");
    expect(out.body.extensions[2]).toBe(input.body.extensions[2]);
    expect(out.body.extensions[3]).toBe(input.body.extensions[3]);
    expect(out.body.extensions[4]).toBe(input.body.extensions[4]);
    expect(input.body.extensions[1]!.attributes.has("country")).toBe(false);
    expect(applyDefaults(schema, envelope({}, [])).body.extensions).toEqual([]);
  });

  test("the envelope itself when nothing is absent; the input is never modified", () => {
    const full = envelope(FULL, [
      { namespace: "card", version: "1.0.0", attributes: { country: "FR" } },
    ]);
    expect(applyDefaults(schema, full)).toBe(full);
    const plain = testEnvelope({}, [], { subtype: "p" });
    expect(applyDefaults(noDefaults, plain)).toBe(plain);
    const sparse = envelope({ name: "n" }, [
      { namespace: "http", version: "1.0.0", attributes: { method: "GET" } },
    ]);
    const out = applyDefaults(schema, sparse);
    expect(out.body.extensions).toBe(sparse.body.extensions);
    expect(out.header).toBe(sparse.header);
    expect([...sparse.body.attributes.keys()]).toEqual(["name"]);
  });

  test("malformed envelopes: no body, no extension list, an extension without attributes", () => {
    const noBody = { header: envelope({}).header } as unknown as Envelope;
    expect(applyDefaults(schema, noBody)).toBe(noBody);
    const noList = { ...envelope(FULL), body: { attributes: new Map(Object.entries(FULL)) } };
    const filled = applyDefaults(schema, noList as unknown as Envelope);
    expect(filled).toBe(noList);
    const noListSparse = { ...envelope({}), body: { attributes: new Map() } };
    const out = applyDefaults(schema, noListSparse as unknown as Envelope);
    expect(out.body.extensions).toEqual([]);
    expect(out.body.attributes.get("on")).toBe(false);
    const bare = { namespace: "http", version: "1.0.0" };
    const withBare = {
      ...envelope(FULL),
      body: { attributes: new Map(Object.entries(FULL)), extensions: [bare] },
    };
    expect(applyDefaults(schema, withBare as unknown as Envelope)).toBe(withBare);
    const bareCard = { namespace: "card", version: "1.0.0" };
    const withBareCard = {
      ...envelope(FULL),
      body: { attributes: new Map(Object.entries(FULL)), extensions: [bareCard] },
    };
    const cardOut = applyDefaults(schema, withBareCard as unknown as Envelope);
    expect([...cardOut.body.extensions[0]!.attributes]).toEqual([["country", "ZZ"]]);
  });
});
