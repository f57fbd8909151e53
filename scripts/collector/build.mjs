// Builds the Collector distribution the OTLP tests run against (builder-config.yaml)
// with the OpenTelemetry Collector Builder, and caches the binary in build/.
// The builder's own `go mod tidy` fails on a test-only dependency of contrib's
// file exporter that the Go proxy does not serve, so the builder only writes the
// sources and go.mod (--skip-compilation; output_path in the config is relative
// to this folder): it still runs its `go mod tidy` and exits 1 when that fails,
// so its exit status is ignored when go.mod and main.go were written. This script
// then runs `go mod tidy -e` (which reports the missing test dependency and goes
// on) and `go build`. (--skip-get-modules would skip the tidy but also go.mod.)
// The build is skipped when build/envelope-otelcol exists and build/key matches a
// hash of the builder config, the builder version and the Go version.
// Usage: node scripts/collector/build.mjs [--force]
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const BUILDER_VERSION = "v0.165.0";
const here = dirname(fileURLToPath(import.meta.url));
const buildDir = join(here, "build");
/** The cached Collector binary. */
export const collectorBinary = join(buildDir, "envelope-otelcol");
const keyFile = join(buildDir, "key");

function go(args, cwd, env = {}) {
  const result = spawnSync("go", args, {
    cwd,
    stdio: "inherit",
    env: { ...process.env, ...env },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`go ${args.join(" ")} exited with ${result.status}`);
}

function cacheKey() {
  const goVersion = spawnSync("go", ["version"], { encoding: "utf8" }).stdout.trim();
  return createHash("sha256")
    .update(readFileSync(join(here, "builder-config.yaml")))
    .update(`\0${BUILDER_VERSION}\0${goVersion}`)
    .digest("hex");
}

/** Builds the Collector unless the cached binary matches; returns "cached" or "built". */
export function buildCollector({ force = false } = {}) {
  const key = cacheKey();
  if (
    !force &&
    existsSync(collectorBinary) &&
    existsSync(keyFile) &&
    readFileSync(keyFile, "utf8").trim() === key
  ) {
    return "cached";
  }
  const src = join(buildDir, "src");
  const bin = join(buildDir, "bin");
  rmSync(src, { recursive: true, force: true });
  rmSync(keyFile, { force: true });
  mkdirSync(bin, { recursive: true });
  go(["install", `go.opentelemetry.io/collector/cmd/builder@${BUILDER_VERSION}`], here, {
    GOBIN: bin,
  });
  const builder = spawnSync(
    join(bin, "builder"),
    ["--config", join(here, "builder-config.yaml"), "--skip-compilation"],
    { cwd: here, stdio: "inherit" },
  );
  if (builder.error) throw builder.error;
  if (builder.status !== 0) {
    if (!existsSync(join(src, "go.mod")) || !existsSync(join(src, "main.go"))) {
      throw new Error(`builder exited with ${builder.status} before writing the sources`);
    }
    console.log(
      "  (the builder's own go mod tidy failed, as expected: going on with go mod tidy -e)",
    );
  }
  go(["mod", "tidy", "-e"], src);
  go(["build", "-trimpath", "-ldflags=-s -w", "-o", collectorBinary, "."], src);
  writeFileSync(keyFile, `${key}\n`);
  return "built";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const outcome = buildCollector({ force: process.argv.includes("--force") });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    outcome === "cached"
      ? `  Collector binary is up to date (${collectorBinary})`
      : `  built ${collectorBinary} in ${seconds}s`,
  );
}
