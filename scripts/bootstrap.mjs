// `pnpm run bootstrap`: everything a fresh machine needs, then the main job.
// Installs node packages (frozen lockfile), builds every package, fetches Go
// modules and Rust crates when those toolchains are present (the cross-language
// fixtures and the trace-context services need them), then runs the main job: the codecs tour
// and a short benchmark summary (bench/summary.mjs).
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
