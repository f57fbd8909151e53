// Small helpers shared by the repository scripts: run a command, report a step.
import { spawnSync } from "node:child_process";

const isScript = (command) => /\.[cm]?js$/.test(command);

/** Runs a command with inherited stdio (a .js/.cjs/.mjs file through node); true when it exits 0. */
export function run(command, args, options = {}) {
  const [file, argv] = isScript(command) ? [process.execPath, [command, ...args]] : [command, args];
  const result = spawnSync(file, argv, { stdio: "inherit", ...options });
  if (result.error) {
    console.error(`  ${command}: ${result.error.message}`);
    return false;
  }
  return result.status === 0;
}

/** True when the tool answers `version` (go) or `--version` (cargo and the rest). */
export function has(command) {
  return (
    spawnSync(command, ["version"], { stdio: "ignore" }).status === 0 ||
    spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0
  );
}

/**
 * The pnpm that runs this script, so nested calls use the same version even
 * when it came from `npx pnpm@…` and is not on PATH; else pnpm on PATH.
 */
const execPath = process.env.npm_execpath ?? "";
export const pnpm = /pnpm[^/\\]*$/.test(execPath) ? execPath : "pnpm";

export const isCI = process.env.CI === "true" || process.env.CI === "1";
