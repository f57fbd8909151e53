// Audits the production dependency tree with `pnpm audit --prod`. Fails on a
// high or critical advisory; where the registry's audit endpoint does not
// answer (this workplace's registry mirror returns 405), says so and passes.
import { spawnSync } from "node:child_process";
import { pnpm } from "./run.mjs";

const result = spawnSync(pnpm, ["audit", "--prod", "--json"], { encoding: "utf8" });
if (result.error) {
  // Run directly (not through `pnpm test`), pnpm may not be on PATH.
  console.error(
    `dependency audit: could not run ${pnpm} (${result.error.message}); run it through pnpm, e.g. \`npx pnpm@12.21.0 exec node scripts/audit.mjs\``,
  );
  process.exit(1);
}
const output = `${result.stdout}${result.stderr}`;
if (/ERR_PNPM_AUDIT_BAD_RESPONSE|ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN/.test(output)) {
  console.log("dependency audit: the registry's audit endpoint did not answer; skipped");
  process.exit(0);
}
let report;
try {
  report = JSON.parse(result.stdout);
} catch {
  console.error(`dependency audit: unreadable answer:\n${output.slice(0, 2000)}`);
  process.exit(1);
}
const v = report?.metadata?.vulnerabilities;
if (v === undefined) {
  console.error(
    `dependency audit: no vulnerability summary in the answer:\n${output.slice(0, 2000)}`,
  );
  process.exit(1);
}
console.log(`dependency audit: ${JSON.stringify(v)}`);
process.exit((v.high ?? 0) + (v.critical ?? 0) > 0 ? 1 : 0);
