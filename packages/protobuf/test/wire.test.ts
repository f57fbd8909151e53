/**
 * The wire reader and writer on their own: every varint width and its
 * error, the bounds of each read (bytes past `end` are never read), the
 * exact error codes, messages and offsets untrusted input gets, and the
 * writer's bytes against @bufbuild/protobuf's BinaryWriter.
 */
import { BinaryWriter } from "@bufbuild/protobuf/wire";
import { DEFAULT_LIMITS, DecodeBudget, EnvelopeError, resolveLimits } from "@envelope/core";
import { describe, expect, test, vi } from "vitest";
import { ProtoReader } from "../src/wire/reader.js";
import { ProtoWriter, varintSize } from "../src/wire/writer.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const unhex = (s: string) => new Uint8Array(Buffer.from(s.replace(/\s+/g, ""), "hex"));
/** A reader of `input` at base offset 100 (error offsets are base + position). */
const reader = (input: string) => new ProtoReader(unhex(input), 100);

function failure(fn: () => unknown) {
  try {
    fn();
  } catch (error) {
    if (!(error instanceof EnvelopeError)) throw error;
    return { code: error.code, message: error.detail, offset: error.offset };
  }
  throw new Error("expected an EnvelopeError");
}

const truncated = (what: string, offset: number) => ({
  code: "truncated",
  message: `${what} runs past the end of its message`,
  offset,
});
const invalid = (message: string, offset: number) => ({
  code: "invalid_protobuf",
  message,
  offset,
});

describe("ProtoReader.uint32", () => {
  test.each([
    ["00", 0, 1],
    ["7f", 127, 1],
    ["8001", 128, 2],
    ["9601", 150, 2],
    ["ff7f", 16383, 2],
    ["808001", 16384, 3],
    ["ffffff7f", 2 ** 28 - 1, 4],
    ["8080808001", 2 ** 28, 5],
    ["ffffffff07", 2 ** 31 - 1, 5],
    ["8080808008", 2 ** 31, 5],
    ["ffffffff0f", 2 ** 32 - 1, 5],
  ])("%s is %d, %d bytes", (input, value, size) => {
    const r = reader(`${input}ff`);
    expect(r.uint32(size)).toBe(value);
    expect(r.pos).toBe(size);
  });

  test.each([
    ["ffffffff10", "a fifth byte over 0x0f"],
    ["ffffffff8f", "a fifth byte with the continuation bit"],
    ["8080808070", "bits 32 to 34 set"],
  ])("%s (%s) does not fit in 32 bits", (input) => {
    const r = reader(`00${input}`);
    r.pos = 1;
    expect(failure(() => r.uint32(6))).toEqual(invalid("varint does not fit in 32 bits", 101));
  });

  test.each([
    ["80", 1],
    ["ffffff", 3],
    ["ffffffff", 4],
    ["8001", 1], // the second byte is past `end`
    ["05", 0], // nothing before `end`
  ])("%s cut at %d is truncated, at the varint's start", (input, end) => {
    const r = reader(input);
    expect(failure(() => r.uint32(end))).toEqual(truncated("varint", 100));
  });
});

describe("ProtoReader.varint64, int64, varint32 and bool", () => {
  test.each([
    ["00", 0, 0],
    ["ac02", 300, 0],
    ["ffffffff0f", 0xffffffff, 0],
    ["8080808010", 0, 1],
    ["ffffffff7f", 0xffffffff, 7],
    ["808080808001", 0, 8],
    ["80808080808080808001", 0, 0x80000000],
    ["ffffffffffffffffff01", 0xffffffff, 0xffffffff],
  ])("%s: lo %d, hi %d", (input, lo, hi) => {
    const r = reader(`${input}ff`);
    const size = input.length / 2;
    r.varint64(size);
    expect([r.lo, r.hi, r.pos]).toEqual([lo, hi, size]);
  });

  test.each([
    ["80", 1],
    ["8001", 1],
    ["80808080", 4],
    ["8080808001", 4],
    ["8080808080", 5],
    ["808080808001", 5],
    ["808080808080808080", 9],
    ["80808080808080808001", 9],
  ])("%s cut at %d is truncated", (input, end) => {
    expect(failure(() => reader(input).varint64(end))).toEqual(truncated("varint", 100));
  });

  test.each([
    ["ffffffffffffffffff02", 2],
    ["80808080808080808040", 0x40],
    ["ffffffffffffffffff7f", 0x7f],
  ])("a 10th byte of %s past bit 63 does not fit in 64 bits (protobuf-go and prost refuse it too)", (input) => {
    const r = reader(`00 ${input} 00`);
    r.pos = 1;
    expect(failure(() => r.varint64(12))).toEqual(invalid("varint does not fit in 64 bits", 101));
    expect(failure(() => r.int64(12))).toEqual(invalid("varint does not fit in 64 bits", 101));
    expect(failure(() => r.bool(12))).toEqual(invalid("varint does not fit in 64 bits", 101));
  });

  test("eleven bytes are rejected, at the varint's start", () => {
    const r = reader("00 ffffffffffffffffffff01");
    r.pos = 1;
    expect(failure(() => r.varint64(12))).toEqual(invalid("varint longer than 10 bytes", 101));
    expect(failure(() => r.int64(12))).toEqual(invalid("varint longer than 10 bytes", 101));
  });

  test.each([
    ["00", 0n],
    ["05", 5n],
    ["7f", 127n],
    ["8001", 128n],
    ["ff7f", 16383n],
    ["808001", 16384n],
    ["8080808010", 2n ** 32n],
    ["ffffffffffffffff7f", 2n ** 63n - 1n],
    ["80808080808080808001", -(2n ** 63n)],
    ["ffffffffffffffffff01", -1n],
    ["feffffffffffffffff01", -2n],
  ])("int64 %s is %s", (input, value) => {
    // With bytes after it (the two-byte fast path) and without.
    for (const tail of ["", "0505"]) {
      const r = reader(input + tail);
      expect(r.int64(r.buf.length)).toBe(value);
      expect(r.pos).toBe(input.length / 2);
    }
  });

  test("int64 reads nothing past `end`, even when the input goes on", () => {
    expect(failure(() => reader("8501").int64(1))).toEqual(truncated("varint", 100));
    expect(failure(() => reader("05").int64(0))).toEqual(truncated("varint", 100));
  });

  test.each([
    ["00", false, 1],
    ["01", true, 1],
    ["02", true, 1],
    ["8000", false, 2], // an overlong zero is still false
    ["8100", true, 2],
    ["808080808001", true, 6], // only high bits set
    ["ffffffffffffffffff01", true, 10],
  ])("bool %s is %s", (input, value, size) => {
    const r = reader(`${input}01`);
    expect(r.bool(size)).toBe(value);
    expect(r.pos).toBe(size);
  });

  test.each([
    ["05", 5, 1],
    ["8001", 128, 2],
    ["ffffffff0f", 0xffffffff, 5],
    ["8580808010", 5, 5], // 2^32 + 5: the low 32 bits
    ["ffffffffffffffffff01", 0xffffffff, 10], // int32 -1
  ])("varint32 %s is %d", (input, value, size) => {
    const r = reader(`${input}01`);
    expect(r.varint32(size)).toBe(value);
    expect(r.pos).toBe(size);
  });

  test("bool and varint32 read nothing past `end`", () => {
    expect(failure(() => reader("01").bool(0))).toEqual(truncated("varint", 100));
    expect(failure(() => reader("8001").bool(1))).toEqual(truncated("varint", 100));
    expect(failure(() => reader("01").varint32(0))).toEqual(truncated("varint", 100));
    expect(failure(() => reader("8001").varint32(1))).toEqual(truncated("varint", 100));
  });
});

describe("ProtoReader fixed-size values", () => {
  test("fixed64 is little-endian and unsigned", () => {
    const r = reader("0102030405060708 ffffffffffffffff");
    expect(r.fixed64(16)).toBe(0x0807060504030201n);
    expect(r.fixed64(16)).toBe(2n ** 64n - 1n);
    expect(r.pos).toBe(16);
  });

  test("double is little-endian IEEE 754", () => {
    const r = reader("000000000000f03f 000000000000f0bf 0000000000000080");
    expect(r.double(24)).toBe(1);
    expect(r.double(24)).toBe(-1);
    expect(Object.is(r.double(24), -0)).toBe(true);
    expect(r.pos).toBe(24);
  });

  test("eight bytes are needed before `end`", () => {
    const eight = "000000000000f03f";
    expect(failure(() => reader(eight).fixed64(7))).toEqual(truncated("fixed64", 100));
    expect(failure(() => reader(eight).double(7))).toEqual(truncated("double", 100));
    const r = reader(`00${eight}`);
    r.pos = 1;
    expect(failure(() => r.double(8))).toEqual(truncated("double", 101));
  });
});

describe("ProtoReader lengths, bytes and strings", () => {
  test("a length up to the limit and the end is taken", () => {
    const r = reader("03616263");
    expect(r.length(4, "bytes", 3)).toBe(3);
    expect(r.pos).toBe(1);
  });

  test("a length over the limit is limit_exceeded at the length, before anything is read", () => {
    expect(failure(() => reader("03616263").length(4, "bytes", 2))).toEqual({
      code: "limit_exceeded",
      message: "bytes of 3 bytes is over the limit of 2",
      offset: 100,
    });
    expect(failure(() => reader("03616263").string(4, 2, "key"))).toEqual({
      code: "limit_exceeded",
      message: "a key of 3 bytes is longer than maxKeyLength (2)",
      offset: 100,
    });
    expect(failure(() => reader("03616263").string(4, 2))).toEqual({
      code: "limit_exceeded",
      message: "string of 3 bytes is over the limit of 2",
      offset: 100,
    });
  });

  test("a length past `end` is truncated, at the length", () => {
    expect(failure(() => reader("0461626364").string(4, 10))).toEqual(truncated("string", 100));
    expect(failure(() => reader("0461626364").bytes(4, 10))).toEqual(truncated("bytes", 100));
  });

  test("bytes are copies; short ones share an 8 KiB buffer, longer ones own theirs", () => {
    const short = new Uint8Array(65).fill(0xab);
    short[0] = 64;
    const long = new Uint8Array(66).fill(0xcd);
    long[0] = 65;
    const input = Buffer.concat([short, long]); // a Buffer: its slice would not copy
    const r = new ProtoReader(input, 0);
    const a = r.bytes(input.length, 1000);
    const b = r.bytes(input.length, 1000);
    input.fill(0);
    expect(hex(a)).toBe("ab".repeat(64));
    expect(hex(b)).toBe("cd".repeat(65));
    expect(a.buffer.byteLength).toBe(8192);
    expect(b.buffer.byteLength).toBe(65);
    expect(b.constructor).toBe(Uint8Array);
  });

  test("short bytes fill their shared buffer to the last byte, 8-byte aligned, then take a new one", () => {
    const read = (len: number) => {
      const input = new Uint8Array(len + 1).fill(len);
      input[0] = len;
      return new ProtoReader(input, 0).bytes(len + 1, 64);
    };
    // Start on a fresh buffer (the one in use may be partly filled by other tests).
    let first = read(8);
    for (let i = 0; i < 1100 && read(8).buffer === first.buffer; i++);
    first = read(1); // offset 8 of the new buffer
    expect(first.byteOffset).toBe(8);
    const three = read(3);
    expect([three.byteOffset, hex(three)]).toEqual([16, "030303"]);
    let value = three;
    for (let i = 0; i < 127; i++) value = read(64);
    expect([value.buffer, value.byteOffset]).toEqual([first.buffer, 24 + 126 * 64]);
    const last = read(40); // 24 + 127 * 64 + 40 = 8192 exactly
    expect([last.buffer, last.byteOffset, hex(last)]).toEqual([
      first.buffer,
      8152,
      "28".repeat(40),
    ]);
    const next = read(1);
    expect(next.buffer).not.toBe(first.buffer);
    expect(next.byteOffset).toBe(0);
  });

  test("strings: ASCII, UTF-8, a leading BOM kept, read in place from any start", () => {
    const input = unhex("ffff 03616263 02c3a9 03efbbbf 00 05 68656c6c6f");
    const r = new ProtoReader(input, 100, 2, input.length);
    const end = input.length;
    expect([r.string(end, 10), r.string(end, 10), r.string(end, 10)]).toEqual([
      "abc",
      "é",
      "\ufeff",
    ]);
    expect(r.string(end, 10)).toBe("");
    expect(r.string(end, 10, "key")).toBe("hello");
    expect(r.pos).toBe(end);
  });

  test("long strings: ASCII and UTF-8", () => {
    const ascii = "x".repeat(65);
    const utf8 = "é".repeat(40);
    const input = Buffer.concat([
      Buffer.from([65]),
      Buffer.from(ascii),
      Buffer.from([80]),
      Buffer.from(utf8),
    ]);
    const r = new ProtoReader(input, 0);
    expect(r.string(input.length, 100)).toBe(ascii);
    expect(r.string(input.length, 100)).toBe(utf8);
  });

  test.each([
    ["0180", 101], // 0x80 alone is no character
    ["02c328", 101],
    ["03616280", 101],
    [`41${"61".repeat(64)}ff`, 101],
  ])("invalid UTF-8 %s is invalid_utf8 at the string's start", (input, offset) => {
    const r = reader(input);
    expect(failure(() => r.string(r.buf.length, 100))).toEqual({
      code: "invalid_utf8",
      message: "string is not valid UTF-8",
      offset,
    });
  });

  test("without Node's latin1Slice, ASCII strings of every length are read in JavaScript", async () => {
    const proto = Buffer.prototype as { latin1Slice?: unknown };
    const saved = proto.latin1Slice;
    delete proto.latin1Slice;
    let Reader: typeof ProtoReader;
    try {
      vi.resetModules();
      ({ ProtoReader: Reader } = await import("../src/wire/reader.js"));
    } finally {
      proto.latin1Slice = saved;
    }
    const texts = Array.from({ length: 10 }, (_, n) => "abcdefghij".slice(0, n));
    const input = Buffer.concat(texts.map((t) => Buffer.from([t.length, ...Buffer.from(t)])));
    const r = new Reader(input, 0, 0, input.length);
    for (const t of texts) expect(r.string(input.length, 100)).toBe(t);
  });
});

describe("ProtoReader.skip", () => {
  const budget = () => new DecodeBudget(DEFAULT_LIMITS);
  const skip = (input: string, wireType: number, end?: number, depth?: number) => {
    const r = reader(input);
    r.skip(wireType, 1, end ?? r.buf.length, budget(), depth);
    return r.pos;
  };

  test("each wire type skips its value exactly", () => {
    expect(skip("ac02 ff", 0)).toBe(2);
    expect(skip("0102030405060708 ff", 1)).toBe(8);
    expect(skip("03616263 ff", 2)).toBe(4);
    expect(skip("0801 1203616263 0c ff", 3)).toBe(8);
    expect(skip("01020304 ff", 5)).toBe(4);
    // A value that ends exactly at `end`.
    expect(skip("0102030405060708", 1, 8)).toBe(8);
    expect(skip("01020304", 5, 4)).toBe(4);
    expect(skip("03616263", 2, 4)).toBe(4);
  });

  test("a value past `end` is truncated, at its start", () => {
    expect(failure(() => skip("0102030405060708", 1, 7))).toEqual(truncated("fixed64", 100));
    expect(failure(() => skip("04616263", 2))).toEqual(truncated("length-delimited field", 100));
    expect(failure(() => skip("01020304", 5, 3))).toEqual(truncated("fixed32", 100));
    expect(failure(() => skip("0801", 3))).toEqual(truncated("group", 102));
    expect(failure(() => skip("08010c", 3, 2))).toEqual(truncated("group", 102));
  });

  test("wire types 3 to 7 that are not a value are invalid", () => {
    for (const wt of [4, 6, 7]) {
      expect(failure(() => skip("00", wt))).toEqual(invalid(`invalid wire type ${wt}`, 100));
    }
  });

  test("groups: the end must match the start; field 0 is invalid; fields inside are entries", () => {
    expect(failure(() => skip("0801 14", 3))).toEqual(
      invalid("end group 2 does not match start group 1", 102),
    );
    expect(failure(() => skip("0801 0000 0c", 3))).toEqual(invalid("field number 0", 102));
    const b = budget();
    reader("0801 1203616263 0c").skip(3, 1, 8, b);
    expect(b.entries).toBe(2);
    const limited = new DecodeBudget(resolveLimits({ maxAttributes: 1 }));
    expect(failure(() => reader("0801 1000 0c").skip(3, 1, 5, limited))).toEqual({
      code: "limit_exceeded",
      message: "more than 1 entries (attributes, array elements, extensions, unknown fields)",
      offset: 102,
    });
  });

  test("groups nest 32 deep (the default), no deeper", () => {
    const nested = (n: number) => `${"0b".repeat(n - 1)}${"0c".repeat(n)}`;
    expect(skip(nested(32), 3)).toBe(63);
    expect(failure(() => skip(nested(33), 3))).toEqual(invalid("groups nested too deep", 132));
    expect(skip("0c", 3, undefined, 1)).toBe(1);
    expect(failure(() => skip("0c", 3, undefined, 0))).toEqual(
      invalid("groups nested too deep", 100),
    );
  });
});

describe("ProtoWriter varints against @bufbuild/protobuf", () => {
  const boundaries = [0, 7, 14, 21, 28, 31, 32, 35, 42, 49, 56, 63].flatMap((k) => [
    2n ** BigInt(k) - 1n,
    2n ** BigInt(k),
  ]);
  const out = (write: (w: ProtoWriter) => void) => {
    const w = new ProtoWriter(64);
    w.begin();
    write(w);
    return hex(w.result());
  };

  test.each(boundaries.filter((v) => v < 2n ** 32n))("uint32 %s", (v) => {
    expect(out((w) => w.uint32(Number(v)))).toBe(
      hex(new BinaryWriter().uint32(Number(v)).finish()),
    );
  });

  test.each([...boundaries, 2n ** 64n - 1n])("uint64 %s as two halves", (v) => {
    const lo = Number(v & 0xffffffffn);
    const hi = Number(v >> 32n);
    expect(out((w) => w.varint64(lo, hi))).toBe(hex(new BinaryWriter().uint64(v).finish()));
  });

  test.each([
    ...boundaries.filter((v) => v < 2n ** 63n),
    -1n,
    -128n,
    -(2n ** 31n),
    -(2n ** 32n),
    -(2n ** 63n),
  ])("int64 %s", (v) => {
    expect(out((w) => w.int64(v))).toBe(hex(new BinaryWriter().int64(v).finish()));
  });

  test("fixed64 and double", () => {
    expect(out((w) => w.fixed64(0x0807060504030201n))).toBe("0102030405060708");
    expect(out((w) => w.fixed64(2n ** 64n - 1n))).toBe("ffffffffffffffff");
    for (const d of [1, -0, 0.1, Number.POSITIVE_INFINITY, -1e300]) {
      expect(out((w) => w.double(d))).toBe(hex(new BinaryWriter().double(d).finish()));
    }
    expect(out((w) => w.double(Number.NaN))).toBe("000000000000f87f");
  });

  test("varintSize is the size uint32 writes", () => {
    for (const v of boundaries.filter((b) => b < 2n ** 32n).map(Number)) {
      expect(varintSize(v)).toBe(out((w) => w.uint32(v)).length / 2);
    }
  });
});

describe("ProtoWriter strings, bytes and lengths", () => {
  const utf8 = (s: string) => hex(new TextEncoder().encode(s));

  test.each([
    "\u0080",
    "a\u0080",
    "\u007f",
    "é",
    `${"a".repeat(19)}\u0080`,
  ])("%j on both paths is its UTF-8 after a length", (s) => {
    const expected = hex(new BinaryWriter().string(s).finish());
    expect(expected.slice(2)).toBe(utf8(s));
    for (const w of [new ProtoWriter(8), new ProtoWriter(8, null)]) {
      w.begin();
      w.string(s);
      expect(hex(w.result())).toBe(expected);
    }
  });

  test("strings, bytes and nested lengths across many slab ends, on both paths", () => {
    const texts = ["", "a", "abcdefghij", "é".repeat(5), "x".repeat(21), "€".repeat(50)];
    for (const native of [true, false]) {
      const w = native ? new ProtoWriter(8) : new ProtoWriter(8, null);
      const reference = new BinaryWriter();
      for (let i = 0; i < 3; i++) {
        w.begin();
        for (const t of texts) {
          w.byte(0x0a);
          const m = w.fork();
          w.byte(0x0a);
          w.string(t);
          w.byte(0x12);
          w.bytes(new TextEncoder().encode(t));
          w.join(m);
          reference
            .tag(1, 2)
            .fork()
            .tag(1, 2)
            .string(t)
            .tag(2, 2)
            .bytes(new TextEncoder().encode(t))
            .join();
        }
        expect(hex(w.result())).toBe(hex(reference.finish()));
      }
    }
  });

  test("lengths of 2^14 and 2^21 bytes take three and four bytes", () => {
    for (const n of [2 ** 14 - 1, 2 ** 14, 2 ** 21 - 1, 2 ** 21]) {
      const s = "y".repeat(n);
      for (const w of [new ProtoWriter(64), new ProtoWriter(64, null)]) {
        w.begin();
        w.string(s);
        expect(hex(w.result())).toBe(hex(new BinaryWriter().string(s).finish()));
      }
      const w = new ProtoWriter(64);
      w.begin();
      const m = w.fork();
      w.raw(new Uint8Array(n).fill(0x79));
      w.join(m);
      expect(hex(w.result())).toBe(hex(new BinaryWriter().string(s).finish()));
    }
  });

  test("bytes of every size up to 40 and a long one", () => {
    for (const n of [0, 1, 31, 32, 33, 40, 300]) {
      const v = Uint8Array.from({ length: n }, (_, i) => i);
      const w = new ProtoWriter(16);
      w.begin();
      w.bytes(v);
      w.byte(0x01);
      expect(hex(w.result())).toBe(hex(new BinaryWriter().bytes(v).raw(Uint8Array.of(1)).finish()));
    }
  });
});

describe("ProtoWriter outputs and slabs", () => {
  const output = (w: ProtoWriter, size: number, fill = 0x55) => {
    w.begin();
    w.raw(new Uint8Array(size).fill(fill));
    return w.result();
  };

  test("outputs start 8-byte aligned after the previous one, on a 64 KiB slab by default", () => {
    const w = new ProtoWriter();
    const a = output(w, 3);
    const b = output(w, 1);
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset - a.byteOffset).toBe(8);
    expect(a.buffer.byteLength).toBe(64 * 1024);
    expect(hex(a)).toBe("555555");
  });

  test("an output that fits the slab exactly stays in it", () => {
    const w = new ProtoWriter(16);
    const a = output(w, 16);
    expect(a.buffer.byteLength).toBe(16);
  });

  test("a new output starts on a fresh slab sized for four like the last when too little room is left", () => {
    const w = new ProtoWriter(64);
    output(w, 96); // grows the slab to 192 bytes, room for one more
    const next = [1, 2, 3, 4, 5, 6].map((i) => output(w, 96, i));
    expect(next[0]!.buffer.byteLength).toBe(192);
    expect(new Set(next.slice(1, 5).map((o) => o.buffer)).size).toBe(1);
    expect(next[1]!.buffer.byteLength).toBe(384);
    expect(next[5]!.buffer).not.toBe(next[4]!.buffer);
    next.forEach((o, i) => {
      expect(hex(o)).toBe(hex(new Uint8Array(96).fill(i + 1)));
    });
  });

  test("after an output over 1 MiB the slab is dropped; a 1 MiB slab is kept", () => {
    const w = new ProtoWriter(64);
    const big = output(w, (1 << 20) + 1);
    expect(big.length).toBe((1 << 20) + 1);
    const small = output(w, 8);
    expect(small.buffer.byteLength).toBe(64);
    expect(small.byteOffset).toBe(0);
    const exact = new ProtoWriter(1 << 20);
    const a = output(exact, 8);
    expect(output(exact, 8).buffer).toBe(a.buffer);
  });

  test("a transferred result's detached slab is replaced", () => {
    const w = new ProtoWriter(64);
    const a = output(w, 8);
    structuredClone(a.buffer, { transfer: [a.buffer] });
    expect(hex(output(w, 4, 0x66))).toBe("66666666");
  });

  test("an aborted output leaves no gap; offsets are relative to the output's start", () => {
    const w = new ProtoWriter(64);
    output(w, 5);
    w.begin();
    const start = w.pos;
    expect(start).toBe(8);
    w.raw(new Uint8Array(10));
    expect(w.offset()).toBe(10);
    w.abort();
    expect(w.offset()).toBe(0);
    const next = output(w, 2);
    expect(next.byteOffset).toBe(start);
  });
});
