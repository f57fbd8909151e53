import { defineConfig } from "vitest/config";

// Tests import the public package names; the "@envelope/source" export
// condition points them at src/, so `pnpm test` needs no build step.
export default defineConfig({
  resolve: { conditions: ["@envelope/source"] },
  ssr: { resolve: { conditions: ["@envelope/source"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts", "examples/**/*.test.ts"],
    pool: "forks",
    // A hang deadline, not a speed check: property tests on a loaded 2-core
    // machine can pass vitest's 5 s default without anything being wrong.
    testTimeout: 60_000,
  },
});
