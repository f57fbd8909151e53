/**
 * `envelope decode [FILE|-]`: every envelope of the input as the spec's JSON
 * mapping (README.md, "decode").
 */
import type { JsonObject } from "@envelope/sdk";
import { choice, parseCommand, READ_OPTIONS, readOptions } from "../args.js";
import { CliError, ExitCode, readOutcome } from "../exit-codes.js";
import { helpText } from "../help.js";
import { openInput } from "../input/open-input.js";
import { type EnvelopeItem, readEnvelopes } from "../input/read-envelopes.js";
import { jsonText } from "../output/json-text.js";
import { Tally } from "../output/report.js";
import { Sink } from "../output/sink.js";
import { type Io, type Painter, Terminal } from "../output/terminal.js";
import { toDisplayJson } from "../output/to-display-json.js";

const FORMATS = ["json", "ndjson", "pretty"] as const;

function indented(value: JsonObject): string {
  return `  ${JSON.stringify(value, null, 2).replace(/\n/g, "\n  ")}`;
}

function heading(item: EnvelopeItem, index: number, paint: Painter): string {
  const parts = [`#${index}`, item.label, item.codec];
  const frame = item.frame;
  if (frame !== undefined) {
    parts.push(frame.compression, `${frame.frameLength} bytes`);
    if (frame.compression !== "none") {
      parts.push(`body ${frame.bodyLength} → ${frame.bodyRawLength} bytes`);
    }
    if (frame.checksum) parts.push("content checksum");
  } else if (item.length > 0) {
    parts.push(`${item.length} bytes`);
  }
  return paint("dim", `── ${parts.join(" · ")}`);
}

export async function decodeCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const parsed = parseCommand(
    "decode",
    args,
    { format: { type: "string" }, ...READ_OPTIONS("") },
    1,
  );
  const term = new Terminal(io, parsed.flags);
  if (parsed.values.help === true) {
    io.stdout.write(`${helpText("decode")}\n`);
    return ExitCode.ok;
  }
  const format =
    choice(parsed.values.format, FORMATS, "format", "decode") ??
    (term.stdoutIsTerminal ? "pretty" : "json");
  const options = readOptions(parsed, "decode", "", false);
  const input = await openInput(parsed.positionals[0], io, "decode");
  const tally = new Tally();
  const sink = new Sink(io.stdout);
  const progress = term.progress(input.size);
  let held: JsonObject | undefined;
  try {
    const reading = await readEnvelopes(input, options, (n) => progress.add(n));
    for await (const item of reading.items) {
      if (!item.ok) {
        tally.reportBad(term, item);
        continue;
      }
      const json = toDisplayJson(item.envelope!);
      tally.good++;
      if (format === "ndjson") {
        await sink.write(`${JSON.stringify(json)}\n`);
      } else if (format === "pretty") {
        await sink.write(`${heading(item, tally.good, term.out)}\n${jsonText(json, term.out)}\n`);
      } else if (tally.good === 1) {
        held = json;
      } else {
        if (held !== undefined) await sink.write(`[\n${indented(held)}`);
        held = undefined;
        await sink.write(`,\n${indented(json)}`);
      }
      if (sink.closed) break;
    }
    if (format === "json") {
      if (held !== undefined) await sink.write(`${JSON.stringify(held, null, 2)}\n`);
      else if (tally.good > 1) await sink.write("\n]\n");
    }
    await sink.flush();
    progress.clear();
    tally.summary(term, reading, "envelope");
  } finally {
    progress.clear();
    await input.close();
  }
  if (tally.good === 0 && tally.bad === 0) {
    throw new CliError(ExitCode.unreadable, `no envelope in ${input.name}`);
  }
  return readOutcome(tally.good, tally.bad);
}
