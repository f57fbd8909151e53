import { crc32c } from "@envelope/core";
import {
  createDecoder,
  createEncoder,
  createEnvelope,
  decode,
  type Envelope,
  EnvelopeError,
  encode,
  fromJson,
  isEnvelopeError,
  peek,
  toJson,
} from "@envelope/sdk";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { envelope as arbitraryEnvelope } from "../../../test/support/arbitrary.js";

const CODECS = ["protobuf", "json", "cbor"] as const;
const COMPRESSIONS = ["none", "lz4"] as const;
const MATRIX = CODECS.flatMap((codec) =>
  COMPRESSIONS.map((compression) => ({ codec, compression })),
);

/** Every value kind and edge the contract promises to keep. */
function everyKind(): Envelope {
  return createEnvelope({
    schema: {
      type: "request",
      subtype: "auth_request",
      version: "1.2.3",
      url: "https://schemas.example/auth",
    },
    resource: {
      serviceName: "auth",
      serviceVersion: "",
      environment: "production",
      region: "eu-west-1",
      host: "h1",
      attributes: { "k8s.pod": "auth-1" },
    },
    trace: {
      traceId: Uint8Array.from({ length: 16 }, (_, i) => i + 1),
      spanId: Uint8Array.from({ length: 8 }, (_, i) => i + 1),
      parentSpanId: new Uint8Array(8).fill(9),
      traceFlags: 3,
      traceState: "vendor=x,other=y",
    },
    status: { code: 2, message: "denied" },
    attributes: {
      string: "héllo 日本 😀",
      empty: "",
      bool: false,
      int0: 0n,
      intMax: 2n ** 63n - 1n,
      intMin: -(2n ** 63n),
      intPast53: 2n ** 53n + 1n,
      one: 1,
      tenth: 0.1,
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      ninf: Number.NEGATIVE_INFINITY,
      nzero: -0,
      subnormal: 5e-324,
      max: Number.MAX_VALUE,
      bytes: new Uint8Array([0, 255, 128]),
      noBytes: new Uint8Array(0),
      mixed: [1n, "two", 3, true, new Uint8Array([4]), [], new Map()],
      nested: { a: { b: { c: [[["deep"]]] } } },
    },
    extensions: [
      { namespace: "http", version: "1.0.0", attributes: { method: "POST", status: 403n } },
      { namespace: "payment", version: "2.1.0" },
    ],
  });
}

describe("round trips: every codec x compression x value kind", () => {
  test.each(MATRIX)("$codec / $compression: everything survives with its type", ({
    codec,
    compression,
  }) => {
    const e = everyKind();
    const bytes = encode(e, { codec, compression });
    const back = decode(bytes);
    expect(back).toEqual(e);
    const attrs = back.body.attributes;
    expect(typeof attrs.get("int0")).toBe("bigint");
    expect(typeof attrs.get("one")).toBe("number");
    expect(Object.is(attrs.get("nzero"), -0)).toBe(true);
    expect(attrs.get("bytes")).toBeInstanceOf(Uint8Array);
    expect([...attrs.keys()]).toEqual([...e.body.attributes.keys()]);
    // Decoding then encoding gives the same bytes.
    expect(Buffer.from(encode(back, { codec, compression })).equals(Buffer.from(bytes))).toBe(true);
  });

  test.each(MATRIX)("$codec / $compression: random envelopes (property)", ({
    codec,
    compression,
  }) => {
    const encoder = createEncoder({ codec, compression });
    const decoder = createDecoder();
    fc.assert(
      fc.property(arbitraryEnvelope, (e) => {
        const bytes = encoder.encode(e);
        const back = decoder.decode(bytes);
        expect(back).toEqual(e);
        expect(Buffer.from(encoder.encode(back)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  test.each(
    MATRIX,
  )("$codec / $compression unframed, with a content checksum, and through Buffers", ({
    codec,
    compression,
  }) => {
    const e = everyKind();
    const raw = encode(e, { codec, compression, framed: false });
    expect(decode(raw, { framed: false, codec, compression })).toEqual(e);
    const checked = encode(e, { codec, compression, checksum: true });
    expect(decode(Buffer.from(checked))).toEqual(e);
  });

  test("empty values and absent optional fields stay as they were", () => {
    const e = createEnvelope({
      schema: { type: "t", subtype: "s", version: "0.0.0" },
      resource: { serviceName: "x" },
    });
    for (const { codec, compression } of MATRIX) {
      const back = decode(encode(e, { codec, compression }));
      expect(back).toEqual(e);
      expect("trace" in back.header).toBe(false);
      expect("url" in back.header.schema).toBe(false);
      expect("environment" in back.header.resource).toBe(false);
    }
  });

  test("LZ4 shrinks a large body; the header stays readable without decompressing", () => {
    const e = everyKind();
    for (let i = 0; i < 500; i++) e.body.attributes.set(`attr_${i}`, `value number ${i}`);
    const plain = encode(e);
    const packed = encode(e, { compression: "lz4" });
    expect(packed.length).toBeLessThan(plain.length / 2);
    const { frame, header } = peek(packed);
    expect(frame).toMatchObject({ codec: "protobuf", compression: "lz4" });
    expect(frame.bodyRawLength).toBe(plain.length - frame.headerOffset - frame.headerLength);
    expect(header).toEqual(e.header);
  });
});

describe("adaptive compression", () => {
  const small = () =>
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
      attributes: { a: "b" },
    });

  test("a body under compressMinSize is stored uncompressed, and the frame says so", () => {
    const e = small();
    const bytes = encode(e, { compression: "lz4" });
    expect(peek(bytes).frame.compression).toBe("none");
    expect(decode(bytes)).toEqual(e);
  });

  test("a body LZ4 does not shrink is stored uncompressed", () => {
    const noise = createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
      attributes: { noise: crypto.getRandomValues(new Uint8Array(4096)) },
    });
    expect(peek(encode(noise, { compression: "lz4" })).frame.compression).toBe("none");
  });

  test("a compressible body over the threshold is compressed; compressMinSize 0 always compresses", () => {
    expect(
      peek(encode(everyKind(), { compression: "lz4", compressMinSize: 64 })).frame.compression,
    ).toBe("lz4");
    const e = small();
    const forced = encode(e, { compression: "lz4", compressMinSize: 0 });
    expect(peek(forced).frame.compression).toBe("lz4");
    expect(decode(forced)).toEqual(e);
  });
});

describe("peek reads the header without the body", () => {
  test("a corrupt body does not stop peek, but stops decode", () => {
    const e = everyKind();
    const bytes = encode(e, { compression: "lz4" });
    const { frame } = peek(bytes);
    const broken = Uint8Array.from(bytes);
    broken.fill(0xff, frame.bodyOffset + 8, frame.bodyOffset + frame.bodyLength - 8);
    expect(peek(broken).header.schema).toEqual(e.header.schema);
    expect(() => decode(broken)).toThrow(EnvelopeError);
  });

  test("frameLength lets a reader walk a stream of frames", () => {
    const a = encode(everyKind(), { codec: "json" });
    const b = encode(everyKind(), { codec: "protobuf", compression: "lz4" });
    const stream = new Uint8Array([...a, ...b]);
    const decoder = createDecoder();
    const first = decoder.peek(stream, 0);
    const second = decoder.peek(stream, first.frame.frameLength);
    expect([first.frame.codec, second.frame.codec]).toEqual(["json", "protobuf"]);
    expect(first.frame.frameLength + second.frame.frameLength).toBe(stream.length);
  });
});

describe("JSON mapping as plain objects", () => {
  test("toJson / fromJson round trip through JSON text", () => {
    const e = everyKind();
    expect(fromJson(JSON.parse(JSON.stringify(toJson(e))))).toEqual(e);
  });
  test("fromJson validates", () => {
    const json = toJson(everyKind()) as { header: { schema: { version: string } } };
    json.header.schema.version = "1.2";
    expect(() => fromJson(json)).toThrow(/invalid_semver/);
    expect(fromJson(json, { validate: false }).header.schema.version).toBe("1.2");
  });
});

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (!isEnvelopeError(error)) throw new Error(`not an EnvelopeError: ${String(error)}`);
    return error.code;
  }
  throw new Error("expected an EnvelopeError");
}

/** Re-frames sections so the frame itself is valid and the section content is what is tested. */
function frame(codec: "protobuf" | "json", header: Uint8Array, body: Uint8Array): Uint8Array {
  const good = encode(everyKind(), { codec });
  const out = new Uint8Array(24 + header.length + body.length);
  out.set(good.subarray(0, 8));
  const view = new DataView(out.buffer);
  view.setUint32(8, header.length, true);
  view.setUint32(12, body.length, true);
  view.setUint32(16, body.length, true);
  out.set(header, 24);
  out.set(body, 24 + header.length);
  view.setUint32(20, crc32c(out, 0, 0, 20), true);
  return out;
}

/** Sets one prefix byte and fixes the prefix checksum, so the later checks are reached. */
function patchPrefix(bytes: Uint8Array, at: number, value: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[at] = value;
  new DataView(out.buffer).setUint32(20, crc32c(out, 0, 0, 20), true);
  return out;
}

describe("bad input: every public decode path throws only EnvelopeError with a stable code", () => {
  const good = encode(everyKind());
  const { frame: info } = peek(good);
  const header = good.subarray(info.headerOffset, info.bodyOffset);
  const body = good.subarray(info.bodyOffset);
  const text = (s: string) => new TextEncoder().encode(s);

  test.each([
    ["truncated", () => decode(good.subarray(0, good.length - 1))],
    ["bad_magic", () => decode(text("not a frame at all, just text"))],
    [
      "unsupported_version",
      () => decode(Uint8Array.from([...good.subarray(0, 4), 9, ...good.subarray(5)])),
    ],
    [
      "checksum_mismatch",
      () => decode(Uint8Array.from([...good.subarray(0, 8), 0xff, ...good.subarray(9)])),
    ],
    ["trailing_bytes", () => decode(new Uint8Array([...good, 0]))],
    ["too_large", () => decode(good, { limits: { maxFrameSize: 100 } })],
    ["limit_exceeded", () => decode(good, { limits: { maxDepth: 3 } })],
    ["invalid_protobuf", () => decode(frame("protobuf", header, new Uint8Array([0x0f])))],
    [
      "invalid_utf8",
      () =>
        decode(
          frame(
            "protobuf",
            header,
            new Uint8Array([0x0a, 0x06, 0x0a, 0x02, 0xc3, 0x28, 0x12, 0x00]),
          ),
        ),
    ],
    ["invalid_json", () => decode(frame("json", text('{"schema":'), text("{}")))],
    [
      "invalid_value",
      () => decode(frame("protobuf", header, new Uint8Array([0x0a, 0x03, 0x0a, 0x01, 0x61]))),
    ],
    [
      "duplicate_key",
      () =>
        decode(
          frame(
            "protobuf",
            header,
            new Uint8Array([
              ...body.subarray(0, 0),
              0x0a,
              0x07,
              0x0a,
              0x01,
              0x61,
              0x12,
              0x02,
              0x10,
              0x01,
              0x0a,
              0x07,
              0x0a,
              0x01,
              0x61,
              0x12,
              0x02,
              0x10,
              0x01,
            ]),
          ),
        ),
    ],
    ["missing_field", () => decode(frame("json", text("{}"), text("{}")))],
    [
      "invalid_id",
      () =>
        decode(
          encode(
            {
              ...everyKind(),
              header: { ...everyKind().header, eventId: new Uint8Array(3).fill(1) },
            },
            { validate: false },
          ),
        ),
    ],
    [
      "invalid_semver",
      () =>
        decode(
          encode(
            {
              ...everyKind(),
              header: {
                ...everyKind().header,
                schema: { type: "a", subtype: "b", version: "one" },
              },
            },
            { validate: false },
          ),
        ),
    ],
    [
      "invalid_lz4",
      () => {
        const packed = encode(everyKind(), { compression: "lz4" });
        const p = peek(packed).frame;
        return decode(
          Uint8Array.from([
            ...packed.subarray(0, p.bodyOffset),
            1,
            2,
            3,
            4,
            ...packed.subarray(p.bodyOffset + 4),
          ]),
        );
      },
    ],
    ["invalid_argument", () => decode("89454e56" as unknown as Uint8Array)],
    ["invalid_argument", () => decode(good, { framed: false })],
    ["invalid_frame", () => decode(patchPrefix(good, 7, 0x80))],
    ["unsupported_codec", () => decode(patchPrefix(good, 5, 9))],
    ["unsupported_compression", () => decode(patchPrefix(good, 6, 9))],
  ])("%s", (code, run) => {
    expect(codeOf(run)).toBe(code);
  });

  test("errors say what and where", () => {
    try {
      decode(good.subarray(0, 30));
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).message).toBe(
        `[truncated] frame needs ${good.length} bytes, only 30 available (at byte 0)`,
      );
    }
  });

  test("an error inside a compressed body names the decompressed offset and the stored position", () => {
    const packed = encode(everyKind(), { compression: "lz4" });
    try {
      decode(packed, { limits: { maxDepth: 3 } });
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "limit_exceeded")).toBe(true);
      const e = error as EnvelopeError;
      const bodyOffset = peek(packed).frame.bodyOffset;
      expect(e.section).toBe("decompressed-body");
      expect(e.sectionOffset).toBe(bodyOffset);
      expect(e.offset).toBeGreaterThan(0);
      expect(e.detail).not.toContain("[limit_exceeded]");
      expect(e.message).toBe(
        `[limit_exceeded] ${e.detail} (${e.path === undefined ? "" : `at ${e.path}, `}at byte ${e.offset} of the decompressed body, stored at byte ${bodyOffset})`,
      );
    }
  });

  test("encode validates by default", () => {
    const bad = everyKind();
    bad.header.resource.serviceName = "";
    expect(codeOf(() => encode(bad))).toBe("missing_field");
    expect(encode(bad, { validate: false }).length).toBeGreaterThan(24);
    expect(codeOf(() => createEncoder({ codec: "xml" as never }))).toBe("unsupported_codec");
    expect(codeOf(() => createEncoder({ compression: "zstd" as never }))).toBe("invalid_argument");
  });

  test("random bytes and mutated frames never throw anything else", () => {
    const samples = MATRIX.map(({ codec, compression }) =>
      encode(everyKind(), { codec, compression }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: samples.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 4 }),
        fc.nat(),
        (which, flips, cut) => {
          const bytes = Uint8Array.from(samples[which]!);
          for (const [at, value] of flips) bytes[at % bytes.length] = value;
          const input = cut % 3 === 0 ? bytes.subarray(0, cut % bytes.length) : bytes;
          try {
            decode(input);
          } catch (error) {
            expect(isEnvelopeError(error)).toBe(true);
          }
        },
      ),
      { numRuns: 3000, seed: 99 },
    );
  });
});

describe("encode: attribute values are checked while protobuf writes them", () => {
  // The protobuf codec rejects bad attribute values itself (checksAttributes),
  // so validation skips its attribute walk; an error must still carry the
  // code and the path the full validation gives, for every codec alike.
  const deep = (levels: number): unknown => (levels === 0 ? "leaf" : [deep(levels - 1)]);
  const cases: Array<[string, unknown, string, string]> = [
    [
      "int64 over the range, nested",
      new Map([["x", 2n ** 63n]]),
      "invalid_value",
      'body.attributes["v"]["x"]',
    ],
    [
      "int64 under the range in an array",
      [1n, -(2n ** 63n) - 1n],
      "invalid_value",
      'body.attributes["v"][1]',
    ],
    [
      "nested deeper than 32",
      deep(33),
      "limit_exceeded",
      `body.attributes["v"]${"[0]".repeat(32)}`,
    ],
    [
      "a value of no contract kind",
      new Map([["f", () => 1]]),
      "invalid_value",
      'body.attributes["v"]["f"]',
    ],
  ];
  test.each(cases)("%s: same code and path from every codec", (_, value, code, path) => {
    const e = everyKind();
    e.body.attributes.set("v", value as never);
    for (const codec of ["protobuf", "cbor", "json"] as const) {
      try {
        encode(e, { codec });
        expect.unreachable();
      } catch (error) {
        expect(isEnvelopeError(error, code as never)).toBe(true);
        expect((error as EnvelopeError).path).toBe(path);
      }
    }
  });

  test("32 levels are fine, and an encoder reused after an error still works", () => {
    const encoder = createEncoder();
    const e = everyKind();
    e.body.attributes.set("v", deep(32) as never);
    const bytes = encoder.encode(e);
    expect(decode(bytes).body.attributes.get("v")).toEqual(deep(32));
    e.body.attributes.set("v", 2n ** 64n);
    expect(() => encoder.encode(e)).toThrow(EnvelopeError);
    e.body.attributes.set("v", 1n);
    expect(decode(encoder.encode(e)).body.attributes.get("v")).toBe(1n);
  });

  test("a check that trips over a bad value before the codec does still yields validation's error", () => {
    const e = everyKind();
    e.body.attributes.set("v", 2n ** 64n);
    const fragile = {
      check: (envelope: Envelope) => {
        // A check written for valid envelopes only: it fails on this value with a TypeError.
        if (typeof envelope.body.attributes.get("v") === "bigint")
          BigInt.asIntN(64, Symbol() as never);
        return { envelope, issues: [] };
      },
    };
    try {
      encode(e, { check: { check: fragile } });
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "invalid_value")).toBe(true);
      expect((error as EnvelopeError).path).toBe('body.attributes["v"]');
    }
  });

  test("with validate: false protobuf still refuses what it cannot write: no wrap, no stack overflow", () => {
    const e = everyKind();
    e.body.attributes.set("v", 2n ** 64n + 5n); // would wrap to 5 as an int64
    expect(() => encode(e, { validate: false })).toThrow(/int64 out of range/);
    const cyclic = new Map<string, unknown>();
    cyclic.set("self", cyclic);
    e.body.attributes.set("v", cyclic as never);
    try {
      encode(e, { validate: false });
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "limit_exceeded")).toBe(true);
    }
  });
});

describe("an uncompressed protobuf frame is read in one pass over both sections", () => {
  test("a header field whose length runs into the body section is truncated at the header's end", () => {
    const e = everyKind();
    const good = encode(e);
    const { frame: info } = peek(good);
    // Header section starts with schema: 0a <len>. Claim a schema longer than
    // the header section, so it would end inside the body.
    const bad = Uint8Array.from(good);
    expect(bad[info.headerOffset]).toBe(0x0a);
    bad[info.headerOffset + 1] = info.headerLength - 1;
    try {
      decode(bad);
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "truncated")).toBe(true);
      expect((error as EnvelopeError).offset).toBe(info.headerOffset + 1);
    }
  });

  test("a body error reports its offset in the whole input, as the section-by-section path does", () => {
    const e = everyKind();
    const good = encode(e);
    const { frame: info } = peek(good);
    const bad = Uint8Array.from(good);
    bad[info.bodyOffset] = 0x0f; // wire type 7 on field 1
    try {
      decode(bad);
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "invalid_protobuf")).toBe(true);
      expect((error as EnvelopeError).offset).toBe(info.bodyOffset);
    }
  });
});

describe("checks attached to an encoder or decoder (schema validation hook)", () => {
  const issue = {
    path: 'body.attributes["user"]',
    code: "missing_attribute",
    message: "user is required",
  };
  const requireUser = {
    check: (e: Envelope) => ({
      envelope: e,
      issues: e.body.attributes.has("user") ? [] : [issue],
    }),
  };
  const withoutUser = () =>
    createEnvelope({
      schema: { type: "t", subtype: "s", version: "1.0.0" },
      resource: { serviceName: "x" },
    });

  test("strict mode throws schema_violation with every issue", () => {
    try {
      encode(withoutUser(), { check: { check: requireUser } });
      expect.unreachable();
    } catch (error) {
      expect(isEnvelopeError(error, "schema_violation")).toBe(true);
      expect((error as EnvelopeError).issues).toEqual([issue]);
      expect((error as EnvelopeError).path).toBe(issue.path);
    }
  });

  test("report mode calls onIssues and goes on; off mode does not run the check", () => {
    const seen: unknown[] = [];
    const bytes = encode(withoutUser(), {
      check: {
        check: requireUser,
        mode: "report",
        onIssues: (issues, _e, stage) => seen.push([stage, issues]),
      },
    });
    expect(seen).toEqual([["encode", [issue]]]);
    decode(bytes, {
      check: {
        check: requireUser,
        mode: "report",
        onIssues: (issues, _e, stage) => seen.push([stage, issues]),
      },
    });
    expect(seen).toHaveLength(2);
    let ran = false;
    encode(withoutUser(), {
      check: {
        check: {
          check: (e) => {
            ran = true;
            return { envelope: e, issues: [issue] };
          },
        },
        mode: "off",
      },
    });
    expect(ran).toBe(false);
  });

  test("the envelope the check returns is the one encoded (defaults, redaction)", () => {
    const addDefault = {
      check: (e: Envelope) => ({
        envelope: {
          ...e,
          body: { ...e.body, attributes: new Map([...e.body.attributes, ["duration_ms", 0]]) },
        },
        issues: [],
      }),
    };
    const back = decode(encode(withoutUser(), { check: { check: addDefault } }));
    expect(back.body.attributes.get("duration_ms")).toBe(0);
  });
});
