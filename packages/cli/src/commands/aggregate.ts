/**
 * `envelope aggregate --registry DIR|URL [FILE...|-]`: reads every envelope
 * of the inputs, brings each event to one version with the registry's
 * transforms, groups and summarises them (@envelope/aggregate), and prints a
 * table, JSON or CSV (README.md, "Consuming and aggregating").
 */

import { resolve } from "node:path";
import {
  type AggregateResult,
  createAggregator,
  createExporter,
  type Exporter,
  type ExportFile,
  type ExportStats,
  formatCsv,
  formatJson,
  formatTable,
  openExportFile,
  type TargetOption,
} from "@envelope/aggregate";
import { isEnvelopeError } from "@envelope/sdk";
import {
  choice,
  type OptionValue,
  type Parsed,
  parseCommand,
  READ_OPTIONS,
  readOptions,
} from "../args.js";
import { CliError, ExitCode, readOutcome, usageError } from "../exit-codes.js";
import { helpText } from "../help.js";
import { openInput } from "../input/open-input.js";
import { readEnvelopes } from "../input/read-envelopes.js";
import { Tally } from "../output/report.js";
import { Sink } from "../output/sink.js";
import { type Io, Terminal } from "../output/terminal.js";
import { openRegistryAt } from "./validate.js";

const FORMATS = ["table", "json", "csv"] as const;
const EXPORT_FORMATS = ["arrow", "parquet"] as const;
/** Rows per record batch of an export (and Parquet row group). */
const EXPORT_BATCH = 65_536;

function list(value: OptionValue): string[] | undefined {
  if (typeof value !== "string") return undefined;
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** `--to 1.2.0`, `--to latest`, or `--to request/auth_request@1.1.0,request/payment_request@1.0.0`. */
function parseTo(value: OptionValue): TargetOption | undefined {
  if (typeof value !== "string") return undefined;
  if (!value.includes("@")) return value;
  const out: Record<string, string> = {};
  for (const part of list(value) ?? []) {
    const at = part.lastIndexOf("@");
    const event = part.slice(0, at);
    if (at < 0 || !/^[^/]+\/[^/]+$/.test(event) || at === part.length - 1) {
      throw usageError(
        `--to takes VERSION, latest, or TYPE/SUBTYPE@VERSION[,...], not '${part}'`,
        "aggregate",
      );
    }
    out[event] = part.slice(at + 1);
  }
  return out;
}

function numbers(parsed: Parsed, name: string): number[] | undefined {
  const parts = list(parsed.values[name]);
  if (parts === undefined) return undefined;
  return parts.map((p) => {
    const n = Number(p);
    if (p === "" || !Number.isFinite(n)) {
      throw usageError(`--${name} takes numbers, not '${p}'`, "aggregate");
    }
    return n;
  });
}

export async function aggregateCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const parsed = parseCommand(
    "aggregate",
    args,
    {
      registry: { type: "string" },
      to: { type: "string" },
      by: { type: "string" },
      values: { type: "string" },
      quantiles: { type: "string" },
      accuracy: { type: "string" },
      "max-groups": { type: "string" },
      format: { type: "string" },
      export: { type: "string" },
      "export-format": { type: "string" },
      "keep-unknown": { type: "boolean" },
      "skip-invalid": { type: "boolean" },
      defaults: { type: "boolean" },
      "allow-unknown": { type: "boolean" },
      "allow-deprecated": { type: "boolean" },
      ...READ_OPTIONS(""),
    },
    Number.POSITIVE_INFINITY,
  );
  const term = new Terminal(io, parsed.flags);
  if (parsed.values.help === true) {
    io.stdout.write(`${helpText("aggregate")}\n`);
    return ExitCode.ok;
  }
  const location = parsed.values.registry;
  if (typeof location !== "string" || location === "") {
    throw usageError("--registry DIR|URL is required", "aggregate");
  }
  const format = choice(parsed.values.format, FORMATS, "format", "aggregate") ?? "table";
  const options = readOptions(parsed, "aggregate", "", false);
  const maxGroups = numbers(parsed, "max-groups")?.[0];
  const accuracy = numbers(parsed, "accuracy")?.[0];
  const to = parseTo(parsed.values.to);
  const by = list(parsed.values.by);
  const values = list(parsed.values.values);
  const quantiles = numbers(parsed, "quantiles");
  const registry = await openRegistryAt(location, io, term);
  const exportPath = parsed.values.export;
  if (exportPath === "" || exportPath === true)
    throw usageError("--export takes a FILE", "aggregate");
  const exportFormat =
    choice(parsed.values["export-format"], EXPORT_FORMATS, "export-format", "aggregate") ??
    (typeof exportPath === "string" && /\.parquet$/i.test(exportPath) ? "parquet" : "arrow");
  const normalise = {
    registry,
    ...(to === undefined ? {} : { to }),
    unknownEvents: parsed.values["keep-unknown"] === true ? "keep" : "skip",
    skipInvalid: parsed.values["skip-invalid"] === true,
    defaults: parsed.values.defaults === true,
    validation: {
      unknownAttributes: parsed.values["allow-unknown"] === true ? "ignore" : "report",
      deprecated: parsed.values["allow-deprecated"] === true ? "ignore" : "report",
    },
  } as const;
  let aggregator: ReturnType<typeof createAggregator>;
  try {
    aggregator = createAggregator({
      ...normalise,
      ...(by === undefined ? {} : { by }),
      ...(values === undefined ? {} : { values }),
      ...(quantiles === undefined ? {} : { quantiles }),
      ...(accuracy === undefined ? {} : { relativeAccuracy: accuracy }),
      ...(maxGroups === undefined ? {} : { maxGroups }),
    });
  } catch (error) {
    if (isEnvelopeError(error)) throw usageError(error.message, "aggregate");
    throw error;
  }
  let exporter: Exporter | undefined;
  let exportFile: ExportFile | undefined;
  if (typeof exportPath === "string") {
    exporter = createExporter(normalise);
    try {
      exportFile = await openExportFile(resolve(io.cwd, exportPath), exportFormat, exporter.schema);
    } catch (error) {
      throw new CliError(
        ExitCode.unreadable,
        `cannot write ${exportPath}: ${(error as Error).message}`,
      );
    }
  }
  const files = parsed.positionals.length === 0 ? [undefined] : parsed.positionals;
  const tally = new Tally();
  for (const file of files) {
    const input = await openInput(file, io, "aggregate");
    const progress = term.progress(input.size);
    try {
      const reading = await readEnvelopes(input, options, (n) => {
        progress.add(n);
        aggregator.countBytes(n);
      });
      for await (const item of reading.items) {
        if (!item.ok) {
          progress.clear();
          tally.reportBad(term, item);
          aggregator.addUnreadable(item.error, item.length);
          exporter?.addUnreadable(item.error, item.length);
          continue;
        }
        tally.good++;
        aggregator.add(item.envelope!);
        if (exporter !== undefined) {
          exporter.add(item.envelope!);
          if (exporter.pending >= EXPORT_BATCH) await exportFile!.write(exporter.takeBatch()!);
        }
      }
      progress.clear();
      tally.summary(term, reading, "envelope");
    } finally {
      progress.clear();
      await input.close();
    }
  }
  if (tally.good === 0 && tally.bad === 0) {
    throw new CliError(ExitCode.unreadable, "no envelope in the input");
  }
  let exported: ExportStats | undefined;
  if (exporter !== undefined) {
    const last = exporter.takeBatch();
    if (last !== undefined) await exportFile!.write(last);
    await exportFile!.close();
    exported = exporter.stats();
  }
  const result = aggregator.result();
  const sink = new Sink(io.stdout);
  await sink.write(render(result, format));
  await sink.flush();
  if (!term.flags.quiet && format !== "table") {
    const skipped = result.skipped.reduce((n, s) => n + s.count, 0);
    term.message(
      `${result.envelopes} envelope(s) read, ${result.aggregated} aggregated in ${result.groups.length} group(s)${skipped > 0 ? `, ${skipped} not aggregated (see "skipped")` : ""}`,
    );
  }
  if (exported !== undefined && !term.flags.quiet) {
    term.message(`${exported.rows} row(s) exported to ${String(exportPath)} (${exportFormat})`);
  }
  return readOutcome(tally.good, tally.bad);
}

function render(result: AggregateResult, format: (typeof FORMATS)[number]): string {
  switch (format) {
    case "json":
      return formatJson(result);
    case "csv":
      return formatCsv(result);
    default:
      return formatTable(result);
  }
}
