/**
 * `envelope bench`: runs the benchmark harness of the Envelope checkout that
 * holds the current directory (`pnpm bench` at its root).
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CliError, ExitCode } from "../exit-codes.js";
import { helpText } from "../help.js";
import type { Io } from "../output/terminal.js";

/** The checkout root above `from` whose package.json has a `bench` script, or undefined. */
export function findBenchRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(join(dir, "pnpm-workspace.yaml")) && existsSync(manifest)) {
      try {
        const scripts = (JSON.parse(readFileSync(manifest, "utf8")) as { scripts?: object })
          .scripts;
        if (scripts !== undefined && Object.hasOwn(scripts, "bench")) return dir;
      } catch {
        // Not a readable package.json: keep looking upwards.
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export async function benchCommand(args: readonly string[], io: Io): Promise<number> {
  const separator = args.indexOf("--");
  const own = separator === -1 ? args : args.slice(0, separator);
  const passed = separator === -1 ? [] : args.slice(separator + 1);
  if (own.includes("--help") || own.includes("-h")) {
    io.stdout.write(`${helpText("bench")}\n`);
    return ExitCode.ok;
  }
  const root = findBenchRoot(io.cwd);
  if (root === undefined) {
    throw new CliError(
      ExitCode.usage,
      "no benchmark harness here: run 'envelope bench' inside an Envelope checkout (a pnpm workspace with a 'bench' script)",
    );
  }
  const pnpm = process.platform === "win32" ? "pnpm.cmd" : "pnpm";
  return await new Promise<number>((done, fail) => {
    const child = spawn(pnpm, ["bench", ...passed], { cwd: root, stdio: "inherit" });
    child.once("error", (error) =>
      fail(new CliError(ExitCode.usage, `cannot run pnpm: ${error.message}`)),
    );
    child.once("exit", (code, signal) => done(code ?? (signal === null ? 1 : 128)));
  });
}
