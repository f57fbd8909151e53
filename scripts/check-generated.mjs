// Regenerates the committed generated code and fails when it changed: the
// committed code must be exactly what `buf generate` writes from proto/.
import { spawnSync } from "node:child_process";
import { pnpm, run } from "./run.mjs";

const generated = [
  "packages/protobuf/src/gen",
  "packages/cbor/src/gen",
  "packages/core/src/gen",
  "packages/cli/src/gen",
];
if (!run(pnpm, ["exec", "buf", "generate"])) process.exit(1);
const diff = spawnSync("git", ["status", "--porcelain", "--", ...generated], { encoding: "utf8" });
if (diff.status !== 0) {
  console.error("git status failed; cannot check generated code");
  process.exit(1);
}
if (diff.stdout.trim() !== "") {
  console.error(`Generated code is stale; run \`pnpm generate\` and commit:\n${diff.stdout}`);
  process.exit(1);
}
console.log("generated code is up to date");
