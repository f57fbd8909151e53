/**
 * `envelope validate --registry DIR|URL [FILE|-]`: checks every envelope of
 * the input against its declared schema in the registry (@envelope/registry),
 * prints each issue as it is found, then a summary table per schema
 * (README.md, "validate").
 */
import { resolve } from "node:path";
import {
  directorySource,
  httpSource,
  isRegistryError,
  openRegistry,
  type Registry,
  type SchemaSource,
} from "@envelope/registry";
import { isEnvelopeError } from "@envelope/sdk";
import { choice, parseCommand, READ_OPTIONS, readOptions } from "../args.js";
import { CliError, ExitCode, readOutcome, usageError } from "../exit-codes.js";
import { helpText } from "../help.js";
import { openInput } from "../input/open-input.js";
import { readEnvelopes } from "../input/read-envelopes.js";
import { plural, Tally } from "../output/report.js";
import { Sink } from "../output/sink.js";
import { type Io, Terminal } from "../output/terminal.js";

const FORMATS = ["table", "ndjson"] as const;

interface SchemaCount {
  envelopes: number;
  withIssues: number;
  issues: number;
}

/** Opens the registry at a directory or an http(s) URL; exit 4 when it cannot be read. */
export async function openRegistryAt(location: string, io: Io, term: Terminal): Promise<Registry> {
  const source: SchemaSource = /^https?:\/\//i.test(location)
    ? httpSource({ baseUrl: location })
    : directorySource(resolve(io.cwd, location));
  try {
    const { registry, report } = await openRegistry(source);
    for (const failure of report.failed) {
      const key = failure.key;
      term.warn(
        `schema ${key.type}/${key.subtype}@${key.version} could not be loaded: ${failure.error.message}`,
      );
    }
    if (report.stale) term.warn(`the registry listing is stale: ${report.error?.message ?? ""}`);
    return registry;
  } catch (error) {
    if (!isEnvelopeError(error) && !isRegistryError(error)) throw error;
    throw new CliError(
      ExitCode.unreadable,
      `cannot read the registry at ${location}: ${error.message}`,
    );
  }
}

export async function validateCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const parsed = parseCommand(
    "validate",
    args,
    {
      registry: { type: "string" },
      format: { type: "string" },
      "allow-unknown": { type: "boolean" },
      "allow-deprecated": { type: "boolean" },
      ...READ_OPTIONS(""),
    },
    1,
  );
  const term = new Terminal(io, parsed.flags);
  if (parsed.values.help === true) {
    io.stdout.write(`${helpText("validate")}\n`);
    return ExitCode.ok;
  }
  const location = parsed.values.registry;
  if (typeof location !== "string" || location === "") {
    throw usageError("--registry DIR|URL is required", "validate");
  }
  const format = choice(parsed.values.format, FORMATS, "format", "validate") ?? "table";
  const options = readOptions(parsed, "validate", "", false);
  const policy = {
    unknownAttributes: parsed.values["allow-unknown"] === true ? "ignore" : "report",
    deprecated: parsed.values["allow-deprecated"] === true ? "ignore" : "report",
  } as const;
  const registry = await openRegistryAt(location, io, term);
  const input = await openInput(parsed.positionals[0], io, "validate");
  const tally = new Tally();
  const sink = new Sink(io.stdout);
  const progress = term.progress(input.size);
  const bySchema = new Map<string, SchemaCount>();
  let issues = 0;
  let withIssues = 0;
  try {
    const reading = await readEnvelopes(input, options, (n) => progress.add(n));
    for await (const item of reading.items) {
      if (!item.ok) {
        tally.reportBad(term, item);
        continue;
      }
      tally.good++;
      const s = item.header.schema;
      const schema = `${s.type}/${s.subtype}@${s.version}`;
      let count = bySchema.get(schema);
      if (count === undefined) {
        count = { envelopes: 0, withIssues: 0, issues: 0 };
        bySchema.set(schema, count);
      }
      count.envelopes++;
      const found = registry.validate(item.envelope!, policy);
      if (found.length === 0) continue;
      count.withIssues++;
      count.issues += found.length;
      withIssues++;
      issues += found.length;
      for (const issue of found) {
        const line =
          format === "ndjson"
            ? JSON.stringify({
                offset: item.offset,
                at: item.label,
                schema,
                path: issue.path,
                code: issue.code,
                message: issue.message,
              })
            : `${item.label} ${term.out("dim", schema)}: ${issue.path}: ${term.out("red", issue.code)}: ${issue.message}`;
        await sink.write(`${line}\n`);
      }
      if (sink.closed) break;
    }
    if (format === "table") {
      const rows = [...bySchema].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const width = Math.max(6, ...rows.map(([name]) => name.length)) + 2;
      const line = (name: string, c: SchemaCount) =>
        `${name.padEnd(width)}${String(c.envelopes).padStart(10)}${String(c.withIssues).padStart(13)}${String(c.issues).padStart(8)}`;
      if (issues > 0) await sink.write("\n");
      await sink.write(
        `${term.out("bold", `${"schema".padEnd(width)}${"envelopes".padStart(10)}${"with issues".padStart(13)}${"issues".padStart(8)}`)}\n`,
      );
      for (const [name, c] of rows) await sink.write(`${line(name, c)}\n`);
      await sink.write(
        `${term.out("bold", line("total", { envelopes: tally.good, withIssues, issues }))}\n`,
      );
    } else if (!term.flags.quiet) {
      term.message(
        `${plural(tally.good, "envelope")} checked against ${location}: ${plural(withIssues, "envelope")} with issues, ${plural(issues, "issue")}`,
      );
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
  // An incomplete read (3, 4) says more than the issues found in what was read.
  const read = readOutcome(tally.good, tally.bad);
  if (read !== ExitCode.ok) return read;
  return issues > 0 ? ExitCode.issues : ExitCode.ok;
}
