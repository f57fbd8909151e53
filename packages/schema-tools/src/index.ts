// IMPORTANT: exports added here are public API of @envelope/schema-tools.
// The schema registry's tooling, for CI and build steps: compatibility checks,
// schemas-folder checks (against git), code generation (TypeScript, Go, Rust)
// and fixture generation. `envelope schema check|diff|gen|fixtures`
// (@envelope/cli) is its command line. What runs in producers and consumers
// is @envelope/registry.

export type {
  FolderCheckOptions,
  FolderCheckResult,
  FolderProblem,
  FolderProblemCode,
} from "./check-folder.js";
export { checkSchemasFolder, formatFolderProblem } from "./check-folder.js";
export type { CodegenOptions } from "./codegen.js";
export { generateBuilders } from "./codegen.js";
export type { BindingSource, GoCodegenOptions } from "./codegen-go.js";
export { generateGo } from "./codegen-go.js";
export type { RustCodegenOptions } from "./codegen-rust.js";
export { generateRust } from "./codegen-rust.js";
export type {
  ChangeKind,
  ChangeRule,
  CompatibilityResult,
  CompatibilityViolation,
  DiffOptions,
  SchemaChange,
  SchemaDiff,
} from "./compat.js";
export {
  CHANGE_RULES,
  checkCompatibility,
  diffSchemas,
  modeViolations,
  removalDates,
  strictestMode,
} from "./compat.js";
export type {
  FixtureCodec,
  FixtureOptions,
  FixtureSet,
  NumericAggregate,
} from "./fixtures.js";
export {
  encodeFixtures,
  FIXTURE_ALPHABET,
  FIXTURE_BASE_TIME,
  FIXTURE_PRODUCER,
  FIXTURE_SERVICE,
  fixturesSummary,
  fnv1a64,
  generateFixtures,
  SplitMix64,
} from "./fixtures.js";
export type { GenerateFolderOptions, GenerateFolderResult } from "./generate-folder.js";
export { generateSchemasFolder } from "./generate-folder.js";
export { readFolderAtRef } from "./git.js";
