// `pnpm run bootstrap`: everything a fresh machine needs, then the main job.
// Installs node packages (frozen lockfile), builds every package, fetches Go
// modules and Rust crates when those toolchains are present (the cross-language
// fixtures and the trace-context services need them), installs Chromium for the
// browser tests, builds the OpenTelemetry Collector the OTLP tests run against
// (cached), then runs the main job: the codecs tour and a short benchmark
// summary (bench/summary.mjs).
import { existsSync } from "node:fs";
import { has, isCI, pnpm, run } from "./run.mjs";

/**
 * A step that needs a tool: without it, says what will be skipped and passes,
 * except under CI, which requires every tool.
 */
function missing(what, skipped) {
  console.log(`  ${what}: ${skipped} will be skipped${isCI ? " (CI requires it)" : ""}`);
  return !isCI;
}

const steps = [
  ["install node packages", () => run(pnpm, ["install", "--frozen-lockfile"])],
  ["build packages", () => run(pnpm, ["run", "build"])],
];
for (const [dir, tool, args] of [
  ["test/producers/go", "go", ["mod", "download"]],
  ["test/producers/rust", "cargo", ["fetch", "--locked"]],
  ["test/services/go", "go", ["mod", "download"]],
  ["test/services/rust", "cargo", ["fetch", "--locked"]],
]) {
  steps.push([
    `fetch ${tool} dependencies (${dir})`,
    () => {
      if (!has(tool)) {
        return missing(`${tool} is not installed`, `the ${tool} producer and its tests`);
      }
      return run(tool, args, { cwd: dir });
    },
  ]);
}
steps.push([
  "Python cbor2 for the CBOR interop test (.venv)",
  () => {
    if (!has("python3")) {
      return missing(`python3 is not installed`, `the cbor2 interop test`);
    }
    return (
      run("python3", ["-m", "venv", ".venv"]) &&
      run(".venv/bin/python", [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "cbor2==6.2.1",
      ])
    );
  },
]);
// The browser tests (test/runtimes, packages/export/test/browser.test.ts) drive Debian's Chromium; a test tool's own browser download cannot work here.
steps.push([
  "Chromium for the browser tests (Debian's chromium, /usr/bin/chromium)",
  () => {
    if (existsSync("/usr/bin/chromium")) return true;
    if (!has("apt-get")) {
      return missing(
        `apt-get is not available`,
        `install Chromium at /usr/bin/chromium; the browser tests`,
      );
    }
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    return (
      run("apt-get", ["update", "-qq"], { env }) &&
      run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "chromium"], { env })
    );
  },
]);
steps.push([
  "OpenTelemetry Collector for the OTLP tests (scripts/collector, cached)",
  () => {
    if (!has("go")) {
      return missing(`go is not installed`, `the OTLP Collector tests`);
    }
    return run("node", ["scripts/collector/build.mjs"]);
  },
]);
steps.push([
  "Python duckdb and pyarrow for the Arrow/Parquet export test (.venv)",
  () => {
    if (!has("python3")) {
      return missing(`python3 is not installed`, `the DuckDB export test`);
    }
    return (
      (existsSync(".venv/bin/python") || run("python3", ["-m", "venv", ".venv"])) &&
      run(".venv/bin/python", [
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "duckdb==2.0.1",
        "pyarrow==26.0.1",
      ])
    );
  },
]);
steps.push([
  "Apache Kafka broker jars for the Kafka tests (scripts/kafka/lib, from Maven Central)",
  () => {
    if (!has("java") || !has("mvn")) {
      return missing(`java or mvn is not installed`, `the Kafka tests`);
    }
    return run(
      "mvn",
      [
        "-q",
        "-B",
        "dependency:copy-dependencies",
        "-DoutputDirectory=lib",
        "-DincludeScope=runtime",
      ],
      { cwd: "scripts/kafka" },
    );
  },
]);
steps.push([
  "native benchmark peers (Go and Rust release builds, for the summary below)",
  () => run("node", ["bench/native.mjs", "build"]),
]);
steps.push(["main job: codecs tour", () => run(pnpm, ["run", "demo"])]);
steps.push([
  "main job: benchmark summary (SDK against protobuf-es, protobufjs, cbor-x, JSON, Go and Rust peers)",
  () => run("node", ["bench/summary.mjs"]),
]);

for (const [name, step] of steps) {
  console.log(`\n▶ ${name}`);
  if (!step()) {
    console.error(`\n✗ bootstrap failed at: ${name}`);
    process.exit(1);
  }
}
console.log("\n✓ bootstrap done");
