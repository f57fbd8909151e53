/**
 * The export's direct column building gives the same Arrow vectors as
 * apache-arrow's own builders, for every column type the export uses,
 * with nulls, empty values, non-ASCII text and the int64/uint64 extremes.
 */
import {
  Binary,
  Bool,
  type DataType,
  Field,
  Float64,
  Int32,
  Int64,
  List,
  Map_,
  makeBuilder,
  makeVector,
  Struct,
  Uint64,
  Utf8,
} from "apache-arrow";
import { describe, expect, it } from "vitest";
import { columnData } from "../src/columns.js";

const textMap: Map_<Utf8, Utf8> = new Map_(
  new Field(
    "entries",
    new Struct([new Field("key", new Utf8(), false), new Field("value", new Utf8(), false)]),
    false,
  ),
);

const CASES: [string, DataType, unknown[]][] = [
  ["utf8", new Utf8(), ["a", null, "", "é日本😀", "x".repeat(300), null]],
  ["utf8 without nulls", new Utf8(), ["a", "b"]],
  ["binary", new Binary(), [new Uint8Array([1, 2]), null, new Uint8Array(0)]],
  ["int64", new Int64(), [9223372036854775807n, null, -9223372036854775808n, 0n]],
  ["uint64", new Uint64(), [18446744073709551615n, 1n]],
  ["int32", new Int32(), [2, null, -1]],
  ["float64", new Float64(), [0.1, null, -0, Number.NaN, Number.POSITIVE_INFINITY]],
  ["bool", new Bool(), [true, false, null, true, true, false, true, true, false]],
  ["list<utf8>", new List(new Field("item", new Utf8(), false)), [["a", "b"], null, [], ["c"]]],
  ["list<int64>", new List(new Field("item", new Int64(), false)), [[1n, 2n], [], null]],
  [
    "map<utf8, utf8>",
    textMap,
    [
      new Map([
        ["k", "v"],
        ["é", "😀"],
      ]),
      new Map(),
      null,
      new Map([["a", ""]]),
    ],
  ],
  ["empty column", new Utf8(), []],
];

function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "object" && "toJSON" in (v as object))
    return (v as { toJSON(): unknown }).toJSON();
  if (v instanceof Uint8Array) return [...v];
  if (typeof v === "object" && Symbol.iterator in (v as object))
    return [...(v as Iterable<unknown>)].map(plain);
  return v;
}

describe.each(CASES)("%s", (_name, type, values) => {
  it("equals apache-arrow's builder", () => {
    const builder = makeBuilder({ type, nullValues: [null] });
    for (const v of values) builder.append(v);
    const expected = builder.finish().toVector();
    const actual = makeVector(columnData(type, values));
    expect(actual.length).toBe(values.length);
    expect(actual.nullCount).toBe(expected.nullCount);
    expect(Array.from(actual, plain)).toEqual(Array.from(expected, plain));
  });
});
