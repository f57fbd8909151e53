// Runs one hostile-input case in this process and prints one JSON line:
// { outcome: "ok", value, ms, peakRss } or { outcome: "error", name, code, message, ms, peakRss }.
// Usage: node --max-old-space-size=256 test/hostile/child.mjs <case file> <case name>

import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [file, name] = process.argv.slice(2);
const { cases } = await import(pathToFileURL(resolve(file)).href);
const one = cases.find((c) => c.name === name);
if (one === undefined) {
  console.log(JSON.stringify({ outcome: "missing", name }));
  process.exit(2);
}
const input = await one.build();
const started = performance.now();
let result;
try {
  const value = await one.run(input);
  result = { outcome: "ok", value };
} catch (error) {
  result = {
    outcome: "error",
    name: error?.name ?? typeof error,
    code: error?.code,
    message: String(error?.message ?? error).slice(0, 500),
  };
}
result.ms = Math.round(performance.now() - started);
result.peakRss = process.resourceUsage().maxRSS * 1024;
console.log(JSON.stringify(result, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)));
