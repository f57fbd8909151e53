// IMPORTANT: exports added here are public API of @envelope/registry.
// The runtime a producer or consumer needs: descriptors, sources, validation,
// defaults, redaction, transforms. The tooling (compatibility checks, folder
// checks, git, code and fixture generation) is @envelope/schema-tools.

export type {
  CheckerOptions,
  CheckStats,
  RegistryCheck,
  SchemaResolver,
  ViolationLogEntry,
  ViolationLogOptions,
} from "./checker.js";
export { checkEnvelope, createChecker } from "./checker.js";
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
export type { RegistryErrorCode } from "./errors.js";
export { isRegistryError, REGISTRY_ERROR_CODES, RegistryError } from "./errors.js";
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
export { codePointLength, ruleViolations, showValue } from "./rules.js";
export type { Bump, VersionRange } from "./semver.js";
export { bumpRank, compareVersions, declaredBump, maxBump, parseRange } from "./semver.js";
export type { SchemaFile, SchemasFolder } from "./sources/directory.js";
export { directorySource, readSchemasFolder } from "./sources/directory.js";
export type { HttpSource, HttpSourceOptions } from "./sources/http.js";
export { httpSource } from "./sources/http.js";
export { buildIndex, INDEX_FILE, keyFromPath, parseIndex } from "./sources/index-file.js";
export type { SchemaSource, SourceEntry, SourceListing } from "./sources/source.js";
export type { TransformLookup, TransformTarget } from "./transform.js";
export { predecessorOf, transformChain, transformEnvelope } from "./transform.js";
export type { ValidationPolicy } from "./validate.js";
export { validateAgainst } from "./validate.js";
