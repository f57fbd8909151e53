// What the JSON writer makes of every attribute kind and of kept unknown
// data, and what it refuses (docs/spec.md, "Codec: JSON").
import { describe, expect, test } from "vitest";
import {
  type AttributeValue,
  createEnvelope,
  MAX_DEPTH_CEILING,
  toJson,
  UnknownValue,
  valueToJson,
} from "../src/index.js";
import { thrown } from "./thrown.js";

function nested(levels: number, wrap: (inner: AttributeValue) => AttributeValue): AttributeValue {
  let v: AttributeValue = true;
  for (let i = 0; i < levels; i++) v = wrap(v);
  return v;
}

describe("doubles", () => {
  test.each<[number, number | string]>([
    [0, 0],
    [-0, "-0"],
    [1.5, 1.5],
    [-1, -1],
    [-5e-324, -5e-324],
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("%s is written as %j", (value, json) => {
    expect(valueToJson(value)).toEqual({ doubleValue: json });
  });
});

describe("maps and arrays", () => {
  test("an empty key is left out, as every proto3 default is", () => {
    expect(
      valueToJson(
        new Map<string, AttributeValue>([
          ["", 1n],
          ["a", "x"],
        ]),
      ),
    ).toEqual({
      kvlistValue: {
        values: [{ value: { intValue: "1" } }, { key: "a", value: { stringValue: "x" } }],
      },
    });
    const written = valueToJson(new Map([["", 1n]])) as {
      kvlistValue: { values: object[] };
    };
    expect(Object.keys(written.kvlistValue.values[0]!)).toEqual(["value"]);
  });

  test(`arrays and maps nest up to ${MAX_DEPTH_CEILING} levels, not one more`, () => {
    for (const wrap of [(v: AttributeValue) => [v], (v: AttributeValue) => new Map([["k", v]])]) {
      expect(() => valueToJson(nested(MAX_DEPTH_CEILING, wrap))).not.toThrow();
      const e = thrown(() => valueToJson(nested(MAX_DEPTH_CEILING + 1, wrap)));
      expect(e.code).toBe("limit_exceeded");
      expect(e.detail).toBe(
        "attribute value nested deeper than 256 (the deepest any reader accepts), or circular",
      );
    }
  });

  test("a circular array is limit_exceeded, not a stack overflow", () => {
    const loop: AttributeValue[] = [];
    loop.push(loop);
    expect(thrown(() => valueToJson(loop)).code).toBe("limit_exceeded");
  });
});

describe("values the writer refuses", () => {
  test("a kind the contract does not have", () => {
    const e = thrown(() => valueToJson(Symbol("s") as never));
    expect(e.code).toBe("invalid_value");
    expect(e.detail).toBe("unsupported attribute value type symbol");
    expect(thrown(() => valueToJson({} as never)).detail).toBe(
      "unsupported attribute value type object",
    );
  });

  test("a value of a newer kind read by another codec", () => {
    const e = thrown(() => valueToJson(new UnknownValue("cbor", new Uint8Array([0xf6]))));
    expect(e.code).toBe("invalid_value");
    expect(e.detail).toBe(
      "an attribute value of a kind unknown to this version was read by the cbor codec and cannot be written as JSON",
    );
  });

  test("a value of a newer kind read as JSON is written back member by member", () => {
    expect(valueToJson(new UnknownValue("json", [["futureValue", { a: [1] }]]))).toEqual({
      futureValue: { a: [1] },
    });
  });

  test.each<[string, unknown]>([
    ["not a list", { futureValue: 1 }],
    ["a pair of one", [["futureValue"]]],
    ["a pair of three", [["futureValue", 1, 2]]],
    ["a key that is not a string", [[1, 1]]],
    ["a pair that is not an array", ["futureValue"]],
  ])("hand-made unknown data that is %s", (_label, data) => {
    const e = thrown(() => valueToJson(new UnknownValue("json", data as never)));
    expect(e.code).toBe("invalid_value");
    expect(e.detail).toBe("unknown JSON data is not a list of [key, value] pairs");
  });
});

describe("unknown members of the header and body", () => {
  const base = () =>
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "svc" },
      eventId: new Uint8Array(16).fill(1),
      timeUnixNano: 5n,
    });

  test("are written after the known members, which win a clash", () => {
    const e = base();
    e.header.$unknown = {
      codec: "json",
      data: [
        ["tenant", "acme"],
        ["eventId", "forged"],
      ],
    };
    const json = toJson(e) as { header: Record<string, unknown> };
    expect(json.header.eventId).toBe("01010101010101010101010101010101");
    expect(json.header.tenant).toBe("acme");
    expect(Object.keys(json.header).at(-1)).toBe("tenant");
  });

  test("kept by another codec, they are not written as JSON", () => {
    const e = base();
    e.header.$unknown = { codec: "protobuf", data: new Uint8Array([0xa0, 0x06, 0x01]) };
    expect(Object.keys(toJson(e).header as object)).not.toContain("$unknown");
    expect(JSON.stringify(toJson(e))).toBe(JSON.stringify(toJson(base())));
  });

  test("unknown data nested past what any reader accepts is refused", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 4 * MAX_DEPTH_CEILING + 9; i++) deep = [deep];
    const e = base();
    e.body.$unknown = { codec: "json", data: [["x", deep as never]] };
    expect(thrown(() => toJson(e)).code).toBe("limit_exceeded");
  });

  test("unknown data with more members than a default reader counts is still written", () => {
    const e = base();
    const many = Array.from({ length: 900_000 }, () => 0);
    e.body.$unknown = { codec: "json", data: [["x", many]] };
    expect(((toJson(e).body as Record<string, unknown>).x as unknown[]).length).toBe(900_000);
  });
});
