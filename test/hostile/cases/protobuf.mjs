// Hostile protobuf frames (docs/spec.md, "Codec: protobuf binary" and
// "Limits"; docs/security.md): floods of tiny entries no limit used to count
// (extensions, unknown fields, fields inside unknown groups), keys long enough
// to defeat hashing, repeated embedded messages and U+FEFF strings (values that
// must come out as protobuf says), and a raised maxDepth. Each input is a frame
// decoded with `decode(bytes)`; `peer()` builds a valid frame of about the same
// size for bench/hostile.mjs. See ../README.md.
import { compress } from "@envelope/lz4";
import { protobufCodec } from "@envelope/protobuf";
import { createDecoder, decode, encode } from "@envelope/sdk";
import {
  frame as frameOf,
  HEADER,
  repeat,
  summary,
  validOfSize as validFrame,
} from "../frames.mjs";

const utf8 = new TextEncoder();
const frame = (body, header) => frameOf("protobuf", body, header);
const validOfSize = (size) => validFrame("protobuf", size);

function varint(v) {
  const out = [];
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
  return out;
}

/** A length-delimited field. */
function ld(field, content) {
  return Uint8Array.from([(field << 3) | 2, ...varint(content.length), ...content]);
}

export const cases = [
  {
    // Each used to cost an object and a Map, counted by no limit.
    name: "protobuf: a million empty extensions",
    build: () => frame(repeat([0x12, 0x00], 1_000_000)),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(2_000_000),
  },
  {
    // The same in a 30 KB LZ4 frame (about 7.7 MB, 3.8 million extensions,
    // once decompressed): an out-of-memory crash before extensions were
    // counted. No peer: its time per input byte is the LZ4 expansion's.
    name: "protobuf: 3.8 million empty extensions in a 30 KB LZ4 frame",
    build: () => frameOf("protobuf", repeat([0x12, 0x00], 3_840_000), undefined, compress),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
  },
  {
    // Unknown field 3 (varint 0): each was kept as a subarray of its own.
    name: "protobuf: a million unknown fields in the body",
    build: () => frame(repeat([0x18, 0x00], 1_000_000)),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(2_000_000),
  },
  {
    // Under the limit they are all kept, in one copy per message (adjacent fields are one range).
    name: "protobuf: 90,000 unknown fields in the body, kept",
    build: () => frame(repeat([0x18, 0x00], 90_000)),
    run: (bytes) => ({ unknownBytes: decode(bytes).body.$unknown?.data.length ?? 0 }),
    expect: { value: { unknownBytes: 180_000 } },
    peer: () => validOfSize(180_000),
  },
  {
    // Unknown field 5 as a group holding a million varint fields: walked one by one.
    name: "protobuf: a million fields inside an unknown group",
    build: () => {
      return frame(repeat([0x08, 0x00], 1_000_000, [0x2b], [0x2c]));
    },
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(2_000_000),
  },
  {
    // Keys of 16,384+ characters share one V8 string hash: a map of them was quadratic.
    name: "protobuf: 300 KB of 20,000-byte attribute keys",
    build: () => {
      const parts = [];
      for (let i = 0; i < 15; i++) {
        const key = utf8.encode(`${"k".repeat(19_990)}${String(i).padStart(10, "0")}`);
        parts.push(ld(1, Uint8Array.from([...ld(1, key), ...ld(2, [0x10, 0x01])])));
      }
      return frame(Uint8Array.from(parts.flatMap((p) => [...p])));
    },
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(300_000),
  },
  {
    name: "protobuf: an extension namespace of 100,000 bytes",
    build: () => frame(ld(2, ld(1, utf8.encode("n".repeat(100_000))))),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(100_000),
  },
  {
    // Header.schema in two occurrences (merged, as protobuf requires) and
    // strings that start with U+FEFF (kept: they are characters, not a byte order mark).
    name: "protobuf: a repeated header sub-message merges, and U+FEFF is kept",
    build: () => {
      const bom = (s) => utf8.encode(`\ufeff${s}`);
      const header = protobufCodec.encodeHeader(HEADER);
      const schema = ld(1, [...ld(1, bom("t2")), ...ld(4, utf8.encode("https://x"))]);
      const attribute = ld(1, [...ld(1, bom("k")), ...ld(2, ld(1, bom("v")))]);
      return frame(attribute, Uint8Array.from([...header, ...schema]));
    },
    run: (bytes) => {
      const e = decode(bytes);
      return { schema: e.header.schema, attributes: [...e.body.attributes] };
    },
    expect: {
      value: {
        schema: { type: "\ufefft2", subtype: "s", version: "1.0.0", url: "https://x" },
        attributes: [["\ufeffk", "\ufeffv"]],
      },
    },
  },
  {
    // A raised maxDepth (the ceiling is 256) must give values or limit_exceeded,
    // never RangeError. Written back, such a value is over the default depth
    // every encoder validates (and the protobuf writer checks): limit_exceeded.
    name: "protobuf: 256-deep arrays and maps with maxDepth 256, decoded, then refused on encode",
    build: () => {
      let array = [0x10, 0x01];
      let map = [0x10, 0x01];
      for (let i = 0; i < 256; i++) {
        array = [...ld(5, ld(1, array))];
        map = [...ld(6, ld(1, [...ld(1, [0x6b]), ...ld(2, map)]))];
      }
      const attribute = (key, value) => ld(1, [...ld(1, utf8.encode(key)), ...ld(2, value)]);
      return frame(Uint8Array.from([...attribute("a", array), ...attribute("m", map)]));
    },
    run: (bytes) => {
      const e = createDecoder({ limits: { maxDepth: 256 } }).decode(bytes);
      let reencoded = "ok";
      try {
        encode(e, { codec: "protobuf", validate: false });
      } catch (error) {
        reencoded = error.code;
      }
      return { attributes: e.body.attributes.size, reencoded };
    },
    expect: { value: { attributes: 2, reencoded: "limit_exceeded" } },
  },
];
