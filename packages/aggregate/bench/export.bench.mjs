// Measures the aggregation and the export on a generated capture (run after
// `pnpm build`: node packages/aggregate/bench/export.bench.mjs [envelopes]).
// Each figure is the median of 5 runs, with the range, on one machine.
//
// 1. aggregate(): decode + validate + transform + group + stats, envelopes/s.
// 2. Export to Arrow IPC and to Parquet (parquet-wasm, ZSTD): rows/s and size.
// 3. The Parquet writer choice, same work on both sides: the same flat
//    columns (header scalars and typed attributes, no map or list columns)
//    written as Snappy Parquet from rows already decoded, by parquet-wasm
//    (Arrow batch built with apache-arrow, then writeParquet) and by
//    hyparquet-writer (column arrays, then parquetWriteBuffer).
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { aggregate, writeArrow, writeParquet } from "@envelope/aggregate";
import { loadRegistry } from "@envelope/registry";
import { createEncoder, createEnvelope, decodeFrames } from "@envelope/sdk";
import {
  Field,
  Float64,
  Int64,
  makeBuilder,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Utf8,
} from "apache-arrow";
import { parquetWriteBuffer } from "hyparquet-writer";
import * as pq from "parquet-wasm";

const N = Number(process.argv[2] ?? 50_000);
const registry = loadRegistry(fileURLToPath(new URL("../../../schemas", import.meta.url)));
const encoder = createEncoder();
const frames = [];
for (let i = 0; i < N; i++) {
  const v11 = i % 2 === 0;
  frames.push(
    encoder.encode(
      createEnvelope({
        schema: { type: "request", subtype: "auth_request", version: v11 ? "1.1.0" : "1.2.0" },
        resource: { serviceName: i % 3 ? "auth" : "auth-eu", environment: "production" },
        attributes: {
          user: `user-${i}`,
          attempts: BigInt(1 + (i % 5)),
          [v11 ? "latency_ms" : "duration_ms"]: (i % 997) / 8,
          method: ["password", "passkey", "sso"][i % 3],
          success: i % 7 !== 0,
          tags: ["password"],
        },
      }),
    ),
  );
}
const capture = Buffer.concat(frames);
const dir = mkdtempSync(join(tmpdir(), "aggregate-bench-"));

async function measure(name, fn, unit = N) {
  const times = [];
  let extra = "";
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    extra = (await fn()) ?? "";
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const rate = (ms) => Math.round(unit / (ms / 1000)).toLocaleString("en");
  console.log(`${name}: ${rate(times[2])}/s [${rate(times[4])}-${rate(times[0])}]${extra}`);
}

console.log(
  `${N} envelopes, capture ${(capture.length / 1e6).toFixed(1)} MB (protobuf frames), half at 1.1.0, half at 1.2.0, normalised to 1.2.0`,
);
const options = { registry, to: "1.2.0" };
await measure("aggregate (by event,version,service; values attempts,duration_ms)", () =>
  aggregate(capture, {
    ...options,
    by: ["event", "version", "service"],
    values: ["attempts", "duration_ms"],
  }).then(() => ""),
);
await measure("export Arrow IPC file", async () => {
  await writeArrow(capture, join(dir, "c.arrow"), options);
  return `, ${(statSync(join(dir, "c.arrow")).size / 1e6).toFixed(1)} MB`;
});
await measure("export Parquet (parquet-wasm, ZSTD)", async () => {
  await writeParquet(capture, join(dir, "c.parquet"), options);
  return `, ${(statSync(join(dir, "c.parquet")).size / 1e6).toFixed(1)} MB`;
});

// The writer choice: the same flat rows, two writers.
const rows = [];
for (const item of decodeFrames(capture)) {
  const e = registry.transform(item.envelope, { version: "1.2.0" });
  const a = e.body.attributes;
  rows.push([
    e.header.schema.type,
    e.header.schema.subtype,
    e.header.schema.version,
    e.header.resource.serviceName,
    a.get("user"),
    a.get("attempts"),
    a.get("duration_ms") ?? null,
    a.get("method"),
  ]);
}
const cols = [
  ["type", new Utf8(), "STRING"],
  ["subtype", new Utf8(), "STRING"],
  ["version", new Utf8(), "STRING"],
  ["service_name", new Utf8(), "STRING"],
  ["attr.user", new Utf8(), "STRING"],
  ["attr.attempts", new Int64(), "INT64"],
  ["attr.duration_ms", new Float64(), "DOUBLE"],
  ["attr.method", new Utf8(), "STRING"],
];
await measure("flat rows -> Parquet, parquet-wasm (Snappy)", () => {
  const fields = cols.map(([n, t]) => new Field(n, t, true));
  const builders = fields.map((f) => makeBuilder({ type: f.type, nullValues: [null, undefined] }));
  for (const r of rows) for (let i = 0; i < r.length; i++) builders[i].append(r[i]);
  const data = makeData({
    type: new Struct(fields),
    length: rows.length,
    nullCount: 0,
    children: builders.map((b) => b.finish().flush()),
  });
  const table = new Table([new RecordBatch(new Schema(fields), data)]);
  const props = new pq.WriterPropertiesBuilder().setCompression(pq.Compression.SNAPPY).build();
  const out = pq.writeParquet(pq.Table.fromIPCStream(tableToIPC(table, "stream")), props);
  return `, ${(out.length / 1e6).toFixed(2)} MB`;
});
await measure("flat rows -> Parquet, hyparquet-writer (Snappy)", () => {
  const out = parquetWriteBuffer({
    columnData: cols.map(([name, , type], i) => ({ name, type, data: rows.map((r) => r[i]) })),
  });
  return `, ${(out.byteLength / 1e6).toFixed(2)} MB`;
});
rmSync(dir, { recursive: true, force: true });
