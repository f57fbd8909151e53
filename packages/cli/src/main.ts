/**
 * `envelope <command>`: dispatch, and the one place errors become one line
 * on stderr and an exit code (README.md, "Exit codes").
 */
import { readFileSync } from "node:fs";
import { isRegistryError } from "@envelope/registry";
import { isEnvelopeError } from "@envelope/sdk";
import { aggregateCommand } from "./commands/aggregate.js";
import { benchCommand } from "./commands/bench.js";
import { convertCommand } from "./commands/convert.js";
import { decodeCommand } from "./commands/decode.js";
import { inspectCommand } from "./commands/inspect.js";
import { schemaCommand } from "./commands/schema.js";
import { validateCommand } from "./commands/validate.js";
import { CliError, ExitCode, usageError } from "./exit-codes.js";
import { helpText } from "./help.js";
import { type Io, Terminal } from "./output/terminal.js";

const COMMANDS: Readonly<Record<string, (args: readonly string[], io: Io) => Promise<number>>> = {
  decode: decodeCommand,
  inspect: inspectCommand,
  convert: convertCommand,
  validate: validateCommand,
  aggregate: aggregateCommand,
  schema: schemaCommand,
  bench: benchCommand,
};

/** The CLI package's version. */
export function cliVersion(): string {
  const manifest = new URL("../package.json", import.meta.url);
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}

/**
 * Runs `envelope` with `argv` (without the program name) and returns the
 * exit code. Never throws: every error is one line on stderr (with the
 * stack under --debug).
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const debug = argv.includes("--debug");
  const term = new Terminal(io, {
    debug,
    quiet: argv.includes("--quiet") || argv.includes("-q"),
    noColor: argv.includes("--no-color"),
  });
  const [command, ...rest] = argv;
  try {
    if (command === undefined) {
      io.stderr.write(`${helpText("main")}\n`);
      return ExitCode.usage;
    }
    if (command === "--help" || command === "-h") {
      io.stdout.write(`${helpText("main")}\n`);
      return ExitCode.ok;
    }
    if (command === "help") {
      const topic = rest[0];
      const text = helpText(topic ?? "main");
      if (text === undefined) throw usageError(`no help for '${topic}': not a command`);
      io.stdout.write(`${text}\n`);
      return ExitCode.ok;
    }
    if (command === "--version" || command === "-V") {
      io.stdout.write(`${cliVersion()}\n`);
      return ExitCode.ok;
    }
    const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
    if (run === undefined) {
      throw usageError(
        command.startsWith("-")
          ? `'${command}' must follow a command`
          : `unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(", ")})`,
      );
    }
    return await run(rest, io);
  } catch (error) {
    return fail(term, error, debug);
  }
}

function fail(term: Terminal, error: unknown, debug: boolean): number {
  let code: number;
  if (error instanceof CliError) {
    term.error(error.message);
    code = error.exitCode;
  } else if (isEnvelopeError(error) || isRegistryError(error)) {
    term.error(error.message);
    code = ExitCode.unreadable;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    term.error(
      `internal error: ${message}${debug ? "" : " (rerun with --debug for the stack trace)"}`,
    );
    code = ExitCode.internal;
  }
  if (debug && error instanceof Error && error.stack !== undefined) {
    term.io.stderr.write(`${error.stack}\n`);
  }
  return code;
}
