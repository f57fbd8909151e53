// IMPORTANT: exports added here are public API of @envelope/registry.

export type {
  FolderCheckOptions,
  FolderCheckResult,
  FolderProblem,
  FolderProblemCode,
} from "./check-folder.js";
export { checkSchemasFolder, formatFolderProblem } from "./check-folder.js";
export type {
  CheckerOptions,
  CheckStats,
  RegistryCheck,
  SchemaResolver,
  ViolationLogEntry,
  ViolationLogOptions,
} from "./checker.js";
export { checkEnvelope, createChecker } from "./checker.js";
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
export type { CompiledSchema } from "./compile.js";
export { compileSchema } from "./compile.js";
export { applyDefaults } from "./defaults.js";
export type {
  CompatibilityMode,
  Deprecation,
  EventName,
  ExtensionDescriptor,
  FieldDescriptor,
  Presence,
  ScalarTypeName,
  SchemaDescriptor,
  SchemaKey,
  TransformChange,
  TransformsDescriptor,
  ValueRuleName,
  ValueType,
} from "./descriptor.js";
export {
  COMPATIBILITY_MODES,
  carriesArray,
  eventId,
  formatType,
  parseType,
  ruleValueType,
  schemaId,
  VALUE_RULE_NAMES,
} from "./descriptor.js";
export type { DualEmitOptions, DualEmitStats, DualEmitter, Emitted } from "./dual-emit.js";
export { createDualEmitter } from "./dual-emit.js";
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
export type { SchemaIssue, SchemaIssueCode } from "./issues.js";
export { SCHEMA_ISSUE_CODES } from "./issues.js";
export type { TextPosition } from "./json-positions.js";
export type { DescriptorProblem, ParsedDescriptor } from "./parse-descriptor.js";
export {
  DESCRIPTOR_PROPERTY_NAMES,
  formatProblem,
  isIsoDate,
  isValidName,
  parseDescriptor,
  readDescriptor,
} from "./parse-descriptor.js";
export type { CompiledRedaction, RedactAction, RedactionPolicy } from "./redact.js";
export { compileRedaction, redactEnvelope } from "./redact.js";
export type { RefreshReport, Registry } from "./registry.js";
export { createRegistry, loadRegistry, openRegistry } from "./registry.js";
export type { RuleViolation } from "./rules.js";
export { codePointLength, ruleViolations } from "./rules.js";
export type { CliIo } from "./run-cli.js";
export { runSchemaCli, SCHEMA_USAGE } from "./run-cli.js";
export type { Bump, VersionRange } from "./semver.js";
export { compareVersions, declaredBump, parseRange } from "./semver.js";
export type { SchemaFile, SchemasFolder } from "./sources/directory.js";
export { directorySource, readSchemasFolder } from "./sources/directory.js";
export type { HttpSource, HttpSourceOptions } from "./sources/http.js";
export { httpSource } from "./sources/http.js";
export { buildIndex, INDEX_FILE, parseIndex } from "./sources/index-file.js";
export type { SchemaSource, SourceEntry, SourceListing } from "./sources/source.js";
export type { TransformLookup, TransformTarget } from "./transform.js";
export { predecessorOf, transformChain, transformEnvelope } from "./transform.js";
export type { ValidationPolicy } from "./validate.js";
export { validateAgainst } from "./validate.js";
