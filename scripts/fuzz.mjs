// `pnpm fuzz [--long] [--runs N] [--seed S]`: the fuzz suite (test/fuzz).
// Default: the CI budget, 20,000 inputs per target from the fixed seed.
// --long: a soak of 1,000,000 inputs per target from a random seed (printed);
// any failing input is written to test/regressions/ and becomes a permanent test.
import { parseArgs } from "node:util";
import { pnpm, run } from "./run.mjs";

const { values } = parseArgs({
  options: {
    long: { type: "boolean", default: false },
    runs: { type: "string" },
    seed: { type: "string" },
  },
});
const runs = values.runs ?? (values.long ? "1000000" : "20000");
const seed =
  values.seed ?? (values.long ? String(Math.floor(Math.random() * 2 ** 31)) : "20261121");
console.log(`fuzz: ${runs} inputs per target, seed ${seed}`);
const ok = run(pnpm, ["exec", "vitest", "run", "test/fuzz/fuzz.test.ts"], {
  env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed },
});
process.exit(ok ? 0 : 1);
