// Packs workspace packages into tarballs, as `pnpm publish` would upload them
// (workspace:* ranges become versions). Used by the package checks
// (scripts/check-packages.mjs) and the runtime tests (test/runtimes), which
// install the tarballs outside the repository as a user would.
//
//   node scripts/pack.mjs <out-dir> [package-dir-name …]   (default: every package)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { has, pnpm } from "./run.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Every publishable package directory name under packages/. */
export function packageDirs() {
  return readdirSync(join(ROOT, "packages"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => {
      try {
        return !JSON.parse(readFileSync(join(ROOT, "packages", name, "package.json"), "utf8"))
          .private;
      } catch {
        return false;
      }
    })
    .sort();
}

/** How to run pnpm from here: the one running this script, pnpm on PATH, or npx. */
export function pnpmCommand() {
  if (/\.[cm]?js$/.test(pnpm)) return [process.execPath, [pnpm]];
  if (pnpm !== "pnpm" || has("pnpm")) return [pnpm, []];
  return ["npx", ["--yes", "pnpm@12.21.0"]];
}

/**
 * Packs each package into `outDir`; returns { name: tarball path } keyed by
 * package name (`@envelope/sdk`). Needs the packages built (dist/).
 */
export function pack(outDir, dirs = packageDirs()) {
  mkdirSync(outDir, { recursive: true });
  const [command, prefix] = pnpmCommand();
  // One recursive pack for all: pnpm starts once.
  const filters = dirs.flatMap((dir) => ["--filter", `./packages/${dir}`]);
  const result = spawnSync(
    command,
    [...prefix, "-r", ...filters, "pack", "--pack-destination", resolve(outDir)],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (result.status !== 0) {
    throw new Error(`pnpm pack failed: ${result.stderr || result.stdout || result.error}`);
  }
  const tarballs = {};
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(ROOT, "packages", dir, "package.json"), "utf8"));
    // npm's tarball name: the scope's @ dropped and its / turned into -.
    const file = resolve(
      outDir,
      `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`,
    );
    if (!existsSync(file)) throw new Error(`pnpm pack wrote no ${file}`);
    tarballs[pkg.name] = file;
  }
  return tarballs;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [out, ...dirs] = process.argv.slice(2);
  if (out === undefined) {
    console.error("usage: node scripts/pack.mjs <out-dir> [package-dir-name …]");
    process.exit(2);
  }
  for (const [name, file] of Object.entries(pack(out, dirs.length > 0 ? dirs : undefined))) {
    console.log(`${name}\t${file}`);
  }
}
