// Native peers: the Go (testing.B) and Rust benchmarks of the producers, on the
// same fixture files, reported next to the SDK's figures as TS/Go and TS/Rust
// throughput ratios (no pass mark; see docs/interop.md for what they run).
import { spawnSync } from "node:child_process";

const root = new URL("../", import.meta.url);

function goCases(quick) {
  const run = spawnSync(
    "go",
    ["test", "-run", "^$", "-bench", "Native", "-benchtime", quick ? "200ms" : "1s", "./envelope/"],
    {
      cwd: new URL("test/producers/go/", root),
      encoding: "utf8",
    },
  );
  if (run.status !== 0) throw new Error(`go benchmarks failed:\n${run.stdout}\n${run.stderr}`);
  const cases = [];
  // BenchmarkNative/protobuf/decode/medium/lz4-2   1652   156453 ns/op   11.54 MB/s
  for (const m of run.stdout.matchAll(
    /^BenchmarkNative\/(\S+?)-\d+\s+\d+\s+([\d.]+) ns\/op\s+([\d.]+) MB\/s/gm,
  )) {
    const opsPerSec = 1e9 / Number(m[2]);
    cases.push({
      name: `go/${m[1]}`,
      opsPerSec,
      mbPerSec: Number(m[3]),
      bytes: Math.round((Number(m[3]) * 1e6) / opsPerSec),
    });
  }
  return cases;
}

function rustCases(quick) {
  const cwd = new URL("test/producers/rust/", root);
  const args = [
    "run",
    "--release",
    "--locked",
    "--quiet",
    "--bin",
    "bench",
    "--",
    "--time-ms",
    quick ? "200" : "1000",
  ];
  const run = spawnSync("cargo", args, { cwd, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`rust benchmarks failed:\n${run.stderr}`);
  return run.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line))
    .map((c) => ({ ...c, mbPerSec: (c.opsPerSec * c.bytes) / 1e6 }));
}

/** Runs both native suites; each case gets the ratio of the SDK's throughput to it. */
export function runNative({ quick, results }) {
  console.error(
    "running the Go and Rust benchmarks (the Rust one builds in release mode first) ...",
  );
  const cases = [...goCases(quick), ...rustCases(quick)];
  for (const c of cases) {
    const [lang, ...rest] = c.name.split("/");
    const ours = results.get(`sdk/${rest.join("/")}`);
    if (ours) {
      c.tsRatio = ours.opsPerSec / c.opsPerSec;
      c.ratio = `TS/${lang === "go" ? "Go" : "Rust"} ${c.tsRatio.toFixed(2)}x`;
    } else {
      c.ratio = "";
    }
  }
  return cases;
}
