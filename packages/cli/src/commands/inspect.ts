/**
 * `envelope inspect [FILE|-]`: one row per frame (offset, size, codec,
 * compression and ratio, checksum flag, header fields) without decoding
 * bodies, then a summary (README.md, "inspect").
 */
import { bytesToHex, type Header } from "@envelope/sdk";
import { choice, parseCommand, READ_OPTIONS, readOptions } from "../args.js";
import { CliError, ExitCode, readOutcome } from "../exit-codes.js";
import { helpText } from "../help.js";
import { openInput } from "../input/open-input.js";
import { type EnvelopeItem, readEnvelopes } from "../input/read-envelopes.js";
import { plural, Tally } from "../output/report.js";
import { Sink } from "../output/sink.js";
import { type Io, Terminal } from "../output/terminal.js";

const FORMATS = ["table", "ndjson"] as const;

/** Column titles and widths; the last column takes what it needs. */
const COLUMNS: readonly [string, number][] = [
  ["#", 6],
  ["offset", 11],
  ["bytes", 9],
  ["codec", 9],
  ["compr", 6],
  ["ratio", 7],
  ["crc", 4],
  ["schema", 32],
  ["service", 16],
  ["event id", 33],
  ["time", 0],
];

function time(header: Header): string {
  const ns = header.timeUnixNano;
  const ms = Number(ns / 1_000_000n);
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return `${ns} ns`;
  const iso = date.toISOString();
  const nanos = (ns % 1_000_000_000n).toString().padStart(9, "0");
  return `${iso.slice(0, 19)}.${nanos}Z`;
}

function ratio(item: EnvelopeItem): string {
  const frame = item.frame;
  if (frame === undefined || frame.compression === "none" || frame.bodyLength === 0) return "-";
  return `${(frame.bodyRawLength / frame.bodyLength).toFixed(2)}x`;
}

function schemaOf(header: Header): string {
  const s = header.schema;
  return `${s.type}/${s.subtype}@${s.version}`;
}

function row(cells: readonly string[]): string {
  return cells
    .map((cell, i) => {
      const width = COLUMNS[i]![1];
      if (width === 0) return cell;
      const fitted = cell.length >= width ? `${cell.slice(0, width - 2)}…` : cell;
      return i < 3 ? fitted.padStart(width - 1).padEnd(width) : fitted.padEnd(width);
    })
    .join("")
    .trimEnd();
}

function record(item: EnvelopeItem, index: number): Record<string, unknown> {
  const frame = item.frame;
  const h = item.header;
  return {
    index,
    offset: item.offset,
    length: item.length,
    framed: frame !== undefined,
    codec: item.codec,
    compression: item.compression,
    ...(frame === undefined
      ? {}
      : {
          headerLength: frame.headerLength,
          bodyLength: frame.bodyLength,
          bodyRawLength: frame.bodyRawLength,
          checksum: frame.checksum,
        }),
    schema: { type: h.schema.type, subtype: h.schema.subtype, version: h.schema.version },
    service: h.resource.serviceName,
    eventId: bytesToHex(h.eventId),
    timeUnixNano: h.timeUnixNano.toString(),
    time: time(h),
  };
}

export async function inspectCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const parsed = parseCommand(
    "inspect",
    args,
    { format: { type: "string" }, ...READ_OPTIONS("") },
    1,
  );
  const term = new Terminal(io, parsed.flags);
  if (parsed.values.help === true) {
    io.stdout.write(`${helpText("inspect")}\n`);
    return ExitCode.ok;
  }
  const format = choice(parsed.values.format, FORMATS, "format", "inspect") ?? "table";
  const options = readOptions(parsed, "inspect", "", true);
  const input = await openInput(parsed.positionals[0], io, "inspect");
  const tally = new Tally();
  const sink = new Sink(io.stdout);
  const progress = term.progress(input.size);
  const kinds = new Map<string, number>();
  let bytes = 0;
  let stored = 0;
  let raw = 0;
  try {
    const reading = await readEnvelopes(input, options, (n) => progress.add(n));
    if (format === "table") {
      await sink.write(`${term.out("bold", row(COLUMNS.map(([title]) => title)))}\n`);
    }
    for await (const item of reading.items) {
      if (!item.ok) {
        tally.reportBad(term, item);
        continue;
      }
      tally.good++;
      bytes += item.length;
      const frame = item.frame;
      if (frame !== undefined) {
        stored += frame.bodyLength;
        raw += frame.bodyRawLength;
      }
      const kind = `${item.codec}/${item.compression}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      const h = item.header;
      if (format === "ndjson") {
        await sink.write(`${JSON.stringify(record(item, tally.good))}\n`);
      } else {
        const line = row([
          String(tally.good),
          String(item.offset),
          String(item.length),
          item.codec,
          item.compression,
          ratio(item),
          frame === undefined ? "-" : frame.checksum ? "yes" : "no",
          schemaOf(h),
          h.resource.serviceName,
          bytesToHex(h.eventId),
          time(h),
        ]);
        await sink.write(`${line}\n`);
      }
      if (sink.closed) break;
    }
    if (format === "table") {
      const mix = [...kinds].map(([kind, n]) => `${kind} ${n}`).join(", ");
      const overall = raw > stored && stored > 0 ? `; bodies ${(raw / stored).toFixed(2)}x` : "";
      const bad =
        tally.bad > 0
          ? `; ${plural(tally.bad, "bad run")} (${plural(tally.skipped, "byte")} skipped)`
          : "";
      await sink.write(
        `${term.out("dim", `${plural(tally.good, reading.form === "frames" ? "frame" : "envelope")}, ${plural(bytes, "byte")} in ${reading.description}${mix === "" ? "" : ` (${mix})`}${overall}${bad}`)}\n`,
      );
    }
    await sink.flush();
    progress.clear();
    if (format !== "table") tally.summary(term, reading, "frame");
  } finally {
    progress.clear();
    await input.close();
  }
  if (tally.good === 0 && tally.bad === 0) {
    throw new CliError(ExitCode.unreadable, `no envelope in ${input.name}`);
  }
  return readOutcome(tally.good, tally.bad);
}
