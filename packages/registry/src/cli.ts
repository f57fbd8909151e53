#!/usr/bin/env node
/**
 * The `envelope-schema` executable (`pnpm schema ...` in the repository):
 * `check`, `diff`, `gen`. See {@link runSchemaCli}.
 */
import { runSchemaCli } from "./run-cli.js";

process.exitCode = await runSchemaCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
});
