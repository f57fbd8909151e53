/**
 * The `schema` command: `check`, `diff` and `gen`. `envelope schema ...` in
 * the CLI package calls {@link runSchemaCli}; until then the repository's
 * `pnpm schema ...` script runs `dist/cli.js`.
 *
 * @see packages/registry/README.md, "The schema command"
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isEnvelopeError } from "@envelope/core";
import { checkSchemasFolder, formatFolderProblem } from "./check-folder.js";
import { diffSchemas, modeViolations, strictestMode } from "./compat.js";
import {
  COMPATIBILITY_MODES,
  type CompatibilityMode,
  eventId,
  type SchemaKey,
  schemaId,
} from "./descriptor.js";
import {
  encodeFixtures,
  FIXTURE_PRODUCER,
  type FixtureCodec,
  fixturesSummary,
  generateFixtures,
} from "./fixtures.js";
import { generateSchemasFolder } from "./generate-folder.js";
import { formatProblem, isIsoDate, readDescriptor } from "./parse-descriptor.js";
import { compareVersions } from "./semver.js";
import { readSchemasFolder } from "./sources/directory.js";

/** Where the command writes. */
export interface CliIo {
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

/** The usage text. */
export const SCHEMA_USAGE = `Usage: schema <command> [options]

  check [DIR] [--against REF|PATH] [--no-git] [--mode MODE] [--no-index] [--today DATE]
      Checks the schemas folder DIR (default: schemas) for CI: every descriptor
      parses; versions published on REF (default: main), or in the schemas
      folder PATH, are unchanged, and new versions go above them; every new
      version bumps enough for its changes and keeps its event's compatibility
      mode (${COMPATIBILITY_MODES.join(", ")}; --mode sets a floor, in any case);
      transforms start at the previous version; index.json is fresh; each
      event's latest version declares no field whose deprecation's removalDate
      has come (a warning before that day). --today YYYY-MM-DD sets the date.
      Exit status 1 when anything fails, 2 when REF cannot be read.
  diff OLD.json NEW.json [--mode MODE]
      Classifies every change from OLD to NEW, the bump it needs and the
      verdict of the mode (NEW's, else OLD's, else BACKWARD; --mode a floor).
      Exit status 1 when NEW's version bump is too small or the mode fails.
  gen [DIR] [--out OUT] [--lang ts|go|rust] [--check]
      [--go-runtime IMPORT] [--go-package NAME] [--rust-runtime PATH]
      Writes DIR/index.json and, with --out, the bindings into OUT: the
      TypeScript builders (default); with --lang go a Go package with one
      struct per event version, its Attributes() and Fill() (the fixture
      generator's draws), importing the runtime package IMPORT (default: the Go
      producer's internal/fixturegen), as package NAME (default schemas); with
      --lang rust a Rust module (mod.rs and a file per event) of structs that
      implement the runtime PATH's Binding (default crate::fixturegen).
      With --check, writes nothing and exits 1 when anything is out of date.
  fixtures [DIR] --out OUT [--seed N] [--count N] [--codec C]... [--language L]
      Generates, from the descriptors in DIR and the seed (default 1), COUNT
      (default 8) envelopes per event and version that respect every field's
      type, presence and value rules (boundaries first), and writes
      OUT/fixtures-<codec>.bin (a stream of frames; codecs protobuf and cbor by
      default, CBOR deterministic) and OUT/expected.json (count, sum, min, max
      of every int and double attribute per event and version). The same seed
      gives the same bytes in TypeScript, Go and Rust. --language sets the
      producer language written in the headers (default "fixtures").`;

/**
 * Runs the command with `argv` (without the program name) and returns the
 * exit status: 0 success, 1 check failed, 2 usage or input error.
 */
export async function runSchemaCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case "check":
        return await check(rest, io);
      case "diff":
        return diff(rest, io);
      case "gen":
        return gen(rest, io);
      case "fixtures":
        return fixtures(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(SCHEMA_USAGE);
        return command === undefined ? 2 : 0;
      default:
        io.stderr(`unknown command ${JSON.stringify(command)}\n\n${SCHEMA_USAGE}`);
        return 2;
    }
  } catch (error) {
    if (isEnvelopeError(error) || error instanceof UsageError) {
      io.stderr(error.message);
      return 2;
    }
    throw error;
  }
}

class UsageError extends Error {}

interface Parsed {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
  /** Every value of the options that may repeat. */
  readonly repeated: Map<string, string[]>;
}

function parseArgs(
  args: readonly string[],
  withValue: readonly string[],
  bare: readonly string[],
  many: readonly string[] = [],
): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  const repeated = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg : arg.slice(0, eq);
    if (withValue.includes(name)) {
      const value = eq < 0 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      if (many.includes(name)) repeated.set(name, [...(repeated.get(name) ?? []), value]);
      flags.set(name, value);
    } else if (bare.includes(name) && eq < 0) {
      flags.set(name, true);
    } else {
      throw new UsageError(`unknown option ${arg}\n\n${SCHEMA_USAGE}`);
    }
  }
  return { positional, flags, repeated };
}

/** Reads `--mode`, in any case. */
function modeFlag(flags: Parsed["flags"]): CompatibilityMode | undefined {
  const raw = flags.get("--mode");
  if (raw === undefined) return undefined;
  const mode = String(raw).toUpperCase() as CompatibilityMode;
  if (!COMPATIBILITY_MODES.includes(mode)) {
    throw new UsageError(`--mode must be one of ${COMPATIBILITY_MODES.join(", ")} (any case)`);
  }
  return mode;
}

async function check(args: readonly string[], io: CliIo): Promise<number> {
  const { positional, flags } = parseArgs(
    args,
    ["--against", "--mode", "--today"],
    ["--no-git", "--no-index"],
  );
  const today = flags.get("--today") as string | undefined;
  if (today !== undefined && !isIsoDate(today)) {
    throw new UsageError(`--today must be a date YYYY-MM-DD, got ${JSON.stringify(today)}`);
  }
  if (positional.length > 1) throw new UsageError(`check takes one folder\n\n${SCHEMA_USAGE}`);
  const dir = positional[0] ?? "schemas";
  const mode = modeFlag(flags);
  const against = flags.has("--no-git") ? null : ((flags.get("--against") as string) ?? "main");
  const result = await checkSchemasFolder(dir, {
    against,
    ...(mode === undefined ? {} : { mode }),
    requireIndex: !flags.has("--no-index"),
    ...(today === undefined ? {} : { now: new Date(`${today}T00:00:00Z`) }),
  });
  for (const p of result.warnings) io.stderr(`warning: ${formatFolderProblem(p)}`);
  for (const p of result.problems) io.stderr(formatFolderProblem(p));
  const base = against === null ? "" : ` against ${against}`;
  if (!result.ok) {
    io.stderr(`schema check: ${result.problems.length} problem(s)${base}`);
    return 1;
  }
  io.stdout(`schema check: ok${base}: ${summarise(result.checked)}`);
  return 0;
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

function diff(args: readonly string[], io: CliIo): number {
  const { positional, flags } = parseArgs(args, ["--mode"], []);
  if (positional.length !== 2) throw new UsageError(`diff takes two files\n\n${SCHEMA_USAGE}`);
  const floor = modeFlag(flags);
  const [a, b] = positional as [string, string];
  const older = readDescriptor(readFileSync(a, "utf8"), a);
  const newer = readDescriptor(readFileSync(b, "utf8"), b);
  const eventMode = older.compatibility ?? "BACKWARD";
  const declared =
    newer.compatibility === undefined ? eventMode : strictestMode(eventMode, newer.compatibility);
  const mode = floor === undefined ? declared : strictestMode(declared, floor);
  const d = diffSchemas(older, newer, { mode: eventMode });
  for (const c of d.changes) {
    const compat = `${c.backward ? "B" : "-"}${c.forward ? "F" : "-"}${c.refused ? "!" : ""}`;
    io.stdout(`${c.bump.padEnd(5)} ${compat.padEnd(3)} ${c.kind} ${c.path}: ${c.message}`);
  }
  const violations = modeViolations(d, mode);
  for (const v of violations) {
    io.stdout(
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
  io.stdout(
    `${schemaId(d.from)} -> ${schemaId(d.to)}: ${d.changes.length} change(s); needs ${d.requiredBump}, declares ${d.declaredBump}; mode ${mode}: ${verdict}; backward ${d.backward ? "yes" : "no"}, forward ${d.forward ? "yes" : "no"}`,
  );
  return d.ok && violations.length === 0 ? 0 : 1;
}

function gen(args: readonly string[], io: CliIo): number {
  const { positional, flags } = parseArgs(
    args,
    ["--out", "--lang", "--go-runtime", "--go-package", "--rust-runtime"],
    ["--check"],
  );
  if (positional.length > 1) throw new UsageError(`gen takes one folder\n\n${SCHEMA_USAGE}`);
  const dir = positional[0] ?? "schemas";
  const out = flags.get("--out") as string | undefined;
  const checkOnly = flags.has("--check");
  const lang = (flags.get("--lang") as string | undefined) ?? "ts";
  if (lang !== "ts" && lang !== "go" && lang !== "rust") {
    throw new UsageError(`--lang must be ts, go or rust, got ${JSON.stringify(lang)}`);
  }
  const rustRuntime = flags.get("--rust-runtime") as string | undefined;
  const goRuntime = flags.get("--go-runtime") as string | undefined;
  const goPackage = flags.get("--go-package") as string | undefined;
  if (goPackage !== undefined && !/^[a-z][a-z0-9_]*$/.test(goPackage)) {
    throw new UsageError(
      `--go-package must be a Go package name, got ${JSON.stringify(goPackage)}`,
    );
  }
  const result = generateSchemasFolder(dir, {
    ...(out === undefined ? {} : { out }),
    check: checkOnly,
    lang,
    ...(goRuntime === undefined ? {} : { goRuntime }),
    ...(goPackage === undefined ? {} : { goPackage }),
    ...(rustRuntime === undefined ? {} : { rustRuntime }),
  });
  for (const p of result.problems) io.stderr(formatProblem(p));
  if (result.problems.length > 0) return 1;
  if (checkOnly) {
    for (const f of result.changed) io.stderr(`out of date: ${f}`);
    for (const f of result.stale) io.stderr(`no longer generated: ${f}`);
    if (!result.fresh)
      io.stderr("schema gen --check: generated files are stale; run `pnpm schema:gen`");
    else io.stdout("schema gen --check: generated files are fresh");
    return result.fresh ? 0 : 1;
  }
  for (const f of result.changed) io.stdout(`wrote ${f}`);
  for (const f of result.stale) io.stdout(`deleted ${f}`);
  if (result.fresh) io.stdout("schema gen: nothing to change");
  return 0;
}

const FIXTURE_CODECS: readonly FixtureCodec[] = ["protobuf", "cbor", "json"];

function fixtures(args: readonly string[], io: CliIo): number {
  const { positional, flags, repeated } = parseArgs(
    args,
    ["--out", "--seed", "--count", "--codec", "--language"],
    [],
    ["--codec"],
  );
  if (positional.length > 1) throw new UsageError(`fixtures takes one folder\n\n${SCHEMA_USAGE}`);
  const dir = positional[0] ?? "schemas";
  const out = flags.get("--out") as string | undefined;
  if (out === undefined) throw new UsageError(`fixtures needs --out DIR\n\n${SCHEMA_USAGE}`);
  const seedText = (flags.get("--seed") as string | undefined) ?? "1";
  if (!/^(0|[1-9][0-9]{0,19})$/.test(seedText) || BigInt(seedText) >= 1n << 64n) {
    throw new UsageError(`--seed must be an integer 0 to 2^64-1, got ${JSON.stringify(seedText)}`);
  }
  const countText = (flags.get("--count") as string | undefined) ?? "8";
  const count = Number(countText);
  if (!/^[1-9][0-9]*$/.test(countText) || count > 65_536) {
    throw new UsageError(`--count must be an integer 1 to 65536, got ${JSON.stringify(countText)}`);
  }
  const codecs = (repeated.get("--codec") ?? ["protobuf", "cbor"]) as FixtureCodec[];
  for (const c of codecs) {
    if (!FIXTURE_CODECS.includes(c)) {
      throw new UsageError(
        `--codec must be one of ${FIXTURE_CODECS.join(", ")}, got ${JSON.stringify(c)}`,
      );
    }
  }
  const language = flags.get("--language") as string | undefined;
  const folder = readSchemasFolder(dir);
  for (const p of folder.problems) io.stderr(formatProblem(p));
  if (folder.problems.length > 0) return 1;
  const options = {
    seed: BigInt(seedText),
    count,
    ...(language === undefined ? {} : { producer: { ...FIXTURE_PRODUCER, language } }),
  };
  const sets = generateFixtures(
    folder.files.map((f) => f.parsed.descriptor!),
    options,
  );
  mkdirSync(out, { recursive: true });
  for (const codec of codecs) {
    const file = join(out, `fixtures-${codec}.bin`);
    writeFileSync(file, encodeFixtures(sets, codec));
    io.stdout(`wrote ${file}`);
  }
  const expected = join(out, "expected.json");
  writeFileSync(expected, fixturesSummary(sets, options));
  io.stdout(`wrote ${expected}`);
  const total = sets.reduce((n, s) => n + s.envelopes.length, 0);
  io.stdout(
    `schema fixtures: ${total} envelope(s), ${sets.length} event version(s), seed ${seedText}`,
  );
  return 0;
}
