// `buf breaking` against main (FILE category, see buf.yaml and docs/spec.md
// "Evolution"). Skipped with a message where there is no git history to compare.
import { spawnSync } from "node:child_process";
import { pnpm, run } from "./run.mjs";

const hasMain =
  spawnSync("git", ["rev-parse", "--verify", "--quiet", "main"], { stdio: "ignore" }).status === 0;
if (!hasMain) {
  console.log("buf breaking: no local branch main to compare against; skipped");
  process.exit(0);
}
process.exit(run(pnpm, ["exec", "buf", "breaking", "--against", ".git#branch=main"]) ? 0 : 1);
