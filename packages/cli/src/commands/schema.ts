/**
 * `envelope schema check|diff|gen`: the registry's schema tools
 * (@envelope/registry `runSchemaCli`), with its exit codes: 0 ok, 1 the
 * check failed, 2 usage or input error.
 */
import { runSchemaCli, SCHEMA_USAGE } from "@envelope/registry";
import { ExitCode } from "../exit-codes.js";
import type { Io } from "../output/terminal.js";

export async function schemaCommand(args: readonly string[], io: Io): Promise<number> {
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || args[0] === "help") {
    io.stdout.write(
      `${SCHEMA_USAGE.replace("Usage: schema", "Usage: envelope schema")}\n\nExit codes: 0 ok, 1 the check failed, 2 usage or input error.\n`,
    );
    return args.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  const cwd = process.cwd();
  // The registry's commands resolve paths against the process directory.
  if (io.cwd !== cwd) process.chdir(io.cwd);
  try {
    return await runSchemaCli(args, {
      stdout: (line) => io.stdout.write(`${line}\n`),
      stderr: (line) => io.stderr.write(`${line}\n`),
    });
  } finally {
    if (io.cwd !== cwd) process.chdir(cwd);
  }
}
