// Writing side of the CBOR mapping: exact bytes, field presence, value types,
// the deterministic profile, unknown keys, errors on malformed models.
import { cborCodec, createCborCodec, encodeCborItem } from "@envelope/cbor";
import type { AttributeValue, Envelope } from "@envelope/core";
import { describe, expect, test } from "vitest";
import {
  budget,
  expectError,
  fromHex,
  fullEnvelope,
  minimalEnvelope,
  thrown,
  toHex,
} from "./helpers.js";

const deterministic = createCborCodec({ deterministic: true });

// The minimal envelope, key by key.
const MINIMAL_HEADER = [
  "a5", //                                  Header: map of 5
  "01 a3 01 6470696e67 02 6470696e67 03 65312e302e30", // 1 schema {1 "ping", 2 "ping", 3 "1.0.0"}
  "02 50 01010101010101010101010101010101", // 2 event_id: 16 bytes
  "03 01", //                               3 time_unix_nano: 1
  "04 a2 01 627473 02 65302e312e30", //     4 producer {1 "ts", 2 "0.1.0"}
  "06 a1 01 6173", //                       6 resource {1 "s"} (empty attributes omitted)
].join("");

describe("exact bytes", () => {
  test("minimal header, body and envelope", () => {
    const e = minimalEnvelope();
    expect(toHex(cborCodec.encodeHeader(e.header))).toBe(MINIMAL_HEADER.replace(/\s/g, ""));
    expect(toHex(cborCodec.encodeBody(e.body))).toBe("a0");
    expect(toHex(cborCodec.encodeEnvelope(e))).toBe(`a201${MINIMAL_HEADER}02a0`.replace(/\s/g, ""));
  });

  test("the deterministic profile writes the same bytes when no attribute map needs sorting", () => {
    const e = minimalEnvelope();
    expect(toHex(deterministic.encodeEnvelope(e))).toBe(toHex(cborCodec.encodeEnvelope(e)));
  });

  test("every field of the full envelope", () => {
    const e = fullEnvelope();
    e.body = {
      attributes: new Map([["a", 1n]]),
      extensions: [{ namespace: "http", version: "1.0.0", attributes: new Map() }],
    };
    const expected = [
      "a2",
      "01 a7", // header: all 7 keys
      "01 a4 01 6772657175657374 02 6c617574685f72657175657374 03 65312e322e30 04 781c68747470733a2f2f736368656d61732e6578616d706c652f61757468",
      "02 50 0102030405060708090a0b0c0d0e0f10",
      "03 1b 17979cfe3d85cd15", // 1_700_000_000_123_456_789
      "04 a2 01 6a74797065736372697074 02 65302e312e30",
      "05 a5 01 50 a0a1a2a3a4a5a6a7a8a9aaabacadaeaf 02 48 b0b1b2b3b4b5b6b7 03 48 c0c1c2c3c4c5c6c7 04 01 05 6c76656e646f723d76616c7565",
      "06 a6 01 6461757468 02 65322e332e34 03 6a70726f64756374696f6e 04 696575 2d776573742d31 05 60 06 a1 676b38732e706f64 6961757468 2d37663963",
      "07 a2 01 02 02 6664656e696564",
      "02 a2", // body
      "01 a1 6161 01",
      "02 81 a2 01 6468747470 02 65312e302e30", // extension without attributes
    ].join("");
    expect(toHex(cborCodec.encodeEnvelope(e))).toBe(expected.replace(/\s/g, ""));
  });
});

describe("field presence follows protobuf", () => {
  const header = () => minimalEnvelope().header;

  test("proto3 scalars at their default are omitted", () => {
    const h = header();
    h.schema = { type: "", subtype: "", version: "" };
    h.eventId = new Uint8Array(0);
    h.timeUnixNano = 0n;
    h.producer = { language: "", version: "" };
    h.trace = {
      traceId: new Uint8Array(0),
      spanId: new Uint8Array(0),
      traceFlags: 0,
      traceState: "",
      parentSpanId: new Uint8Array(0),
    };
    h.resource = { serviceName: "", attributes: new Map() };
    h.status = { code: 0, message: "" };
    // Message fields are written when present, even empty.
    expect(toHex(cborCodec.encodeHeader(h))).toBe(
      "a5" + "01a0" + "04a0" + "05a0" + "06a0" + "07a0",
    );
  });

  test("optional (presence) strings are written when present, even empty", () => {
    const h = header();
    h.schema = { type: "", subtype: "", version: "", url: "" };
    h.resource = {
      serviceName: "",
      serviceVersion: "",
      environment: "",
      region: "",
      host: "",
      attributes: new Map(),
    };
    const bytes = toHex(cborCodec.encodeHeader(h));
    expect(bytes).toContain("01a10460"); // schema {4: ""}
    expect(bytes).toContain("06a40260036004600560"); // resource {2: "", 3: "", 4: "", 5: ""}
  });

  test("absent optional messages are not written", () => {
    const h = header();
    expect(toHex(cborCodec.encodeHeader(h))).not.toMatch(/^a[6-9]/);
  });

  test("an empty body is an empty map; empty extensions and attributes are omitted", () => {
    expect(toHex(cborCodec.encodeBody({ attributes: new Map(), extensions: [] }))).toBe("a0");
    expect(
      toHex(
        cborCodec.encodeBody({
          attributes: new Map(),
          extensions: [{ namespace: "", version: "", attributes: new Map() }],
        }),
      ),
    ).toBe("a1028 1a0".replace(/\s/g, ""));
  });
});

// Attribute values in the default profile.
const VALUES: Array<[string, AttributeValue, string]> = [
  ["text", "a", "6161"],
  ["empty text", "", "60"],
  ["text of 24 bytes (two-byte head)", "x".repeat(24), `7818${"78".repeat(24)}`],
  ["non-ASCII text", "ü水𐅑", "69c3bce6b0b4f0908591"],
  ["non-ASCII text that outgrows a one-byte head", "é".repeat(12), `7818${"c3a9".repeat(12)}`],
  ["long text through the native encoder", "ab".repeat(100), `78c8${"6162".repeat(100)}`],
  ["a leading U+FEFF is a character like any other", "\ufeffa", "64efbbbf61"],
  ["true", true, "f5"],
  ["false", false, "f4"],
  ["int 0", 0n, "00"],
  ["int 23", 23n, "17"],
  ["int 24", 24n, "1818"],
  ["int 255", 255n, "18ff"],
  ["int 256", 256n, "190100"],
  ["int 65535", 65535n, "19ffff"],
  ["int 65536", 65536n, "1a00010000"],
  ["int 2^32-1", 4294967295n, "1affffffff"],
  ["int 2^32", 4294967296n, "1b0000000100000000"],
  ["int64 max", 9223372036854775807n, "1b7fffffffffffffff"],
  ["int -1", -1n, "20"],
  ["int -24", -24n, "37"],
  ["int -25", -25n, "3818"],
  ["int -256", -256n, "38ff"],
  ["int -257", -257n, "390100"],
  ["int -2^32", -4294967296n, "3affffffff"],
  ["int -2^32-1", -4294967297n, "3b0000000100000000"],
  ["int64 min", -9223372036854775808n, "3b7fffffffffffffff"],
  ["double 1.0 stays a float", 1, "fb3ff0000000000000"],
  ["double 0", 0, "fb0000000000000000"],
  ["double -0", -0, "fb8000000000000000"],
  ["double 1.5", 1.5, "fb3ff8000000000000"],
  ["double NaN", Number.NaN, "fb7ff8000000000000"],
  ["double +Infinity", Number.POSITIVE_INFINITY, "fb7ff0000000000000"],
  ["double -Infinity", Number.NEGATIVE_INFINITY, "fbfff0000000000000"],
  ["bytes", Uint8Array.of(1, 2, 3), "43010203"],
  ["empty bytes", new Uint8Array(0), "40"],
  ["array", ["a", 1n, true], "836161 01 f5".replace(/\s/g, "")],
  ["empty array", [], "80"],
  [
    "map keeps insertion order",
    new Map<string, AttributeValue>([
      ["b", 1n],
      ["a", 2n],
    ]),
    "a2616201616102",
  ],
  ["empty map", new Map(), "a0"],
  ["nested", [new Map([["k", [[]]]])], "81a1616b8180"],
];

describe("attribute values (default profile)", () => {
  test.each(VALUES)("%s", (_, value, hex) => {
    expect(toHex(encodeCborItem(value))).toBe(hex);
    // Inside an envelope the same bytes appear as the attribute's value.
    const body = toHex(
      cborCodec.encodeBody({ attributes: new Map([["v", value]]), extensions: [] }),
    );
    expect(body).toBe(`a101a16176${hex}`);
  });

  // No codec can carry a string that is not Unicode: rejected as the protobuf writer does.
  test.each([
    ["a lone high surrogate (short text)", "a\ud800"],
    ["a lone low surrogate first", "\udc00a"],
    ["reversed pair", "\udc00\ud800"],
    ["in long text (native encoder)", `${"é".repeat(40)}\ud800x`],
    ["at the end of long text", `${"a".repeat(40)}\udc00`],
  ])("%s -> invalid_utf8", (_, text) => {
    const error = expectError(() => encodeCborItem(text), "invalid_utf8");
    expect(error.detail).toBe("string has a lone surrogate and is not valid Unicode");
    expectError(
      () => cborCodec.encodeBody({ attributes: new Map([[text, "v"]]), extensions: [] }),
      "invalid_utf8",
    );
  });

  test("a Uint8Array view is written as its own bytes, not its buffer", () => {
    const backing = Uint8Array.of(9, 1, 2, 9);
    expect(toHex(encodeCborItem(backing.subarray(1, 3)))).toBe("420102");
  });
});

// Deterministic profile: shortest exact floats, as fxamacker/cbor CoreDetEncOptions and ciborium write them.
const FLOATS: Array<[number, string]> = [
  [0, "f90000"],
  [-0, "f98000"],
  [1, "f93c00"],
  [-4, "f9c400"],
  [1.5, "f93e00"],
  [65504, "f97bff"],
  [65505, "fa477fe100"],
  [100000, "fa47c35000"],
  [3.4028234663852886e38, "fa7f7fffff"],
  [1.1, "fb3ff199999999999a"],
  [1e300, "fb7e37e43c8800759c"],
  [2 ** -24, "f90001"], // smallest half subnormal
  [2 ** -14, "f90400"], // smallest half normal
  [2 ** -14 - 2 ** -24, "f903ff"], // largest half subnormal
  [3 * 2 ** -25, "fa33c00000"], // needs a bit below 2^-24: float32
  [2 ** -25, "fa33000000"],
  [2 ** -149, "fa00000001"], // float32 subnormal
  [2 ** -150, "fb3690000000000000"],
  [2 ** -33, "fa2f000000"], // far below half's range, exact in float32
  [Number.NaN, "f97e00"],
  [Number.POSITIVE_INFINITY, "f97c00"],
  [Number.NEGATIVE_INFINITY, "f9fc00"],
  [Number.MAX_VALUE, "fb7fefffffffffffff"],
  [Number.MIN_VALUE, "fb0000000000000001"],
  [16777216, "fa4b800000"],
  [16777217, "fb4170000010000000"],
];

describe("deterministic profile", () => {
  test.each(FLOATS)("float %d -> %s", (value, hex) => {
    expect(toHex(encodeCborItem(value, { deterministic: true }))).toBe(hex);
    expect(
      toHex(deterministic.encodeBody({ attributes: new Map([["v", value]]), extensions: [] })),
    ).toBe(`a101a16176${hex}`);
  });

  test("attribute map keys are sorted by encoded bytes: shorter first, then bytewise", () => {
    const map = new Map<string, AttributeValue>([
      ["bb", 1n],
      ["é", 2n], // c3a9: two bytes, sorts after "bb" (0x62)
      ["a", 3n],
      ["aa", 4n],
      ["z", 5n],
      ["\u{10000}", 6n], // f0908080
      ["\uffff", 7n], // efbfbf: three bytes, before the four-byte key although UTF-16 order says otherwise
      ["", 8n],
    ]);
    expect(toHex(encodeCborItem(map, { deterministic: true }))).toBe(
      [
        "a8",
        "60 08",
        "6161 03",
        "617a 05",
        "626161 04",
        "626262 01",
        "62c3a9 02",
        "63efbfbf 07",
        "64f0908080 06",
      ]
        .join("")
        .replace(/\s/g, ""),
    );
  });

  test("nested maps are sorted too; arrays keep their order", () => {
    const value = [
      new Map<string, AttributeValue>([
        ["b", 1n],
        ["a", [2n, 1n]],
      ]),
    ];
    expect(toHex(encodeCborItem(value, { deterministic: true }))).toBe(
      "81a2616182020161620 1".replace(/\s/g, ""),
    );
  });

  test("integers are shortest in both profiles", () => {
    expect(toHex(encodeCborItem(500n, { deterministic: true }))).toBe("1901f4");
  });

  test("the full envelope round-trips in the deterministic profile (attribute order aside)", () => {
    const e = fullEnvelope();
    const bytes = deterministic.encodeEnvelope(e);
    const back = deterministic.decodeEnvelope(bytes, budget(), 0);
    expect(back).toEqual(e);
    expect([...back.body.attributes.keys()]).toEqual(
      [...e.body.attributes.keys()].sort((a, b) => {
        const x = Buffer.from(a);
        const y = Buffer.from(b);
        return x.length - y.length || Buffer.compare(x, y);
      }),
    );
    // Deterministic: encoding the decoded envelope again gives the same bytes.
    expect(toHex(deterministic.encodeEnvelope(back))).toBe(toHex(bytes));
  });
});

describe("unknown keys are written back", () => {
  const withUnknown = (): Envelope => {
    const e = minimalEnvelope();
    e.header.producer.$unknown = {
      codec: "cbor",
      data: [
        [9, fromHex("6178")],
        [0, fromHex("f6")],
        [-1, fromHex("c11a514b67b0")],
      ],
    };
    return e;
  };

  test("default profile: after the known keys, in stored order", () => {
    const hex = toHex(cborCodec.encodeHeader(withUnknown().header));
    expect(hex).toContain("04a5016274730265302e312e30" + "096178" + "00f6" + "20c11a514b67b0");
  });

  test("deterministic profile: in sorted position", () => {
    const hex = toHex(deterministic.encodeHeader(withUnknown().header));
    expect(hex).toContain(
      "04a5" + "00f6" + "01627473" + "0265302e312e30" + "096178" + "20c11a514b67b0",
    );
  });

  test("large and bigint keys", () => {
    const e = minimalEnvelope();
    e.body.$unknown = {
      codec: "cbor",
      data: [
        [2 ** 40, fromHex("01")],
        [-(2n ** 64n), fromHex("02")],
        [2n ** 64n - 1n, fromHex("03")],
      ],
    };
    expect(toHex(deterministic.encodeBody(e.body))).toBe(
      ("a3" + "1b0000010000000000 01" + "1bffffffffffffffff 03" + "3bffffffffffffffff 02").replace(
        /\s/g,
        "",
      ),
    );
  });

  test("unknown data read by another codec is left out", () => {
    const e = minimalEnvelope();
    e.header.schema.$unknown = { codec: "json", data: [["extra", 1]] };
    expect(toHex(cborCodec.encodeHeader(e.header))).toBe(MINIMAL_HEADER.replace(/\s/g, ""));
  });
});

describe("malformed models (messages: encode-errors.test.ts)", () => {
  test("a cycle ends in limit_exceeded past the depth ceiling, not a stack overflow escaping", () => {
    const cyclic: AttributeValue[] = [];
    cyclic.push(cyclic);
    const e = minimalEnvelope();
    e.body.attributes.set("x", cyclic);
    const error = expectError(() => cborCodec.encodeEnvelope(e), "limit_exceeded");
    expect(error.path).toBe(`body.attributes["x"]${"[0]".repeat(256)}`);
    // The codec still works afterwards.
    expect(toHex(cborCodec.encodeBody({ attributes: new Map(), extensions: [] }))).toBe("a0");
  });
});

describe("absent fields are omitted, limits of the field types are written", () => {
  test("undefined proto3 fields and attribute maps are left out, not errors", () => {
    const e = minimalEnvelope();
    e.header.timeUnixNano = undefined as never;
    e.header.resource.attributes = undefined as never;
    e.header.trace = {
      traceId: Uint8Array.of(1),
      spanId: undefined as never,
      traceFlags: undefined as never,
      traceState: undefined as never,
    };
    e.body.attributes = undefined as never;
    // header: schema, event id, producer, trace {1: h'01'}, resource; the body an empty map
    expect(toHex(cborCodec.encodeEnvelope(e))).toBe(
      `${MINIMAL_HEADER.replace(/\s/g, "")
        .replace(/^a5/, "a201a5")
        .replace("0301", "")
        .replace("06a1", "05a101410106a1")}02a0`,
    );
  });

  test("the largest uint32 and uint64 values", () => {
    const h = minimalEnvelope().header;
    h.timeUnixNano = 2n ** 64n - 1n;
    h.trace = { traceId: new Uint8Array(0), spanId: new Uint8Array(0), traceFlags: 2 ** 32 - 1 };
    const hex = toHex(cborCodec.encodeHeader(h));
    expect(hex).toContain("031bffffffffffffffff");
    expect(hex).toContain("05a1041affffffff");
  });
});

describe("deterministic key order, case by case", () => {
  const order = (keys: string[]): string[] => {
    const map = new Map(keys.map((k, i) => [k, BigInt(i)] as [string, AttributeValue]));
    const back = deterministic.decodeBody(
      deterministic.encodeBody({ attributes: map, extensions: [] }),
      budget(),
      0,
    );
    return [...back.attributes.keys()];
  };

  test("same-length ASCII keys in reverse order", () => {
    expect(order(["h", "g", "f", "e", "d", "c", "b", "a"])).toEqual([
      "a",
      "b",
      "c",
      "d",
      "e",
      "f",
      "g",
      "h",
    ]);
  });

  test("same-length non-ASCII keys that share their first byte, in reverse order", () => {
    expect(order(["ë", "ê", "é", "è"])).toEqual(["è", "é", "ê", "ë"]);
  });

  test("UTF-8 order, not UTF-16 order: U+FFFF sorts before U+10000 at the same length", () => {
    // efbfbf61 < f0908080, though "\uffff" > "\ud800" in JavaScript's order.
    expect(order(["\u{10000}", "\uffffa"])).toEqual(["\uffffa", "\u{10000}"]);
  });

  test("U+0080 is two bytes: it sorts with the two-byte keys, after ASCII ones", () => {
    expect(order(["\u0080", "ab", "z"])).toEqual(["z", "ab", "\u0080"]);
  });
});

describe("unknown keys among the known ones", () => {
  const producerWith = (data: Array<[number, string]>) => {
    const e = minimalEnvelope();
    e.header.producer.$unknown = {
      codec: "cbor",
      data: data.map(([k, hex]) => [k, fromHex(hex)] as const) as never,
    };
    return e.header;
  };

  test("default profile: a key below the known ones still goes last", () => {
    expect(toHex(cborCodec.encodeHeader(producerWith([[0, "f6"]])))).toContain(
      "04a3016274730265302e312e30" + "00f6",
    );
  });

  test("deterministic profile: a key below the known ones goes first", () => {
    expect(toHex(deterministic.encodeHeader(producerWith([[0, "f6"]])))).toContain(
      "04a3" + "00f6" + "016274730265302e312e30",
    );
  });

  test("deterministic profile: keys with the same first byte are sorted by the next", () => {
    expect(
      toHex(
        deterministic.encodeHeader(
          producerWith([
            [25, "02"],
            [24, "01"],
          ]),
        ),
      ),
    ).toContain("04a4016274730265302e312e30" + "181801" + "181902");
  });
});

describe("nesting past the ceiling", () => {
  test("a Map that contains itself ends in limit_exceeded with the path", () => {
    const cyclic = new Map<string, AttributeValue>();
    cyclic.set("m", cyclic);
    for (const codec of [cborCodec, deterministic]) {
      const e = minimalEnvelope();
      e.body.attributes.set("x", cyclic);
      const error = expectError(() => codec.encodeEnvelope(e), "limit_exceeded");
      const path = `body.attributes["x"]${'["m"]'.repeat(256)}`;
      expect(error.message).toBe(`[limit_exceeded] nested deeper than 256 (at ${path})`);
    }
  });

  test("an item of 256 nested arrays is written; 257 are refused", () => {
    let value: AttributeValue = 1n;
    for (let i = 0; i < 256; i++) value = [value];
    expect(toHex(encodeCborItem(value))).toBe(`${"81".repeat(256)}01`);
    expectError(() => encodeCborItem([value]), "limit_exceeded", { path: "[0]".repeat(256) });
  });
});

describe("an unexpected failure while encoding", () => {
  test("becomes invalid_value with the cause kept, and the codec stays usable", () => {
    const boom = new Error("boom");
    const header = {
      ...minimalEnvelope().header,
      get producer(): never {
        throw boom;
      },
    };
    const error = expectError(() => cborCodec.encodeHeader(header), "invalid_value");
    expect(error.message).toBe("[invalid_value] cannot encode the envelope: boom");
    expect(error.cause).toBe(boom);
    const thrownValue = {
      ...minimalEnvelope().header,
      get producer(): never {
        throw "text";
      },
    };
    expect(thrown(() => cborCodec.encodeHeader(thrownValue)).message).toBe(
      "[invalid_value] cannot encode the envelope: text",
    );
    expect(toHex(cborCodec.encodeBody({ attributes: new Map(), extensions: [] }))).toBe("a0");
  });
});
