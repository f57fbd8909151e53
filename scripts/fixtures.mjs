// `pnpm fixtures`: regenerates the test vectors and every producer's fixtures
// (Go, Rust, TypeScript). `pnpm fixtures --check` then fails when anything
// committed differs from what the producers write now (CI runs it).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { has, isCI, pnpm, run } from "./run.mjs";

const check = process.argv.includes("--check");
const watched = ["test/vectors", "test/fixtures"];
/** test/fixtures/registry/mixed/<language>, from test/producers/<language>. */
const MIXED_OUT = "../../fixtures/registry/mixed";

const steps = [
  ["go", "test vectors (Go)", ["run", "./cmd/vectors"], "test/producers/go"],
  ["go", "Go fixtures", ["run", "./cmd/produce"], "test/producers/go"],
  [
    "cargo",
    "Rust fixtures",
    ["run", "--locked", "--quiet", "--bin", "produce"],
    "test/producers/rust",
  ],
  ["go", "registry fixtures (Go bindings)", ["run", "./cmd/fixtures"], "test/producers/go"],
  [
    "cargo",
    "registry fixtures (Rust bindings)",
    ["run", "--locked", "--quiet", "--bin", "fixtures"],
    "test/producers/rust",
  ],
  // The mixed capture of packages/cli/test/aggregate.test.ts: the examples sample
  // with each producer's own language in the headers (docs/spec.md, "Fixtures").
  [
    "go",
    "registry fixtures, language go",
    ["run", "./cmd/fixtures", "--set", "examples", "--language", "go", "--out", `${MIXED_OUT}/go`],
    "test/producers/go",
  ],
  [
    "cargo",
    "registry fixtures, language rust",
    [
      "run",
      "--locked",
      "--quiet",
      "--bin",
      "fixtures",
      "--",
      "--set",
      "examples",
      "--language",
      "rust",
      "--out",
      `${MIXED_OUT}/rust`,
    ],
    "test/producers/rust",
  ],
];
let ok = true;
for (const [tool, name, args, cwd] of steps) {
  console.log(`▶ ${name}`);
  if (!has(tool)) {
    console.log(`  ${tool} is not installed: ${name} not regenerated`);
    if (isCI) ok = false;
    continue;
  }
  ok = run(tool, args, { cwd }) && ok;
}
console.log("▶ TypeScript fixtures");
ok =
  run(pnpm, ["run", "build"], { stdio: "ignore" }) &&
  run("node", ["test/producers/ts/produce.mjs"]) &&
  ok;

// Registry fixtures (docs/spec.md, "Fixtures"): one sample per schemas folder, drawn
// from seed 1 by every language; the protobuf and deterministic CBOR streams and
// expected.json must be byte-identical across languages.
const REGISTRY_SETS = [
  ["examples", "schemas", "8"],
  ["rules", "test/fixtures/registry/schemas", "64"],
];
console.log("▶ registry fixtures (TypeScript)");
for (const [name, dir, count] of REGISTRY_SETS) {
  ok =
    run("node", [
      "packages/cli/dist/bin.js",
      "schema",
      "fixtures",
      dir,
      "--out",
      `test/fixtures/registry/ts/${name}`,
      "--count",
      count,
    ]) && ok;
}
// The TypeScript third of the mixed capture, in JSON (Go's is read as protobuf, Rust's as CBOR).
ok =
  run("node", [
    "packages/cli/dist/bin.js",
    "schema",
    "fixtures",
    "schemas",
    "--out",
    "test/fixtures/registry/mixed/ts/examples",
    "--codec",
    "json",
    "--language",
    "typescript",
  ]) && ok;
const sameAsTypeScript = (ts, others) => {
  for (const path of others) {
    if (!existsSync(path) || !readFileSync(ts).equals(readFileSync(path))) {
      console.error(`${path} is missing or differs from the TypeScript generator's bytes`);
      ok = false;
    }
  }
};
for (const [name] of REGISTRY_SETS) {
  for (const file of ["fixtures-protobuf.bin", "fixtures-cbor.bin", "expected.json"]) {
    sameAsTypeScript(
      `test/fixtures/registry/ts/${name}/${file}`,
      ["go", "rust"].map((language) => `test/fixtures/registry/${language}/${name}/${file}`),
    );
  }
}
// The mixed capture's samples differ by language; their expected aggregates do not.
sameAsTypeScript(
  "test/fixtures/registry/mixed/ts/examples/expected.json",
  ["go", "rust"].map(
    (language) => `test/fixtures/registry/mixed/${language}/examples/expected.json`,
  ),
);
if (ok) console.log("registry fixtures: every language wrote the same bytes");

if (ok && check) {
  const status = spawnSync("git", ["status", "--porcelain", "--", ...watched], {
    encoding: "utf8",
  });
  if (status.status !== 0 || status.stdout.trim() !== "") {
    console.error(
      `Regenerated fixtures differ from the committed ones (run pnpm fixtures and commit):\n${status.stdout}`,
    );
    ok = false;
  } else {
    console.log("fixtures and vectors are byte-identical to the committed ones");
  }
}
process.exit(ok ? 0 : 1);
