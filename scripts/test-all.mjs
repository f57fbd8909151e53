// `pnpm test`: every check and every test suite, the same command CI runs.
// Runs all steps even when one fails, then prints a summary and exits 1 if any failed.
import { existsSync } from "node:fs";
import { has, isCI, pnpm, run } from "./run.mjs";

/** The Go and Rust bindings of the registry fixtures: schemas folder, output, extra options. */
const BINDINGS = [
  ["schemas", "test/producers/go/internal/schemas", ["--lang", "go"]],
  [
    "test/fixtures/registry/schemas",
    "test/producers/go/internal/schemas/rules",
    ["--lang", "go", "--go-package", "rules"],
  ],
  ["schemas", "test/producers/rust/src/bindings/examples", ["--lang", "rust"]],
  ["test/fixtures/registry/schemas", "test/producers/rust/src/bindings/rules", ["--lang", "rust"]],
];

/** @type {Array<[string, () => boolean | "skipped"]>} */
const steps = [
  [
    "lint (biome, warnings are errors)",
    () => run(pnpm, ["exec", "biome", "ci", "--error-on-warnings", "."]),
  ],
  ["typecheck (tsc, strict)", () => run(pnpm, ["exec", "tsc", "-p", "tsconfig.json"])],
  ["buf lint", () => run(pnpm, ["exec", "buf", "lint"])],
  ["buf breaking against main", () => run("node", ["scripts/buf-breaking.mjs"])],
  ["generated code is fresh", () => run("node", ["scripts/check-generated.mjs"])],
  ["build packages", () => run(pnpm, ["run", "build"])],
  [
    "packages as published: publint --strict, attw (ESM-only), LICENSE, README, metadata (packed tarballs)",
    () => run("node", ["scripts/check-packages.mjs"]),
  ],
  [
    "bundle sizes against bench/bundle-budgets.json (esbuild, browser, gzipped)",
    () => run("node", ["bench/bundles.mjs", "--check"]),
  ],
  [
    "API reference (docs/api, TypeDoc) is fresh, without warnings",
    () => run("node", ["scripts/typedoc/build.mjs", "--check"]),
  ],
  [
    "schemas: compatibility against main (like buf breaking)",
    () => run(pnpm, ["run", "schema:check"]),
  ],
  [
    "schemas: index.json and generated builders are fresh",
    () => run(pnpm, ["run", "schema:gen", "--check"]),
  ],
  [
    "schemas: Go and Rust bindings (schema gen --lang go|rust) are fresh",
    () =>
      BINDINGS.map(([dir, out, options]) =>
        run("node", [
          "packages/cli/dist/bin.js",
          "schema",
          "gen",
          dir,
          ...options,
          "--out",
          out,
          "--check",
        ]),
      ).every(Boolean),
  ],
  ["dependency audit (production tree)", () => run("node", ["scripts/audit.mjs"])],
  [
    "fixtures are reproducible (Go, Rust, TypeScript producers)",
    () => run("node", ["scripts/fixtures.mjs", "--check"]),
  ],
  [
    "unit, integration and cross-language tests (vitest)",
    () => run(pnpm, ["exec", "vitest", "run"]),
  ],
];

function toolStep(tool, dir, args) {
  return () => {
    if (!existsSync(dir)) return "skipped";
    if (!has(tool)) {
      console.log(`${tool} is not installed${isCI ? "; CI requires it" : "; skipped"}`);
      return isCI ? false : "skipped";
    }
    return run(tool, args, { cwd: dir });
  };
}
steps.push([
  "benchmark, quick: SDK/baseline ratios against bench/baseline.json, memory bounds",
  () => run("node", ["bench/run.mjs", "--quick", "--check"]),
]);
steps.push([
  "hostile inputs: time per byte against valid inputs of the same size (report)",
  () => run("node", ["bench/hostile.mjs", "--quick"]),
]);
// Mutation floors (docs/testing.md): incremental from the committed state in
// scripts/mutation/state, so only mutants whose code or covering tests
// changed since the state was committed are tested again.
steps.push([
  "mutation floors (StrykerJS, incremental)",
  () => run("node", ["scripts/mutate.mjs", "--check"]),
]);
steps.push([
  "export: export() vs encode() hot path, HTTP/Kafka/OTLP throughput, RSS under a stalled sink (report)",
  () => run("node", ["bench/export.mjs", "--quick"]),
]);
steps.push([
  "go test (Go producer conformance)",
  toolStep("go", "test/producers/go", ["test", "./..."]),
]);
// The trace-context services run in the vitest step (test/services), which builds them.
steps.push([
  "go vet (trace-context service)",
  toolStep("go", "test/services/go", ["vet", "./..."]),
]);
steps.push([
  "cargo test (Rust producer conformance)",
  toolStep("cargo", "test/producers/rust", ["test", "--locked"]),
]);

const results = [];
for (const [name, step] of steps) {
  console.log(`\n▶ ${name}`);
  const started = Date.now();
  const outcome = step();
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  results.push([name, outcome, seconds]);
  console.log(
    outcome === "skipped"
      ? `- skipped: ${name}`
      : outcome
        ? `✓ ${name} (${seconds}s)`
        : `✗ ${name} (${seconds}s)`,
  );
}

console.log("\nSummary");
for (const [name, outcome, seconds] of results) {
  console.log(
    `  ${outcome === "skipped" ? "-" : outcome ? "✓" : "✗"} ${name} ${outcome === "skipped" ? "(skipped)" : `(${seconds}s)`}`,
  );
}
const passed = results.filter(([, o]) => o === true).length;
const failed = results.filter(([, o]) => o === false).length;
const skipped = results.filter(([, o]) => o === "skipped").length;
console.log(
  `steps: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`,
);
process.exit(failed > 0 ? 1 : 0);
