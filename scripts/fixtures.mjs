// `pnpm fixtures`: regenerates the test vectors and every producer's fixtures
// (Go, Rust, TypeScript). `pnpm fixtures --check` then fails when anything
// committed differs from what the producers write now (CI runs it).
import { spawnSync } from "node:child_process";
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
