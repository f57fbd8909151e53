import { isEnvelopeError } from "@envelope/core";
import {
  createTraceState,
  EMPTY_TRACE_STATE,
  formatTraceState,
  isValidTraceStateKey,
  isValidTraceStateValue,
  parseTraceState,
  parseTraceStateWithReason,
  redactTraceState,
  type TraceState,
  type TraceStateIssue,
  traceStateDelete,
  traceStateGet,
  traceStateSet,
} from "@envelope/trace";
import { describe, expect, test } from "vitest";

const members = (count: number, prefix = "k") =>
  Array.from({ length: count }, (_, i) => `${prefix}${i}=v${i}`).join(",");

function thrownCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isEnvelopeError(e) ? e.code : `not an EnvelopeError: ${String(e)}`;
  }
  return undefined;
}

describe("parseTraceState accepts", () => {
  test.each<[string, string | string[], [string, string][]]>([
    ["empty", "", []],
    ["only OWS and commas", " \t, ,\t,", []],
    ["one member", "foo=1", [["foo", "1"]]],
    [
      "order kept",
      "b=2,a=1,c=3",
      [
        ["b", "2"],
        ["a", "1"],
        ["c", "3"],
      ],
    ],
    [
      "OWS around members",
      " \tfoo=1 \t, \tbar=2\t ",
      [
        ["foo", "1"],
        ["bar", "2"],
      ],
    ],
    [
      "empty members skipped",
      "foo=1,,,bar=2,",
      [
        ["foo", "1"],
        ["bar", "2"],
      ],
    ],
    ["value with inner and leading spaces", "foo= a b", [["foo", " a b"]]],
    ["digit-leading key", "1vendor=x", [["1vendor", "x"]]],
    ["multi-tenant key", "tenant@vendor=x", [["tenant@vendor", "x"]]],
    ["key of every allowed character", "a0_-*/@z=x", [["a0_-*/@z", "x"]]],
    [
      "value of every printable character but , and =",
      "k=!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~",
      [["k", "!\"#$%&'()*+-./:;<>?@[\\]^_`{|}~"]],
    ],
    [
      "duplicate key keeps the first",
      "foo=1,bar=2,foo=3",
      [
        ["foo", "1"],
        ["bar", "2"],
      ],
    ],
    [
      "two headers combined in order",
      ["foo=1,bar=2", "baz=3"],
      [
        ["foo", "1"],
        ["bar", "2"],
        ["baz", "3"],
      ],
    ],
    [
      "duplicate across headers keeps the first",
      ["foo=1", "foo=2,bar=3"],
      [
        ["foo", "1"],
        ["bar", "3"],
      ],
    ],
    ["an empty header among others", ["", "foo=1", ""], [["foo", "1"]]],
    ["no headers", [], []],
  ])("%s", (_name, header, expected) => {
    expect(parseTraceState(header)).toEqual(expected);
    expect(parseTraceStateWithReason(header)).toEqual({ ok: true, value: expected });
  });

  test("32 members (empty ones not counted)", () => {
    const state = parseTraceState(`${members(32)},,`)!;
    expect(state).toHaveLength(32);
    expect(state[31]).toEqual(["k31", "v31"]);
  });

  test("32 members with duplicates", () => {
    expect(parseTraceState(`${members(31)},k0=again`)).toHaveLength(31);
  });

  test("key of 256 and value of 256 characters", () => {
    const key = `k${"a".repeat(255)}`;
    const value = "v".repeat(256);
    expect(parseTraceState(`${key}=${value}`)).toEqual([[key, value]]);
  });

  test("the result is frozen", () => {
    expect(Object.isFrozen(parseTraceState("a=1"))).toBe(true);
  });
});

describe("parseTraceState drops the whole header", () => {
  test.each<[string, string | string[], TraceStateIssue]>([
    ["33 members", members(33), "too_many_members"],
    ["33 members over two headers", [members(20), members(13, "x")], "too_many_members"],
    ["33 members with a duplicate", `${members(32)},k0=dup`, "too_many_members"],
    ["uppercase key", "FOO=1", "invalid_key"],
    ["key with a dot", "foo.bar=1", "invalid_key"],
    ["key starting with @", "@foo=1", "invalid_key"],
    ["key starting with _", "_foo=1", "invalid_key"],
    ["space before =", "foo =1", "invalid_key"],
    ["space after = with no value", "foo= ", "invalid_value"],
    ["no =", "foo", "invalid_key"],
    ["empty key", "=1", "invalid_key"],
    ["key of 257 characters", `k${"a".repeat(256)}=1`, "invalid_key"],
    ["non-ASCII key", "caf\u00e9=1", "invalid_key"],
    ["empty value", "foo=,bar=3", "invalid_value"],
    ["value with =", "foo=bar=baz", "invalid_value"],
    ["value of 257 characters", `foo=${"v".repeat(257)}`, "invalid_value"],
    ["value with a control character", "foo=a\u0001b", "invalid_value"],
    ["value with DEL", "foo=a\u007f", "invalid_value"],
    ["value with a non-ASCII character", "foo=\u00e9", "invalid_value"],
    ["value with an inner tab", "foo=a\tb", "invalid_value"],
    ["one bad member among good ones", "foo=1,BAR=2,baz=3", "invalid_key"],
    ["bad member in the second header", ["foo=1", "bar"], "invalid_key"],
  ])("%s", (_name, header, issue) => {
    expect(parseTraceState(header)).toBeUndefined();
    expect(parseTraceStateWithReason(header)).toEqual({ ok: false, issue });
  });

  test.each([null, undefined, 7, {}])("a non-string (%s) without throwing", (value) => {
    expect(parseTraceState(value as unknown as string)).toBeUndefined();
    expect(parseTraceStateWithReason(value as unknown as string).ok).toBe(false);
  });
});

describe("isValidTraceStateKey / isValidTraceStateValue", () => {
  test.each([
    ["a", true],
    ["0", true],
    ["a".repeat(256), true],
    ["a".repeat(257), false],
    ["", false],
    ["-a", false],
    ["a b", false],
    ["A", false],
  ])("key %j -> %s", (key, valid) => {
    expect(isValidTraceStateKey(key)).toBe(valid);
  });

  test.each([
    ["x", true],
    [" x", true],
    ["x ", false],
    [" ", false],
    ["v".repeat(256), true],
    ["v".repeat(257), false],
    ["a,b", false],
    ["a=b", false],
    ["", false],
  ])("value %j -> %s", (value, valid) => {
    expect(isValidTraceStateValue(value)).toBe(valid);
  });
});

describe("formatTraceState", () => {
  const entry = (key: string, length: number): [string, string] => [
    key,
    "v".repeat(length - key.length - 1),
  ];
  const sizes = (text: string) => (text === "" ? [] : text.split(",").map((m) => m.split("=")[0]));

  test("joins members in order", () => {
    expect(formatTraceState(parseTraceState(" b=2 ,a=1")!)).toBe("b=2,a=1");
    expect(formatTraceState(EMPTY_TRACE_STATE)).toBe("");
  });

  test.each<[string, [string, number][], string[]]>([
    [
      "exactly 512: untouched",
      [
        ["a", 255],
        ["b", 256],
      ],
      ["a", "b"],
    ],
    [
      "513: drops the only long member",
      [
        ["a", 100],
        ["b", 100],
        ["c", 100],
        ["d", 211],
      ],
      ["a", "b", "c"],
    ],
    [
      "long members go first (equal lengths: from the right), then stop",
      [
        ["a", 200],
        ["b", 50],
        ["c", 200],
        ["d", 50],
        ["e", 200],
      ],
      ["a", "b", "c", "d"],
    ],
    [
      "the longest long member goes first, wherever it is",
      [
        ["a", 250],
        ["b", 50],
        ["c", 200],
        ["d", 50],
      ],
      ["b", "c", "d"],
    ],
    [
      "all long members gone, then short ones from the right",
      Array.from({ length: 8 }, (_, i) => [`s${i}`, 100] as [string, number]).concat([["l", 129]]),
      ["s0", "s1", "s2", "s3", "s4"],
    ],
    [
      "a member of 128 is not long",
      [
        ["a", 128],
        ["b", 128],
        ["c", 128],
        ["d", 128],
        ["e", 128],
      ],
      ["a", "b", "c"],
    ],
    ["one member over 512 alone", [["k".repeat(256), 513]], []],
    [
      "513, all short: only the rightmost goes",
      [
        ["a", 128],
        ["b", 128],
        ["c", 128],
        ["d", 126],
      ],
      ["a", "b", "c"],
    ],
    [
      "a long member goes before a short rightmost one",
      [
        ["a", 100],
        ["b", 129],
        ["c", 100],
        ["d", 100],
        ["e", 100],
      ],
      ["a", "c", "d", "e"],
    ],
    [
      "of two long members only the longer goes when that is enough",
      [
        ["a", 129],
        ["b", 200],
        ["c", 100],
        ["d", 100],
      ],
      ["a", "c", "d"],
    ],
  ])("truncation: %s", (_name, spec, keys) => {
    const state = createTraceState(spec.map(([key, length]) => entry(key, length)));
    const text = formatTraceState(state);
    expect(sizes(text)).toEqual(keys);
    expect(text.length).toBeLessThanOrEqual(512);
  });

  test("a hand-made list: invalid members dropped, at most 32, never CR or LF", () => {
    const handMade = [
      ["a", "1"],
      ["b", "x\r\ny"],
      null,
      "c=3",
      ["D", "4"],
      ...Array.from({ length: 40 }, (_, i) => [`k${i}`, "v"]),
    ] as unknown as TraceState;
    const text = formatTraceState(handMade);
    expect(text).toBe(["a=1", ...Array.from({ length: 31 }, (_, i) => `k${i}=v`)].join(","));
  });

  test("a custom limit", () => {
    expect(formatTraceState(parseTraceState("a=1,b=2,c=3")!, 7)).toBe("a=1,b=2");
  });
});

describe("createTraceState / traceStateGet / traceStateSet / traceStateDelete", () => {
  const base = parseTraceState("a=1,b=2,c=3")!;

  test("get", () => {
    expect(traceStateGet(base, "b")).toBe("2");
    expect(traceStateGet(base, "z")).toBeUndefined();
    expect(traceStateGet(undefined, "a")).toBeUndefined();
  });

  test.each<[string, TraceState | undefined, string, string, string]>([
    ["new key goes first", base, "d", "4", "d=4,a=1,b=2,c=3"],
    ["updated key moves first", base, "c", "9", "c=9,a=1,b=2"],
    ["on no state", undefined, "a", "1", "a=1"],
    [
      "33rd member drops the rightmost",
      parseTraceState(members(32))!,
      "new",
      "x",
      `new=x,${members(31)}`,
    ],
  ])("set: %s", (_name, state, key, value, expected) => {
    const next = traceStateSet(state, key, value);
    expect(formatTraceState(next)).toBe(expected);
    expect(Object.isFrozen(next)).toBe(true);
  });

  test("set and delete on a hand-made list keep only its valid members", () => {
    const handMade = [
      ["a", "1"],
      ["B", "2"],
      null,
      ["c", "3\n"],
      ["d", "4"],
    ] as unknown as TraceState;
    expect(formatTraceState(traceStateSet(handMade, "z", "9"))).toBe("z=9,a=1,d=4");
    expect(formatTraceState(traceStateDelete(handMade, "a"))).toBe("d=4");
  });

  test("lists are frozen", () => {
    for (const state of [
      parseTraceState("a=1,b=2")!,
      createTraceState([["a", "1"]]),
      traceStateSet(base, "z", "1"),
      traceStateDelete(base, "a"),
    ]) {
      expect(Object.isFrozen(state)).toBe(true);
    }
  });

  test("set leaves the original alone", () => {
    traceStateSet(base, "a", "x");
    expect(formatTraceState(base)).toBe("a=1,b=2,c=3");
  });

  test("delete", () => {
    expect(formatTraceState(traceStateDelete(base, "b"))).toBe("a=1,c=3");
    expect(formatTraceState(traceStateDelete(base, "z"))).toBe("a=1,b=2,c=3");
  });

  test.each<[string, () => unknown, string]>([
    ["set with a bad key", () => traceStateSet(base, "Bad", "1"), "invalid_argument"],
    ["set with a bad value", () => traceStateSet(base, "a", "x,y"), "invalid_argument"],
    ["set with a value ending in space", () => traceStateSet(base, "a", "x "), "invalid_argument"],
    [
      "create with a duplicate",
      () =>
        createTraceState([
          ["a", "1"],
          ["a", "2"],
        ]),
      "invalid_argument",
    ],
    [
      "create with 33 members",
      () => createTraceState(parseTraceState(members(32))!.concat([["z", "1"]])),
      "invalid_argument",
    ],
    ["create with a bad key", () => createTraceState([["", "1"]]), "invalid_argument"],
  ])("%s throws", (_name, fn, code) => {
    expect(thrownCode(fn)).toBe(code);
  });

  test("create with exactly 32 members keeps them all", () => {
    const entries = Array.from({ length: 32 }, (_, i) => [`k${i}`, `v${i}`] as const);
    const state = createTraceState(entries);
    expect(state).toHaveLength(32);
    expect(formatTraceState(state)).toBe(members(32));
  });

  test.each([
    ["caf\u00e9", "Latin-1 letter"],
    ["vendor\u0430", "Cyrillic a"],
    ["\uff41bc", "fullwidth a first"],
    ["a\u0100", "U+0100"],
    ["a\u{1f600}", "astral"],
  ])("create with the non-ASCII key %j (%s) throws", (key) => {
    expect(isValidTraceStateKey(key)).toBe(false);
    expect(thrownCode(() => createTraceState([[key, "1"]]))).toBe("invalid_argument");
    expect(thrownCode(() => traceStateSet(undefined, key, "1"))).toBe("invalid_argument");
  });

  test("create keeps order", () => {
    expect(
      createTraceState([
        ["b", "1"],
        ["a", "2"],
      ]),
    ).toEqual([
      ["b", "1"],
      ["a", "2"],
    ]);
  });
});

describe("grammar boundaries", () => {
  test.each([
    ["a digit 9 first", "9a", true],
    ["256 characters", `a${"b".repeat(255)}`, true],
    ["257 characters", `a${"b".repeat(256)}`, false],
    ["U+0080 after the first character", "a\u0080", false],
    ["empty", "", false],
  ])("key: %s -> %s", (_name, key, valid) => {
    expect(isValidTraceStateKey(key)).toBe(valid);
  });

  test.each([
    ["256 characters", "v".repeat(256), true],
    ["257 characters", "v".repeat(257), false],
    ["empty", "", false],
  ])("value: %s -> %s", (_name, value, valid) => {
    expect(isValidTraceStateValue(value)).toBe(valid);
  });

  test.each<[string, unknown, TraceStateIssue]>([
    ["a member without =", "a=1,ab", "invalid_key"],
    ["U+0080 in a key", "a\u0080=1", "invalid_key"],
    ["a key of 257 characters", `a${"b".repeat(256)}=1`, "invalid_key"],
    ["neither text nor a list", 5, "invalid_key"],
  ])("parse: %s -> %s", (_name, header, issue) => {
    expect(parseTraceStateWithReason(header as string)).toEqual({ ok: false, issue });
  });

  test("a header key starting with 9 parses", () => {
    expect(parseTraceState("9z=1")).toEqual([["9z", "1"]]);
  });
});

describe("hand-made lists are reduced to their valid part where they are written", () => {
  const valid = (count: number) =>
    Array.from({ length: count }, (_, i) => [`k${i}`, `v${i}`]) as unknown as TraceState;

  test("a valid list is used as it is: no copy", () => {
    const list = valid(32);
    expect(redactTraceState(list, {})).toBe(list);
  });

  test("33 members: the rightmost is not written", () => {
    expect(formatTraceState(valid(33))).toBe(members(32));
  });

  test.each<[string, unknown, string]>([
    [
      "an invalid member",
      [
        ["a", "1"],
        ["B", "2"],
        ["c", "3"],
      ],
      "a=1,c=3",
    ],
    [
      "a member that is not a pair of strings",
      [
        ["a", "1"],
        [5, "2"],
        ["c", 3],
      ],
      "a=1",
    ],
    [
      "a repeated key (the first is kept)",
      [
        ["a", "1"],
        ["a", "2"],
      ],
      "a=1",
    ],
    ["an array-like object that is not an array", { length: 1, 0: ["a", "1"] }, ""],
    ["undefined", undefined, ""],
  ])("%s", (_name, list, text) => {
    expect(formatTraceState(list as TraceState)).toBe(text);
  });

  test("a list that throws while it is read writes nothing, not its readable start", () => {
    const list = [["a", "1"]];
    Object.defineProperty(list, 1, {
      get() {
        throw new Error("boom");
      },
      enumerable: true,
    });
    expect(formatTraceState(list as unknown as TraceState)).toBe("");
    expect(redactTraceState(list as unknown as TraceState, { mask: ["a"] })).toEqual([]);
  });
});

describe("truncation by length", () => {
  const a = ["a", "x".repeat(8)] as const; // 10 characters
  const long1 = ["l1", "y".repeat(137)] as const; // 140 characters
  const long2 = ["l2", "z".repeat(128)] as const; // 131 characters

  test("the longest long member goes first and dropping stops as soon as the rest fits", () => {
    const list = [a, long1, long2] as unknown as TraceState;
    // Without l1: 10 + 1 + 131 = 142 characters, exactly the limit.
    expect(formatTraceState(list, 142)).toBe(`a=${a[1]},l2=${long2[1]}`);
    expect(formatTraceState(list, 141)).toBe(`a=${a[1]}`);
  });

  test("even the first member is dropped when it alone is too long", () => {
    const list = [["a", "x".repeat(20)]] as unknown as TraceState;
    expect(formatTraceState(list, 5)).toBe("");
    expect(formatTraceState(list, -1)).toBe("");
  });
});

describe("traceStateSet", () => {
  test("the key moves to the front with its new value; the old member goes", () => {
    const list = createTraceState([
      ["a", "1"],
      ["b", "2"],
    ]);
    expect(traceStateSet(list, "b", "3")).toEqual([
      ["b", "3"],
      ["a", "1"],
    ]);
  });

  test("a new key on a full list drops the rightmost member", () => {
    const full = parseTraceState(members(32)) as TraceState;
    const out = traceStateSet(full, "new", "1");
    expect(out).toHaveLength(32);
    expect(out[0]).toEqual(["new", "1"]);
    expect(out[31]).toEqual(["k30", "v30"]);
  });
});
