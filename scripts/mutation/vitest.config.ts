// The vitest configuration of a mutation run (scripts/mutate.mjs): only the
// tests of the package named by ENVELOPE_MUTATE_PACKAGE, with the workspace
// packages resolved inside Stryker's sandbox.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";
import { CollectionFailures } from "./collection-failures.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const name = process.env.ENVELOPE_MUTATE_PACKAGE;
if (name === undefined || name === "") {
  throw new Error("ENVELOPE_MUTATE_PACKAGE is not set: run mutation tests with `pnpm mutate`");
}

// Stryker copies the sources into a sandbox but links node_modules back to
// this checkout, so `@envelope/x` would resolve to the unmutated files. Alias
// every export's "@envelope/source" entry to the copy that sits next to this file.
const alias = readdirSync(`${root}packages`).flatMap((dir) => {
  const manifest = JSON.parse(readFileSync(`${root}packages/${dir}/package.json`, "utf8"));
  return Object.entries(manifest.exports ?? {}).flatMap(([subpath, conditions]) => {
    const source = (conditions as Record<string, string>)["@envelope/source"];
    if (source === undefined) return [];
    const specifier = manifest.name + subpath.slice(1);
    return [
      {
        find: new RegExp(`^${specifier.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`),
        replacement: `${root}packages/${dir}/${source.slice(2)}`,
      },
    ];
  });
});

export default defineConfig({
  resolve: { alias, conditions: ["@envelope/source"] },
  ssr: { resolve: { conditions: ["@envelope/source"] } },
  test: {
    include: [`packages/${name}/test/**/*.test.ts`],
    // Agreement with another implementation (cbor's with Python's cbor2) needs
    // that toolchain, which the sandbox leaves out; under CI=true its check for
    // the toolchain would fail the initial run. `pnpm test` runs it.
    exclude: [...configDefaults.exclude, "**/interop-*.test.ts"],
    // Instrumented code on a shared machine runs several times slower than
    // usual: a generous hang deadline, so the initial run does not fail on a
    // property test (Stryker times out a mutant from the measured test times).
    testTimeout: 60_000,
    reporters: [new CollectionFailures()],
  },
});
