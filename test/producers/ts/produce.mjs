// The TypeScript producer: reads test/vectors/cases.json and writes one framed
// fixture per case x variant x compression into test/fixtures/ts/, plus
// manifest.json, exactly as the Go and Rust producers do (docs/interop.md).
// Runs against the built packages: `pnpm build && node test/producers/ts/produce.mjs`.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { crc32c } from "@envelope/core";
import { encode, fromJson } from "@envelope/sdk";

const root = new URL("../../../", import.meta.url);
const out = new URL("test/fixtures/ts/", root);
const { cases } = JSON.parse(readFileSync(new URL("test/vectors/cases.json", root), "utf8"));

const VARIANTS = [
  { variant: "protobuf", codec: "protobuf", profile: "default" },
  { variant: "json", codec: "json", profile: "default" },
  { variant: "cbor", codec: "cbor", profile: "default" },
  { variant: "cbor-det", codec: "cbor", profile: "deterministic" },
];
const COMPRESSIONS = ["none", "lz4"];

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");
const fileName = (name) => name.replaceAll("/", "__");

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const fixtures = [];
for (const testCase of cases) {
  const envelope = fromJson(testCase.envelope);
  for (const { variant, codec, profile } of VARIANTS) {
    for (const compression of COMPRESSIONS) {
      const bytes = encode(envelope, {
        codec,
        compression,
        deterministic: profile === "deterministic",
        checksum: testCase.frame?.contentChecksum === true,
        compressMinSize: 0, // every lz4 fixture holds an LZ4 body, as the other producers write
      });
      const file = `${fileName(testCase.name)}.${variant}.${compression}.bin`;
      writeFileSync(new URL(file, out), bytes);
      fixtures.push({
        case: testCase.name,
        codec,
        profile,
        compression,
        file,
        sha256: sha256(bytes),
      });
    }
  }
}

/** Deliberately broken fixtures, each with the error code the SDK must report. */
function broken() {
  const byName = new Map(cases.map((c) => [c.name, c]));
  const minimal = fromJson(byName.get("header/minimal").envelope);
  const medium = fromJson(byName.get("bench/medium").envelope);
  const good = encode(minimal);
  const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const withPrefix = (bytes, edit) => {
    const copy = Uint8Array.from(bytes);
    edit(copy, view(copy));
    view(copy).setUint32(20, crc32c(copy, 0, 0, 20), true);
    return copy;
  };
  const lz4 = encode(medium, { compression: "lz4", compressMinSize: 0 });
  const headerLength = view(lz4).getUint32(8, true);
  // Point the first match of the first LZ4 block 65535 bytes back, before the
  // start of the output: a corruption no LZ4 decoder can accept.
  const corruptLz4 = Uint8Array.from(lz4);
  let p = 24 + headerLength + 7 + 4; // LZ4 frame header (7), first block size (4)
  let literals = corruptLz4[p++] >> 4;
  if (literals === 15) {
    let more;
    do {
      more = corruptLz4[p++];
      literals += more;
    } while (more === 255);
  }
  p += literals;
  corruptLz4[p] = 0xff;
  corruptLz4[p + 1] = 0xff;
  const badTrace = {
    ...minimal,
    header: {
      ...minimal.header,
      trace: {
        traceId: new Uint8Array(15).fill(1),
        spanId: new Uint8Array(8).fill(2),
        traceFlags: 1,
      },
    },
  };
  return [
    [
      "truncated-frame",
      "truncated",
      "header/minimal, protobuf, cut 3 bytes short",
      good.subarray(0, good.length - 3),
    ],
    [
      "bad-magic",
      "bad_magic",
      "header/minimal, protobuf, first magic byte 0x09",
      Uint8Array.from([0x09, ...good.subarray(1)]),
    ],
    [
      "prefix-checksum-mismatch",
      "checksum_mismatch",
      "header/minimal, protobuf, prefix checksum lowest bit flipped",
      Uint8Array.from(good, (b, i) => (i === 20 ? b ^ 1 : b)),
    ],
    [
      "corrupted-lz4-block",
      "invalid_lz4",
      "bench/medium, protobuf, LZ4: the first match offset of the first block set to 65535, before the start of the output",
      corruptLz4,
    ],
    [
      "bad-trace-id-length",
      "invalid_id",
      "header/minimal with a 15-byte trace id, protobuf",
      encode(badTrace, { validate: false }),
    ],
    [
      "body-raw-length-too-large",
      "too_large",
      "header/minimal, protobuf, LZ4: body raw length 64 MiB + 1",
      withPrefix(encode(minimal, { compression: "lz4", compressMinSize: 0 }), (_, v) =>
        v.setUint32(16, 64 * 1024 * 1024 + 1, true),
      ),
    ],
  ].map(([name, expectedError, description, bytes]) => {
    const file = `broken__${name}.bin`;
    writeFileSync(new URL(file, out), bytes);
    return { name, file, expectedError, sha256: sha256(bytes), description };
  });
}

const version = (path) => JSON.parse(readFileSync(new URL(path, root), "utf8")).version;
const manifest = {
  producer: "ts",
  libraries: {
    "@envelope/sdk": version("packages/sdk/package.json"),
    "lz4-napi": version("packages/lz4/node_modules/lz4-napi/package.json"),
  },
  fixtures: fixtures.sort((a, b) => (a.file < b.file ? -1 : 1)),
  broken: broken().sort((a, b) => (a.file < b.file ? -1 : 1)),
};
writeFileSync(new URL("manifest.json", out), `${JSON.stringify(manifest, null, 2)}\n`);
console.log(
  `test/fixtures/ts: ${fixtures.length} fixtures, ${manifest.broken.length} broken fixtures`,
);
