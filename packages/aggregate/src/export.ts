/**
 * Envelopes as Apache Arrow record batches, written as an Arrow IPC file or
 * as Parquet, so DuckDB, ClickHouse, Spark or pandas can aggregate them at
 * scale. Envelopes go through the same normalisation as the aggregation
 * (validated as written, brought to one version per event; refused ones are
 * counted, not written).
 *
 * Column layout (docs/spec.md, "Export layout"): header fields as columns;
 * the attributes the registry declares at each event's target version as
 * typed columns `attr.KEY`; everything else in the map column `attributes`.
 *
 * @see docs/spec.md "Export layout"
 */

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import {
  type AttributeValue,
  bytesToHex,
  type Envelope,
  type EnvelopeError,
  valueToJson,
} from "@envelope/core";
import {
  eventId,
  type FieldDescriptor,
  type SchemaKey,
  schemaId,
  type ValueType,
} from "@envelope/registry";
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
  makeData,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Struct,
  Table,
  tableToIPC,
  Uint64,
  Utf8,
} from "apache-arrow";
import { columnData } from "./columns.js";
import { Leftovers, type SkippedCount, type UnreadableCount } from "./counts.js";
import { createNormaliser, type NormaliseOptions } from "./normalise.js";
import { type EnvelopeSource, readSources } from "./sources.js";

/** Options of {@link createExporter}, {@link writeArrow} and {@link writeParquet}. */
export interface ExportOptions extends NormaliseOptions {
  /**
   * The events (`type/subtype`) whose declared attributes become typed
   * columns, at their target versions. Default: every event of the registry.
   */
  readonly events?: readonly string[];
  /** Rows per record batch (and Parquet row group). Default 65,536. */
  readonly batchSize?: number;
}

/** What an export wrote and left out. */
export interface ExportStats {
  /** Envelopes decoded. */
  readonly envelopes: number;
  /** Rows written. */
  readonly rows: number;
  readonly skipped: readonly SkippedCount[];
  readonly unreadable: readonly UnreadableCount[];
}

/** Turns envelopes into record batches; see {@link createExporter}. */
export interface Exporter {
  /** The Arrow schema of every batch. */
  readonly schema: Schema;
  /** The typed attribute columns: key, Arrow type and the descriptor type it came from. */
  readonly attributeColumns: readonly { readonly key: string; readonly type: string }[];
  /** Adds an envelope (as written); returns `true` when it became a row. */
  add(envelope: Envelope): boolean;
  /** Counts a bad run of input. */
  addUnreadable(error: EnvelopeError, length: number): void;
  /** Rows waiting for the next batch. */
  readonly pending: number;
  /** The waiting rows as one record batch (`undefined` when none). */
  takeBatch(): RecordBatch | undefined;
  stats(): ExportStats;
}

const HEADER_COLUMNS: readonly [string, DataType, boolean][] = [
  ["event_id", new Utf8(), false],
  ["time_unix_nano", new Uint64(), false],
  ["type", new Utf8(), false],
  ["subtype", new Utf8(), false],
  ["version", new Utf8(), false],
  ["source_version", new Utf8(), false],
  ["schema_url", new Utf8(), true],
  ["producer_language", new Utf8(), false],
  ["producer_version", new Utf8(), false],
  ["service_name", new Utf8(), false],
  ["service_version", new Utf8(), true],
  ["environment", new Utf8(), true],
  ["region", new Utf8(), true],
  ["host", new Utf8(), true],
  ["resource_attributes", textMap(), false],
  ["trace_id", new Utf8(), true],
  ["span_id", new Utf8(), true],
  ["parent_span_id", new Utf8(), true],
  ["trace_flags", new Int32(), true],
  ["trace_state", new Utf8(), true],
  ["status_code", new Int32(), true],
  ["status_message", new Utf8(), true],
  ["issue_count", new Int32(), false],
  ["issue_codes", new List(new Field("item", new Utf8(), false)), false],
];

/** The trailing map columns. */
const TAIL_COLUMNS: readonly [string, DataType, boolean][] = [
  ["attributes", textMap(), false],
  ["extensions", textMap(), false],
];

function textMap(): Map_<Utf8, Utf8> {
  return new Map_(
    new Field(
      "entries",
      new Struct([new Field("key", new Utf8(), false), new Field("value", new Utf8(), false)]),
      false,
    ),
  );
}

/** How a declared attribute is written: its Arrow type and how a value is checked and converted. */
interface Column {
  readonly key: string;
  readonly typeText: string;
  readonly arrow: DataType;
  /** The value for the column, or `undefined` when it does not fit (then it goes to `attributes`). */
  readonly convert: (v: AttributeValue) => unknown;
}

const SCALAR_ARROW: Record<string, () => DataType> = {
  int: () => new Int64(),
  double: () => new Float64(),
  string: () => new Utf8(),
  bool: () => new Bool(),
  bytes: () => new Binary(),
};

function scalarFits(kind: string, v: AttributeValue): boolean {
  switch (kind) {
    case "int":
      return typeof v === "bigint";
    case "double":
      return typeof v === "number";
    case "string":
      return typeof v === "string";
    case "bool":
      return typeof v === "boolean";
    case "bytes":
      return v instanceof Uint8Array;
    default:
      return false;
  }
}

/**
 * The column of a declared field: scalars as their Arrow type, `repeated`
 * scalars and `array<scalar>` as lists, anything else (maps, nested arrays)
 * as the JSON text of the contract's JSON mapping.
 */
function columnOf(field: FieldDescriptor): Column {
  const type: ValueType = field.type;
  const list = field.presence === "repeated" ? type : type.kind === "array" ? type.of : undefined;
  if (field.presence !== "repeated" && type.kind in SCALAR_ARROW) {
    return {
      key: field.key,
      typeText: field.typeText,
      arrow: SCALAR_ARROW[type.kind]!(),
      convert: (v) => (scalarFits(type.kind, v) ? v : undefined),
    };
  }
  if (list !== undefined && list.kind in SCALAR_ARROW) {
    return {
      key: field.key,
      typeText: field.presence === "repeated" ? `repeated ${field.typeText}` : field.typeText,
      arrow: new List(new Field("item", SCALAR_ARROW[list.kind]!(), false)),
      convert: (v) =>
        Array.isArray(v) && v.every((x) => scalarFits(list.kind, x)) ? v : undefined,
    };
  }
  return {
    key: field.key,
    typeText: field.typeText,
    arrow: new Utf8(),
    convert: (v) => JSON.stringify(valueToJson(v)),
  };
}

/** Value JSON text of the contract's JSON mapping, e.g. `{"intValue":"5"}`. */
function jsonText(v: AttributeValue): string {
  return JSON.stringify(valueToJson(v));
}

function hex(b: Uint8Array | undefined): string | null {
  return b === undefined || b.length === 0 ? null : bytesToHex(b);
}

/**
 * Builds an exporter. The typed columns are fixed up front from the
 * registry: for every event exported, the attributes its target version
 * declares; a key declared with different types by two events is not typed
 * (its values go to `attributes`).
 */
export function createExporter(options: ExportOptions): Exporter {
  const { registry } = options;
  const normaliser = createNormaliser(options);
  const events = options.events ?? registry.events().map((e) => eventId(e));
  const columns = new Map<string, Column | null>();
  for (const id of events) {
    const [type, subtype] = id.split("/") as [string, string];
    const version = normaliser.target({ type, subtype });
    const d = version === undefined ? undefined : registry.get({ type, subtype, version });
    for (const field of d?.attributes ?? []) {
      const column = columnOf(field);
      const seen = columns.get(field.key);
      if (seen === undefined) columns.set(field.key, column);
      else if (seen !== null && seen.arrow.toString() !== column.arrow.toString()) {
        columns.set(field.key, null);
      }
    }
  }
  const typed = [...columns.values()].filter((c): c is Column => c !== null);
  const fields = [
    ...HEADER_COLUMNS.map(([name, type, nullable]) => new Field(name, type, nullable)),
    ...typed.map((c) => new Field(`attr.${c.key}`, c.arrow, true)),
    ...TAIL_COLUMNS.map(([name, type, nullable]) => new Field(name, type, nullable)),
  ];
  const schema = new Schema(fields);
  const typedIndex = new Map(
    typed.map((c, i) => [c.key, { column: c, index: HEADER_COLUMNS.length + i }]),
  );
  let rows: unknown[][] = [];
  let exported = 0;
  let envelopes = 0;
  const leftovers = new Leftovers();

  /** The keys each target schema declares, cached per schema. */
  const keysCache = new Map<string, ReadonlySet<string>>();
  const declaredKeys = (ref: SchemaKey): ReadonlySet<string> => {
    const id = schemaId(ref);
    let keys = keysCache.get(id);
    if (keys === undefined) {
      keys = new Set((registry.get(ref)?.attributes ?? []).map((f) => f.key));
      keysCache.set(id, keys);
    }
    return keys;
  };

  const add = (envelope: Envelope): boolean => {
    envelopes++;
    const n = normaliser.normalise(envelope);
    if (!n.ok) {
      leftovers.refuse(envelope, n.reason, n.message);
      return false;
    }
    const e = n.envelope;
    const h = e.header;
    const r = h.resource;
    const row: unknown[] = new Array(fields.length).fill(null);
    row.splice(
      0,
      HEADER_COLUMNS.length,
      bytesToHex(h.eventId),
      h.timeUnixNano,
      h.schema.type,
      h.schema.subtype,
      h.schema.version,
      n.sourceVersion,
      h.schema.url ?? null,
      h.producer.language,
      h.producer.version,
      r.serviceName,
      r.serviceVersion ?? null,
      r.environment ?? null,
      r.region ?? null,
      r.host ?? null,
      new Map([...r.attributes].map(([k, v]) => [k, jsonText(v)])),
      hex(h.trace?.traceId),
      hex(h.trace?.spanId),
      hex(h.trace?.parentSpanId),
      h.trace === undefined ? null : h.trace.traceFlags,
      h.trace?.traceState || null,
      h.status === undefined ? null : h.status.code,
      h.status?.message || null,
      n.issues.length,
      n.issues.map((i) => i.code),
    );
    const rest = new Map<string, string>();
    const ownKeys = declaredKeys(h.schema);
    for (const [key, value] of e.body.attributes) {
      const slot = ownKeys.has(key) ? typedIndex.get(key) : undefined;
      const converted = slot?.column.convert(value);
      if (slot !== undefined && converted !== undefined) row[slot.index] = converted;
      else rest.set(key, jsonText(value));
    }
    const ext = new Map<string, string>();
    for (const x of e.body.extensions) {
      for (const [key, value] of x.attributes) ext.set(`${x.namespace}.${key}`, jsonText(value));
    }
    row[fields.length - 2] = rest;
    row[fields.length - 1] = ext;
    rows.push(row);
    exported++;
    return true;
  };

  const takeBatch = (): RecordBatch | undefined => {
    if (rows.length === 0) return undefined;
    const children = fields.map((f, i) =>
      columnData(
        f.type,
        rows.map((row) => row[i]),
      ),
    );
    const data = makeData({
      type: new Struct(fields),
      length: rows.length,
      nullCount: 0,
      children,
    });
    rows = [];
    return new RecordBatch(schema, data);
  };

  return {
    schema,
    attributeColumns: typed.map((c) => ({ key: c.key, type: c.typeText })),
    add,
    addUnreadable: (error, length) => leftovers.unreadable(error, length),
    get pending() {
      return rows.length;
    },
    takeBatch,
    stats: () => ({
      envelopes,
      rows: exported,
      skipped: leftovers.skippedCounts(),
      unreadable: leftovers.unreadableCounts(),
    }),
  };
}

/** The file formats of an export. */
export type ExportFormat = "arrow" | "parquet";

/** An export file being written, batch by batch; see {@link openExportFile}. */
export interface ExportFile {
  /** Resolves when the file can take another batch (back-pressure). */
  write(batch: RecordBatch): Promise<void> | void;
  /** Writes what is left and closes the file. */
  close(): Promise<void>;
}

/**
 * Opens `path` for an export with `schema`. `arrow`: an Arrow IPC file (the
 * random-access format; pyarrow's `ipc.open_file`, DuckDB through pyarrow),
 * written batch by batch, so memory holds one batch. `parquet`: Parquet
 * (parquet-wasm, ZSTD, row groups of at most one batch, streamed: memory holds the
 * batches not yet written, at most a few). An export with no row still has
 * the schema.
 */
export async function openExportFile(
  path: string,
  format: ExportFormat,
  schema: Schema,
  batchSize = 65_536,
): Promise<ExportFile> {
  if (format === "arrow") {
    const out = createWriteStream(path);
    const writer = new RecordBatchFileWriter();
    writer.toNodeStream().pipe(out);
    writer.reset(undefined, schema);
    return {
      write: (batch) => {
        writer.write(batch);
      },
      close: async () => {
        writer.finish();
        await once(out, "close");
      },
    };
  }
  const pq = await import("parquet-wasm");
  const props = () =>
    new pq.WriterPropertiesBuilder()
      .setCompression(pq.Compression.ZSTD)
      .setMaxRowGroupSize(batchSize)
      .build();
  // Batches cross into WebAssembly as one-batch IPC streams and are written as
  // they come (transformParquetStream): memory holds the batches not written
  // yet. The transform starts with the first batch (it cannot write an empty file).
  const out = createWriteStream(path);
  let pulled: (() => void) | undefined;
  let running:
    | { controller: ReadableStreamDefaultController<unknown>; copied: Promise<void> }
    | undefined;
  const begin = () => {
    let controller!: ReadableStreamDefaultController<unknown>;
    const batches = new ReadableStream<unknown>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          pulled?.();
          pulled = undefined;
        },
      },
      { highWaterMark: 2 },
    );
    const copied = pq.transformParquetStream(batches, props()).then(async (stream) => {
      const reader = (stream as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (!out.write(value)) await once(out, "drain");
      }
    });
    // Awaited at close; a failure before then must not be an unhandled rejection.
    copied.catch(() => {});
    return { controller, copied };
  };
  return {
    write: async (batch) => {
      const table = pq.Table.fromIPCStream(tableToIPC(new Table(schema, [batch]), "stream"));
      const wasmBatch = table.recordBatch(0);
      table.free();
      if (wasmBatch === undefined) return;
      running ??= begin();
      running.controller.enqueue(wasmBatch);
      if ((running.controller.desiredSize ?? 1) <= 0) {
        await new Promise<void>((r) => {
          pulled = r;
        });
      }
    },
    close: async () => {
      if (running !== undefined) {
        running.controller.close();
        await running.copied;
      } else {
        // No row: the schema alone.
        const empty = pq.Table.fromIPCStream(tableToIPC(new Table(schema), "stream"));
        out.write(pq.writeParquet(empty, props()));
      }
      out.end();
      await once(out, "close");
    },
  };
}

/**
 * Writes the envelopes of the sources to `path` in `format` (see
 * {@link openExportFile}) and returns what was written and left out.
 */
export async function exportToFile(
  sources: EnvelopeSource | readonly EnvelopeSource[],
  path: string,
  format: ExportFormat,
  options: ExportOptions,
): Promise<ExportStats> {
  const exporter = createExporter(options);
  const batchSize = options.batchSize ?? 65_536;
  const file = await openExportFile(path, format, exporter.schema, batchSize);
  for await (const item of readSources(sources)) {
    if (item.error === undefined) exporter.add(item.envelope);
    else exporter.addUnreadable(item.error, item.length);
    if (exporter.pending >= batchSize) await file.write(exporter.takeBatch()!);
  }
  const last = exporter.takeBatch();
  if (last !== undefined) await file.write(last);
  await file.close();
  return exporter.stats();
}

/** {@link exportToFile} as an Arrow IPC file. */
export function writeArrow(
  sources: EnvelopeSource | readonly EnvelopeSource[],
  path: string,
  options: ExportOptions,
): Promise<ExportStats> {
  return exportToFile(sources, path, "arrow", options);
}

/** {@link exportToFile} as Parquet. */
export function writeParquet(
  sources: EnvelopeSource | readonly EnvelopeSource[],
  path: string,
  options: ExportOptions,
): Promise<ExportStats> {
  return exportToFile(sources, path, "parquet", options);
}
