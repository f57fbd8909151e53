// What `pnpm mutate` mutates and tests, per package, and the floors CI holds.
// Each package is mutated against its own tests only (packages/<name>/test):
// a score says how well a package's own suite notices its bugs.

/**
 * @typedef {object} PackageConfig
 * @property {Record<string, number>} floors lowest accepted mutation score
 *   (percent) per source file, or per package under the key "*".
 */

/** @type {Record<string, PackageConfig>} */
export const PACKAGES = {
  core: {
    floors: {
      "*": 92,
      "packages/core/src/validate.ts": 85,
      "packages/core/src/wire/frame.ts": 90,
    },
  },
  trace: {
    floors: {
      "*": 90,
      "packages/trace/src/traceparent.ts": 90,
      "packages/trace/src/tracestate.ts": 90,
      "packages/trace/src/carriers.ts": 90,
    },
  },
  registry: {
    floors: {
      "packages/registry/src/semver.ts": 90,
      // What decides what is redacted, and the value rules: raised to 95%+ on 2026-12-06.
      "packages/registry/src/redact.ts": 95,
      "packages/registry/src/rules.ts": 90,
    },
  },
  "schema-tools": {
    floors: {
      "packages/schema-tools/src/compat.ts": 85,
    },
  },
  protobuf: { floors: { "*": 85 } },
  cbor: { floors: { "*": 95 } },
  lz4: { floors: { "*": 92 } },
};

/** Source files Stryker mutates in a package: everything but generated code and barrels. */
export function mutateGlobs(name) {
  return [
    `packages/${name}/src/**/*.ts`,
    `!packages/${name}/src/**/*.d.ts`,
    `!packages/${name}/src/gen/**`,
    `!packages/${name}/src/**/index.ts`,
  ];
}

/** Where the incremental state of a package lives (committed, so CI reuses it). */
export function stateFile(name) {
  return `scripts/mutation/state/${name}.json`;
}
