// The benchmark summary that ends the main job (`pnpm run bootstrap`): the
// SDK's decode and encode of the small and medium envelopes against
// protobuf-es, protobufjs, the walk floor, cbor-x, JSON and the Go and Rust
// peers (when their toolchains are present), on the Go- and Rust-produced
// fixtures, as one ratio table. About half a minute; `pnpm bench` is the full
// harness (every size, LZ4, trace context, memory, baselines).
//
// Every cell is the median of alternating slices of the two sides (native.mjs)
// with the range over slices; above 1 the SDK is faster.
import { readFileSync } from "node:fs";
import { buildCases } from "./cases.mjs";
import {
  batchSize,
  buildPeers,
  measureAgainstLocal,
  measureAgainstPeer,
  measureBatches,
  startPeers,
} from "./native.mjs";

const ROUNDS = 7;
const SLICE_MS = 30;
const COLUMNS = [
  ["decode", "small"],
  ["decode", "medium"],
  ["encode", "small"],
  ["encode", "medium"],
];
/** Rows: [label, SDK codec, the other side's case (local) or peer subject]. */
const ROWS = [
  ["protobuf-es 2.17 fromBinary / toBinary", "protobuf", { local: "protobuf-es" }],
  ["protobufjs static code", "protobuf", { local: "protobufjs" }],
  ["walk floor (no values made)", "protobuf", { local: "walk", ops: ["decode"] }],
  ["prost decode / encode", "protobuf", { peer: "prost" }],
  ["prost + the SDK's validation", "protobuf", { peer: "prost-validated" }],
  ["protobuf-go Unmarshal / Marshal", "protobuf", { peer: "protobuf-go" }],
  ["vtprotobuf (+ UTF-8 check)", "protobuf", { peer: "vtprotobuf" }],
  ["cbor-x (SDK's CBOR codec)", "cbor", { local: "cbor-x" }],
  ["JSON.parse / stringify (SDK's JSON codec)", "json", { local: "json" }],
];

const root = new URL("../", import.meta.url);
const fixtureFiles = (producer) =>
  ["small", "medium"].flatMap((size) =>
    ["protobuf", "cbor", "json"].map((variant) =>
      readFileSync(new URL(`test/fixtures/${producer}/bench__${size}.${variant}.none.bin`, root)),
    ),
  );
const goFiles = fixtureFiles("go");
const sameBytes = fixtureFiles("rust").every((bytes, i) => bytes.equals(goFiles[i]));
// Byte-identical fixtures (the contract's cross-language goal) decode alike: measured once.
const producers = sameBytes ? ["go"] : ["go", "rust"];

const log = (line) => process.stdout.write(`${line}\n`);
log("building the native peers (release; first build takes a minute) ...");
const langs = buildPeers({ log });

const pad = (text, n) => String(text).padEnd(n);
const cell = (r) => `${r.ratio.toFixed(2)}x [${r.min.toFixed(2)}-${r.max.toFixed(2)}]`;
const options = { rounds: ROUNDS, ms: SLICE_MS };

for (const producer of producers) {
  const cases = new Map(buildCases({ producer }).map((c) => [c.name, c]));
  // Every function of the table runs a while before anything is measured,
  // so each has seen all the shapes it will see (sizes, codecs) and the
  // first columns are not measured while the compiler is still settling.
  for (const [, codec, other] of ROWS)
    for (const [op, size] of COLUMNS)
      for (const name of [`sdk/${codec}/${op}/${size}`, `${other.local}/${codec}/${op}/${size}`]) {
        const c = cases.get(name);
        if (c !== undefined) measureBatches(c.fn, 40, batchSize(c.fn));
      }
  const peers = await startPeers(langs, producer);
  try {
    log(
      `\nSDK throughput over each alternative, ${sameBytes ? "Go- and Rust-produced fixtures (byte-identical, measured once)" : `${producer}-produced fixtures`}:`,
    );
    log(
      `median of ${ROUNDS} alternating ${SLICE_MS} ms slices [range]; above 1 = the SDK is faster`,
    );
    log(`\n${pad("", 44)}${COLUMNS.map(([op, size]) => pad(`${op} ${size}`, 20)).join("")}`);
    for (const [label, codec, other] of ROWS) {
      const peer =
        other.peer && peers.find((p) => p.cases.some((c) => c.name.startsWith(`${other.peer}/`)));
      if (other.peer && !peer) continue;
      let line = pad(label, 44);
      for (const [op, size] of COLUMNS) {
        const sdk = cases.get(`sdk/${codec}/${op}/${size}`);
        let text = "-";
        if (!other.ops || other.ops.includes(op)) {
          const r = other.local
            ? await measureAgainstLocal(
                sdk.fn,
                cases.get(`${other.local}/${codec}/${op}/${size}`).fn,
                options,
              )
            : await measureAgainstPeer(
                sdk.fn,
                peer,
                `${other.peer}/${codec}/${op}/${size}`,
                options,
              );
          text = other.local === "walk" ? `${(1 / r.ratio).toFixed(1)}x the floor` : cell(r);
        }
        line += pad(text, 20);
      }
      log(line);
    }
  } finally {
    for (const p of peers) p.close();
  }
}
const missing = ["go", "rust"].filter((l) => !langs.includes(l));
if (missing.length > 0) log(`\n(no ${missing.join(" or ")} toolchain: those peers are not shown)`);
log(
  '\nWhat each side does: docs/interop.md, "Benchmark peers"; every size, LZ4, CBOR and JSON: `pnpm bench` (README, Performance).',
);
