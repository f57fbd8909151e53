// `pnpm mutate [package|file ...] [--full] [--check] [--report] [--concurrency N]`
// (no argument: every package; `--check` alone: what has a floor; `--report`
// prints the committed results as Markdown tables without running anything)
//
// Mutation testing with StrykerJS: each package's source files are mutated
// against that package's own tests (scripts/mutation/packages.mjs). Runs are
// incremental: scripts/mutation/state/<package>.json (committed) keeps every
// mutant's result, and a run re-tests only mutants whose code or covering
// tests changed. --full re-tests everything. --check fails when a score is
// under its floor. No type checker: TypeScript 7 has no JavaScript compiler
// API, and a mutant the compiler would reject still fails or passes the tests.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Stryker } from "@stryker-mutator/core";
import { mutateGlobs, PACKAGES, stateFile } from "./mutation/packages.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    full: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    report: { type: "boolean", default: false },
    concurrency: { type: "string" },
  },
});
const root = resolve(import.meta.dirname, "..");
// Stryker works in the process directory: from anywhere else, run again at the root
// (the process directory is never changed in place).
if (process.cwd() !== root) {
  const again = spawnSync(process.execPath, process.argv.slice(1), { cwd: root, stdio: "inherit" });
  process.exit(again.status ?? 1);
}

/** @type {Map<string, string[] | undefined>} package -> files to mutate (undefined: all) */
const targets = new Map();
// --check alone checks what has a floor: those files, those whole packages.
const floored = Object.entries(PACKAGES).flatMap(([name, { floors }]) =>
  Object.keys(floors).map((file) => (file === "*" ? name : file)),
);
const defaults = values.check ? floored : Object.keys(PACKAGES);
for (const arg of positionals.length > 0 ? positionals : defaults) {
  if (arg in PACKAGES) {
    targets.set(arg, undefined);
    continue;
  }
  const file = relative(root, resolve(arg)).replaceAll("\\", "/");
  const name = /^packages\/([^/]+)\/src\/.+\.ts$/.exec(file)?.[1];
  if (name === undefined || !(name in PACKAGES) || !existsSync(file)) {
    console.error(
      `${arg}: not a package (${Object.keys(PACKAGES).join(", ")}) or one of their src files`,
    );
    process.exit(2);
  }
  if (!targets.has(name) || targets.get(name) !== undefined) {
    targets.set(name, [...(targets.get(name) ?? []), file]);
  }
}

const DETECTED = new Set(["Killed", "Timeout"]);
const UNDETECTED = new Set(["Survived", "NoCoverage"]);
const rows = [];
let belowFloor = false;

if (values.report) {
  report();
  process.exit(0);
}

for (const [name, files] of targets) {
  console.log(`\n▶ mutation testing ${files?.join(", ") ?? `packages/${name}`}`);
  const results = await mutate(name, files);
  const byFile = new Map();
  for (const mutant of results) {
    const file = relative(root, resolve(mutant.fileName)).replaceAll("\\", "/");
    const tally = byFile.get(file) ?? { detected: 0, undetected: 0 };
    if (DETECTED.has(mutant.status)) tally.detected++;
    else if (UNDETECTED.has(mutant.status)) tally.undetected++;
    byFile.set(file, tally);
  }
  const total = { detected: 0, undetected: 0 };
  for (const [file, tally] of [...byFile].sort()) {
    total.detected += tally.detected;
    total.undetected += tally.undetected;
    rows.push(row(file, tally, PACKAGES[name].floors[file]));
  }
  if (files === undefined)
    rows.push(row(`packages/${name} (all files)`, total, PACKAGES[name].floors["*"]));
}

console.log(
  "\nmutation score (killed + timed out) / (killed + timed out + survived + no coverage)",
);
for (const r of rows) {
  const floor = r.floor === undefined ? "" : `  floor ${r.floor}%${r.ok ? "" : "  BELOW FLOOR"}`;
  console.log(
    `  ${r.score.padStart(6)}%  ${String(r.mutants).padStart(5)} mutants  ${r.name}${floor}`,
  );
}
if (values.check && belowFloor) {
  console.error(
    "\nmutation check failed: a score is below its floor (scripts/mutation/packages.mjs)",
  );
  process.exit(1);
}

/** Prints the committed results of the targets as one Markdown table per package. */
function report() {
  for (const [name, files] of targets) {
    const state = JSON.parse(readFileSync(stateFile(name), "utf8"));
    const { floors } = PACKAGES[name];
    const total = { detected: 0, undetected: 0 };
    const lines = [];
    for (const file of Object.keys(state.files).sort()) {
      if (files !== undefined && !files.includes(file)) continue;
      const tally = { detected: 0, undetected: 0 };
      for (const m of state.files[file].mutants) {
        if (DETECTED.has(m.status)) tally.detected++;
        else if (UNDETECTED.has(m.status)) tally.undetected++;
      }
      total.detected += tally.detected;
      total.undetected += tally.undetected;
      const r = row(file, tally, floors[file]);
      lines.push(
        `| \`${file}\` | ${r.mutants} | ${r.score}% | ${r.floor === undefined ? "" : `${r.floor}%`} |`,
      );
    }
    const all = row(`packages/${name}`, total, floors["*"]);
    console.log(`\n| file | mutants | score | floor |\n|---|---:|---:|---:|`);
    console.log(lines.join("\n"));
    if (files === undefined) {
      console.log(
        `| **packages/${name}** | **${all.mutants}** | **${all.score}%** | ${all.floor === undefined ? "" : `${all.floor}%`} |`,
      );
    }
  }
}

function row(name, { detected, undetected }, floor) {
  const mutants = detected + undetected;
  const score = mutants === 0 ? 100 : (100 * detected) / mutants;
  const ok = floor === undefined || score >= floor;
  if (!ok) belowFloor = true;
  return { name, mutants, score: score.toFixed(2), floor, ok };
}

/**
 * Drops the survived mutants of `files` that have no covering tests on record
 * from the incremental state, so this run tests them again. Stryker reuses a
 * result while the mutant's code and the tests covering it are unchanged; a
 * static mutant (module-level code, run before any test) records no covering
 * tests, so a test added to kill it would never be tried. A run over named
 * files is how one checks new tests, so it retests those; package runs and
 * --check (CI) keep every result.
 */
function retestUncovered(name, files) {
  const path = stateFile(name);
  if (!existsSync(path)) return;
  const state = JSON.parse(readFileSync(path, "utf8"));
  let dropped = 0;
  for (const file of files) {
    const entry = state.files?.[file];
    if (entry === undefined) continue;
    const kept = entry.mutants.filter(
      (m) => !(m.status === "Survived" && !(m.coveredBy?.length > 0)),
    );
    dropped += entry.mutants.length - kept.length;
    entry.mutants = kept;
  }
  if (dropped === 0) return;
  writeFileSync(path, JSON.stringify(state, null, 2));
  console.log(`retesting ${dropped} survived mutant(s) without recorded coverage (static mutants)`);
}

/** Runs Stryker over one package (or some of its files) and returns every mutant's result. */
async function mutate(name, files) {
  mkdirSync(resolve(stateFile(name), ".."), { recursive: true });
  if (files !== undefined) retestUncovered(name, files);
  process.env.ENVELOPE_MUTATE_PACKAGE = name;
  const stryker = new Stryker({
    testRunner: "vitest",
    plugins: ["@stryker-mutator/vitest-runner"],
    vitest: { configFile: "scripts/mutation/vitest.config.ts", related: false },
    checkers: [],
    // Stryker would rewrite tsconfig.json through the TypeScript compiler API,
    // which TypeScript 7 lacks; no file name means nothing to rewrite.
    tsconfigFile: "",
    // Nothing type-checks the sandbox, and the "// @ts-nocheck" Stryker would
    // add to every TypeScript file breaks tests that compare generated code.
    disableTypeChecks: false,
    coverageAnalysis: "perTest",
    mutate: files ?? mutateGlobs(name),
    incremental: true,
    // Results of files outside `mutate` are kept, so a run over one file
    // updates the package state in place.
    incrementalFile: stateFile(name),
    force: values.full,
    concurrency: Number(values.concurrency ?? Math.min(2, availableParallelism())),
    reporters: ["clear-text", "progress"],
    clearTextReporter: { reportTests: false, reportScoreTable: true, allowEmojis: false },
    thresholds: { high: 90, low: 85, break: null },
    // One folder per package: runs over different packages can share the checkout.
    tempDirName: `.stryker-tmp/${name}`,
    // Only what the package tests read goes into the sandbox: of docs/, the
    // spec (core and registry tests compare it with the code); test/fixtures
    // holds the producers' LZ4 bodies the lz4 tests decode.
    ignorePatterns: [
      // Other packages' runs (their sandboxes sit next to this one's).
      "/.stryker-tmp",
      "/docs/*",
      "!/docs/spec.md",
      "/examples",
      "/proto",
      "/bench/results",
      "/test/producers",
      "/scripts/mutation/state",
      "dist",
      "target",
      ".venv",
    ],
    fileLogLevel: "off",
  });
  const results = await stryker.runMutationTest();
  if (files === undefined) return results;
  return results.filter((m) =>
    files.includes(relative(root, resolve(m.fileName)).replaceAll("\\", "/")),
  );
}
