// `pnpm fixtures`: regenerates the test vectors and every producer's fixtures
// (Go, Rust, TypeScript). `pnpm fixtures --check` then fails when anything
// committed differs from what the producers write now (CI runs it).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { has, isCI, pnpm, run } from "./run.mjs";

const check = process.argv.includes("--check");
const watched = ["test/vectors", "test/fixtures"];

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
// from seed 1 by every language; the protobuf and deterministic CBOR streams must be
// byte-identical across languages.
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
for (const [name] of REGISTRY_SETS) {
  for (const file of ["fixtures-protobuf.bin", "fixtures-cbor.bin"]) {
    const ts = readFileSync(`test/fixtures/registry/ts/${name}/${file}`);
    for (const language of ["go", "rust"]) {
      const path = `test/fixtures/registry/${language}/${name}/${file}`;
      if (!existsSync(path) || !ts.equals(readFileSync(path))) {
        console.error(`${path} is missing or differs from the TypeScript generator's bytes`);
        ok = false;
      }
    }
  }
}
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
