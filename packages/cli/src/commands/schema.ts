/**
 * `envelope schema check|diff|gen|fixtures`: the schema registry's tooling
 * (@envelope/schema-tools) on the command line, with the CLI's argument
 * parser and exit codes (README.md, "Exit codes"): 0 ok, 1 the check failed,
 * 2 usage (also a git ref or folder that cannot be used), 4 a descriptor or
 * file that cannot be read.
 *
 * Paths are resolved against the command's working directory (`io.cwd`);
 * the process directory is never changed.
 *
 * @see packages/schema-tools/README.md
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  compareVersions,
  eventId,
  formatProblem,
  isIsoDate,
  isRegistryError,
  readDescriptor,
  readSchemasFolder,
  type SchemaKey,
  schemaId,
} from "@envelope/registry";
import {
  checkSchemasFolder,
  diffSchemas,
  encodeFixtures,
  FIXTURE_PRODUCER,
  type FixtureCodec,
  fixturesSummary,
  formatFolderProblem,
  generateFixtures,
  generateSchemasFolder,
  modeViolations,
  strictestMode,
} from "@envelope/schema-tools";
import { isEnvelopeError } from "@envelope/sdk";
import { choice, type OptionSpec, type Parsed, parseCommand } from "../args.js";
import { CliError, ExitCode, usageError } from "../exit-codes.js";
import { helpText } from "../help.js";
import { describeFsError } from "../input/open-input.js";
import type { Io } from "../output/terminal.js";

type Run = (parsed: Parsed, io: Io) => Promise<ExitCode> | ExitCode;

interface Subcommand {
  readonly options: Record<string, OptionSpec>;
  readonly maxPositionals: number;
  readonly run: Run;
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  check: {
    options: {
      against: { type: "string" },
      "no-git": { type: "boolean" },
      mode: { type: "string" },
      "no-index": { type: "boolean" },
      today: { type: "string" },
    },
    maxPositionals: 1,
    run: check,
  },
  diff: { options: { mode: { type: "string" } }, maxPositionals: 2, run: diff },
  gen: {
    options: {
      out: { type: "string" },
      lang: { type: "string" },
      check: { type: "boolean" },
      "go-runtime": { type: "string" },
      "go-package": { type: "string" },
      "rust-runtime": { type: "string" },
    },
    maxPositionals: 1,
    run: gen,
  },
  fixtures: {
    options: {
      out: { type: "string" },
      seed: { type: "string" },
      count: { type: "string" },
      codec: { type: "string", multiple: true },
      language: { type: "string" },
    },
    maxPositionals: 1,
    run: fixtures,
  },
};

export async function schemaCommand(args: readonly string[], io: Io): Promise<ExitCode> {
  const [name, ...rest] = args;
  if (name === undefined) {
    io.stderr.write(`${helpText("schema")}\n`);
    return ExitCode.usage;
  }
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(`${helpText("schema")}\n`);
    return ExitCode.ok;
  }
  const sub = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (sub === undefined) {
    throw usageError(
      name.startsWith("-")
        ? `'${name}' must follow a schema command`
        : `unknown schema command '${name}' (commands: ${Object.keys(SUBCOMMANDS).join(", ")})`,
      "schema",
    );
  }
  const parsed = parseCommand("schema", rest, sub.options, sub.maxPositionals);
  if (parsed.values.help === true) {
    io.stdout.write(`${helpText("schema")}\n`);
    return ExitCode.ok;
  }
  try {
    return await sub.run(parsed, io);
  } catch (error) {
    if (isRegistryError(error)) {
      throw new CliError(ExitCode.unreadable, error.message, { cause: error });
    }
    if (!isEnvelopeError(error)) throw error;
    // A bad git ref, or a folder that is not one: the command line is at fault.
    if (error.code === "invalid_argument") throw new CliError(ExitCode.usage, error.message);
    throw new CliError(ExitCode.unreadable, error.message, { cause: error });
  }
}

/** `path` as given when the command runs in the process directory, else resolved against `io.cwd`. */
function at(io: Io, path: string): string {
  return isAbsolute(path) || io.cwd === process.cwd() ? path : resolve(io.cwd, path);
}

function out(io: Io, line: string): void {
  io.stdout.write(`${line}\n`);
}

function err(io: Io, line: string): void {
  io.stderr.write(`${line}\n`);
}

function text(parsed: Parsed, option: string): string | undefined {
  const value = parsed.values[option];
  return typeof value === "string" ? value : undefined;
}

/** Reads `--mode`, in any case. */
function modeOption(parsed: Parsed): CompatibilityMode | undefined {
  const raw = text(parsed, "mode");
  if (raw === undefined) return undefined;
  const mode = raw.toUpperCase() as CompatibilityMode;
  if (!COMPATIBILITY_MODES.includes(mode)) {
    throw usageError(
      `--mode must be one of ${COMPATIBILITY_MODES.join(", ")} (any case), not '${raw}'`,
      "schema",
    );
  }
  return mode;
}

async function check(parsed: Parsed, io: Io): Promise<ExitCode> {
  const today = text(parsed, "today");
  if (today !== undefined && !isIsoDate(today)) {
    throw usageError(`--today must be a date YYYY-MM-DD, not '${today}'`, "schema");
  }
  const dir = at(io, parsed.positionals[0] ?? "schemas");
  const mode = modeOption(parsed);
  const against = parsed.values["no-git"] === true ? null : (text(parsed, "against") ?? "main");
  // --against is a git ref or a schemas folder; a folder is found from io.cwd.
  let base = against;
  if (against !== null) {
    const path = at(io, against);
    if (existsSync(path) && statSync(path).isDirectory()) base = path;
  }
  const result = await checkSchemasFolder(dir, {
    against: base,
    ...(mode === undefined ? {} : { mode }),
    requireIndex: parsed.values["no-index"] !== true,
    ...(today === undefined ? {} : { now: new Date(`${today}T00:00:00Z`) }),
  });
  for (const p of result.warnings) err(io, `warning: ${formatFolderProblem(p)}`);
  for (const p of result.problems) err(io, formatFolderProblem(p));
  const versus = against === null ? "" : ` against ${against}`;
  if (!result.ok) {
    err(io, `schema check: ${result.problems.length} problem(s)${versus}`);
    return ExitCode.issues;
  }
  out(io, `schema check: ok${versus}: ${summarise(result.checked)}`);
  return ExitCode.ok;
}

/** `3 new version(s) in 2 event(s): a/b 1.1.0; c/d 1.0.0 to 1.4.0 (5)`: one entry per event, not per version. */
function summarise(checked: readonly SchemaKey[]): string {
  if (checked.length === 0) return "no new versions";
  const byEvent = new Map<string, string[]>();
  for (const key of checked) {
    const id = eventId(key);
    byEvent.set(id, [...(byEvent.get(id) ?? []), key.version]);
  }
  const events = [...byEvent].map(([id, versions]) => {
    versions.sort(compareVersions);
    return versions.length === 1
      ? `${id} ${versions[0]}`
      : `${id} ${versions[0]} to ${versions.at(-1)} (${versions.length})`;
  });
  return `${checked.length} new version(s) in ${byEvent.size} event(s): ${events.join("; ")}`;
}

function readText(io: Io, file: string): string {
  try {
    return readFileSync(at(io, file), "utf8");
  } catch (error) {
    throw new CliError(ExitCode.unreadable, `cannot read ${file}: ${describeFsError(error)}`, {
      cause: error,
    });
  }
}

function diff(parsed: Parsed, io: Io): ExitCode {
  if (parsed.positionals.length !== 2) throw usageError("diff takes two files", "schema");
  const floor = modeOption(parsed);
  const [a, b] = parsed.positionals as [string, string];
  const older = readDescriptor(readText(io, a), a);
  const newer = readDescriptor(readText(io, b), b);
  const eventMode = older.compatibility ?? "BACKWARD";
  const declared =
    newer.compatibility === undefined ? eventMode : strictestMode(eventMode, newer.compatibility);
  const mode = floor === undefined ? declared : strictestMode(declared, floor);
  const d = diffSchemas(older, newer, { mode: eventMode });
  for (const c of d.changes) {
    const compat = `${c.backward ? "B" : "-"}${c.forward ? "F" : "-"}${c.refused ? "!" : ""}`;
    out(io, `${c.bump.padEnd(5)} ${compat.padEnd(3)} ${c.kind} ${c.path}: ${c.message}`);
  }
  const violations = modeViolations(d, mode);
  for (const v of violations) {
    out(
      io,
      v.direction === "refused"
        ? `refused in every mode: ${v.change.path} [${v.change.kind}]`
        : `not ${v.direction} compatible (mode ${mode}): ${v.change.path} [${v.change.kind}]`,
    );
  }
  const verdict = !d.ok
    ? d.declaredBump === "none"
      ? "the version does not increase"
      : "bump too small"
    : violations.length > 0
      ? `${violations.length} violation(s) of mode ${mode}`
      : "ok";
  out(
    io,
    `${schemaId(d.from)} -> ${schemaId(d.to)}: ${d.changes.length} change(s); needs ${d.requiredBump}, declares ${d.declaredBump}; mode ${mode}: ${verdict}; backward ${d.backward ? "yes" : "no"}, forward ${d.forward ? "yes" : "no"}`,
  );
  return d.ok && violations.length === 0 ? ExitCode.ok : ExitCode.issues;
}

const LANGS = ["ts", "go", "rust"] as const;

function gen(parsed: Parsed, io: Io): ExitCode {
  const dir = at(io, parsed.positionals[0] ?? "schemas");
  const outDir = text(parsed, "out");
  const checkOnly = parsed.values.check === true;
  const lang = choice(parsed.values.lang, LANGS, "lang", "schema") ?? "ts";
  const rustRuntime = text(parsed, "rust-runtime");
  const goRuntime = text(parsed, "go-runtime");
  const goPackage = text(parsed, "go-package");
  if (goPackage !== undefined && !/^[a-z][a-z0-9_]*$/.test(goPackage)) {
    throw usageError(`--go-package must be a Go package name, not '${goPackage}'`, "schema");
  }
  const result = generateSchemasFolder(dir, {
    ...(outDir === undefined ? {} : { out: at(io, outDir) }),
    check: checkOnly,
    lang,
    ...(goRuntime === undefined ? {} : { goRuntime }),
    ...(goPackage === undefined ? {} : { goPackage }),
    ...(rustRuntime === undefined ? {} : { rustRuntime }),
  });
  for (const p of result.problems) err(io, formatProblem(p));
  if (result.problems.length > 0) return ExitCode.issues;
  if (checkOnly) {
    for (const f of result.changed) err(io, `out of date: ${f}`);
    for (const f of result.stale) err(io, `no longer generated: ${f}`);
    if (!result.fresh) {
      err(io, "schema gen --check: generated files are stale; run `pnpm schema:gen`");
      return ExitCode.issues;
    }
    out(io, "schema gen --check: generated files are fresh");
    return ExitCode.ok;
  }
  for (const f of result.changed) out(io, `wrote ${f}`);
  for (const f of result.stale) out(io, `deleted ${f}`);
  if (result.fresh) out(io, "schema gen: nothing to change");
  return ExitCode.ok;
}

const FIXTURE_CODECS: readonly FixtureCodec[] = ["protobuf", "cbor", "json"];

function fixtures(parsed: Parsed, io: Io): ExitCode {
  const dir = at(io, parsed.positionals[0] ?? "schemas");
  const outOption = text(parsed, "out");
  if (outOption === undefined) throw usageError("fixtures needs --out DIR", "schema");
  const outDir = at(io, outOption);
  const seedText = text(parsed, "seed") ?? "1";
  if (!/^(0|[1-9][0-9]{0,19})$/.test(seedText) || BigInt(seedText) >= 1n << 64n) {
    throw usageError(`--seed must be an integer 0 to 2^64-1, not '${seedText}'`, "schema");
  }
  const countText = text(parsed, "count") ?? "8";
  const count = Number(countText);
  if (!/^[1-9][0-9]*$/.test(countText) || count > 65_536) {
    throw usageError(`--count must be an integer 1 to 65536, not '${countText}'`, "schema");
  }
  const given = parsed.values.codec;
  const codecs = (Array.isArray(given) ? given : ["protobuf", "cbor"]).map(
    (c) => choice(c, FIXTURE_CODECS, "codec", "schema")!,
  );
  const language = text(parsed, "language");
  const folder = readSchemasFolder(dir);
  for (const p of folder.problems) err(io, formatProblem(p));
  if (folder.problems.length > 0) return ExitCode.issues;
  const options = {
    seed: BigInt(seedText),
    count,
    ...(language === undefined ? {} : { producer: { ...FIXTURE_PRODUCER, language } }),
  };
  const sets = generateFixtures(
    folder.files.map((f) => f.parsed.descriptor!),
    options,
  );
  mkdirSync(outDir, { recursive: true });
  for (const codec of codecs) {
    const file = join(outDir, `fixtures-${codec}.bin`);
    writeFileSync(file, encodeFixtures(sets, codec));
    out(io, `wrote ${file}`);
  }
  const expected = join(outDir, "expected.json");
  writeFileSync(expected, fixturesSummary(sets, options));
  out(io, `wrote ${expected}`);
  const total = sets.reduce((n, s) => n + s.envelopes.length, 0);
  out(
    io,
    `schema fixtures: ${total} envelope(s), ${sets.length} event version(s), seed ${seedText}`,
  );
  return ExitCode.ok;
}
