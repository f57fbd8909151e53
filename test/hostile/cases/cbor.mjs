// Hostile CBOR frames (docs/spec.md, "Codec: CBOR" and "Limits";
// docs/security.md): floods of tiny entries no limit used to count (empty
// chunks of indefinite-length strings, extensions, items of unknown values),
// tens of thousands of unknown keys (their duplicate check was a list scan),
// keys long enough to defeat hashing, and a raised maxDepth. Each input is a
// frame decoded with `decode(bytes)` (or `peek`); `peer()` builds a valid frame
// of about the same size for bench/hostile.mjs. See ../README.md.
import { cborCodec } from "@envelope/cbor";
import { compress } from "@envelope/lz4";
import { createDecoder, decode, encode, peek } from "@envelope/sdk";
import {
  frame as frameOf,
  HEADER,
  repeat,
  summary,
  validOfSize as validFrame,
} from "../frames.mjs";

const frame = (body, header) => frameOf("cbor", body, header);
const validOfSize = (size, inHeader) => validFrame("cbor", size, inHeader);
/** `head`, then `unit` repeated `times` times, then `tail`. */
const run = (head, unit, times, tail) => repeat(unit, times, head, tail);

/** A CBOR head with a 4-byte argument (major type `mt` shifted, e.g. 0xa0 for a map). */
function head32(mt, n) {
  return [mt | 26, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** `count` unknown keys 100, 101, ... each with value 0, as a message map's entries (no map head). */
function unknownKeys(count) {
  const out = new Uint8Array(count * 6);
  for (let i = 0; i < count; i++) out.set([...head32(0x00, 100 + i), 0x00], i * 6);
  return out;
}

/** A value nested `depth` deep: arrays, or maps with key "k". */
function nested(kind, depth) {
  let v = true;
  for (let i = 0; i < depth; i++) v = kind === "array" ? [v] : new Map([["k", v]]);
  return v;
}

export const cases = [
  {
    // Body {1: {"a": (_ "" "" ...)}}: each chunk used to cost a pass, uncounted.
    name: "cbor: a million empty chunks in a text string",
    build: () => frame(run([0xa1, 0x01, 0xa1, 0x61, 0x61, 0x7f], [0x60], 1_000_000, [0xff])),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(1_000_000),
  },
  {
    // The same with a byte string: each chunk was a subarray kept until the end.
    name: "cbor: a million empty chunks in a byte string",
    build: () => frame(run([0xa1, 0x01, 0xa1, 0x61, 0x61, 0x5f], [0x40], 1_000_000, [0xff])),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(1_000_000),
  },
  {
    // Body {2: [_ {} {} ...]}: an object and a Map each, counted by no limit.
    name: "cbor: a million empty extensions",
    build: () => frame(run([0xa1, 0x02, 0x9f], [0xa0], 1_000_000, [0xff])),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(1_000_000),
  },
  {
    // The same in a 30 KB LZ4 frame (7.7 million extensions once decompressed):
    // an out-of-memory crash before extensions were counted. No peer: its
    // time per input byte is the LZ4 expansion's.
    name: "cbor: 7.7 million empty extensions in a 30 KB LZ4 frame",
    build: () =>
      frameOf("cbor", run([0xa1, 0x02, 0x9f], [0xa0], 7_680_000, [0xff]), undefined, compress),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
  },
  {
    // Body {9: [_ 0 0 0 ...]}: an unknown value is walked like known data.
    name: "cbor: an unknown value of a million items",
    build: () => frame(run([0xa1, 0x09, 0x9f], [0x00], 1_000_000, [0xff])),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(1_000_000),
  },
  {
    // 50,000 distinct unknown keys in the body: the duplicate check scanned a list (quadratic).
    name: "cbor: 50,000 unknown keys",
    build: () => frame(Uint8Array.from([...head32(0xa0, 50_000), ...unknownKeys(50_000)])),
    run: (bytes) => {
      const e = decode(bytes);
      return { unknownKeys: e.body.$unknown?.data.length ?? 0 };
    },
    expect: { value: { unknownKeys: 50_000 } },
    peer: () => validOfSize(300_000),
  },
  {
    // The same in the header, read by `peek` (which decodes only the header).
    name: "cbor: 50,000 unknown keys in the header, peeked",
    build: () => {
      const known = cborCodec.encodeHeader(HEADER); // a map of fewer than 24 entries: a one-byte head
      const header = Uint8Array.from([
        ...head32(0xa0, (known[0] & 0x1f) + 50_000),
        ...known.subarray(1),
        ...unknownKeys(50_000),
      ]);
      return frame(Uint8Array.of(0xa0), header);
    },
    run: (bytes) => ({
      unknownKeys: peek(bytes).header.$unknown?.data.length ?? 0,
    }),
    expect: { value: { unknownKeys: 50_000 } },
    peer: () => validOfSize(300_000, true),
  },
  {
    // Keys of 16,384+ characters share one V8 string hash: a map of them was quadratic.
    name: "cbor: 300 KB of 20,000-byte attribute keys",
    build: () => {
      const parts = [0xa1, 0x01, ...head32(0xa0, 15)];
      for (let i = 0; i < 15; i++) {
        const key = `${"k".repeat(19_990)}${String(i).padStart(10, "0")}`;
        parts.push(...head32(0x60, key.length), ...Buffer.from(key), 0xf5);
      }
      return frame(Uint8Array.from(parts));
    },
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(300_000),
  },
  {
    name: "cbor: an unknown value with a 100,000-byte map key",
    build: () =>
      frame(
        Uint8Array.from([
          0xa1,
          0x09,
          0xa1,
          ...head32(0x60, 100_000),
          ...Buffer.from("k".repeat(100_000)),
          0x00,
        ]),
      ),
    run: (bytes) => summary(decode(bytes)),
    expect: { code: "limit_exceeded" },
    peer: () => validOfSize(100_000),
  },
  {
    // A raised maxDepth (the ceiling is 256) must give values or limit_exceeded, never RangeError.
    name: "cbor: 256-deep arrays, maps and unknown values with maxDepth 256, decoded and encoded back",
    build: () => {
      // {1: {"a": [[...true]]}, 9: [[...true]]}: the array 256 deep, as an attribute and as an unknown value.
      const array = [...new Array(256).fill(0x81), 0xf5];
      const body = Uint8Array.from([0xa2, 0x01, 0xa1, 0x61, 0x61, ...array, 0x09, ...array]);
      const header = cborCodec.encodeHeader({
        ...HEADER,
        resource: { ...HEADER.resource, attributes: new Map([["m", nested("map", 256)]]) },
      });
      return frame(body, header);
    },
    run: (bytes) => {
      const e = createDecoder({ limits: { maxDepth: 256 } }).decode(bytes);
      const again = encode(e, { codec: "cbor", validate: false });
      return { attributes: e.body.attributes.size, same: Buffer.compare(again, bytes) === 0 };
    },
    expect: { value: { attributes: 1, same: true } },
  },
];
