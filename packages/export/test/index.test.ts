/**
 * The main entry point stays browser-safe: no module reachable from
 * src/index.ts imports a `node:` module (the node:http receiver is in
 * @envelope/export/node).
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";

const src = new URL("../src/", import.meta.url);

function imports(file: string): string[] {
  const text = readFileSync(new URL(file, src), "utf8");
  return [...text.matchAll(/^(?:import|export)[^;]*? from "([^"]+)";/gms)].map((m) => m[1]!);
}

test("no node: import is reachable from the main entry point", () => {
  const seen = new Set<string>();
  const queue = ["index.ts"];
  const external = new Set<string>();
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const spec of imports(file)) {
      if (spec.startsWith("./")) queue.push(spec.slice(2).replace(/\.js$/, ".ts"));
      else external.add(spec);
    }
  }
  expect([...seen].sort()).toEqual([
    "exporter.ts",
    "http-receiver.ts",
    "http-report.ts",
    "http-transport.ts",
    "index.ts",
    "meta.ts",
    "retry-after.ts",
    "transport.ts",
  ]);
  expect([...external].sort()).toEqual(["@envelope/core", "@envelope/sdk", "@envelope/trace"]);
  expect(imports("node.ts")).toContain("node:http");
});
