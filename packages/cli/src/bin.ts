#!/usr/bin/env node
/**
 * The `envelope` executable. See main.ts; README.md documents the commands.
 */
import { main } from "./main.js";

process.exitCode = await main(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  cwd: process.cwd(),
});
