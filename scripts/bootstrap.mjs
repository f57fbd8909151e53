// `pnpm run bootstrap`: everything a fresh machine needs, then the main job.
// Installs node packages (frozen lockfile), builds every package, fetches Go
// modules and Rust crates when those toolchains are present (the cross-language
// fixtures and the trace-context services need them), installs Chromium for the
// browser tests, builds the OpenTelemetry Collector the OTLP tests run against
// (cached), then runs the main job: the codecs tour.
import { existsSync } from "node:fs";
import { has, isCI, pnpm, run } from "./run.mjs";

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
        console.log(
          `  ${tool} is not installed: the ${tool} producer and its tests will be skipped${isCI ? " (CI requires it)" : ""}`,
        );
        return !isCI;
      }
      return run(tool, args, { cwd: dir });
    },
  ]);
}
steps.push([
  "Python cbor2 for the CBOR interop test (.venv)",
  () => {
    if (!has("python3")) {
      console.log(
        `  python3 is not installed: the cbor2 interop test will be skipped${isCI ? " (CI requires it)" : ""}`,
      );
      return !isCI;
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
      console.log(
        `  apt-get is not available: install Chromium at /usr/bin/chromium; the browser tests will be skipped${isCI ? " (CI requires it)" : ""}`,
      );
      return !isCI;
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
      console.log(
        `  go is not installed: the OTLP Collector tests will be skipped${isCI ? " (CI requires it)" : ""}`,
      );
      return !isCI;
    }
    return run("node", ["scripts/collector/build.mjs"]);
  },
]);
steps.push([
  "Python duckdb and pyarrow for the Arrow/Parquet export test (.venv)",
  () => {
    if (!has("python3")) {
      console.log(
        `  python3 is not installed: the DuckDB export test will be skipped${isCI ? " (CI requires it)" : ""}`,
      );
      return !isCI;
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
      console.log(
        `  java or mvn is not installed: the Kafka tests will be skipped${isCI ? " (CI requires them)" : ""}`,
      );
      return !isCI;
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
steps.push(["main job: codecs tour", () => run(pnpm, ["run", "demo"])]);

for (const [name, step] of steps) {
  console.log(`\n▶ ${name}`);
  if (!step()) {
    console.error(`\n✗ bootstrap failed at: ${name}`);
    process.exit(1);
  }
}
console.log("\n✓ bootstrap done");
