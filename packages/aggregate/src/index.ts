// IMPORTANT: exports added here are public API of @envelope/aggregate.
export type {
  AggregateOptions,
  AggregateResult,
  Aggregator,
  GroupResult,
  Progress,
} from "./aggregate.js";
export { aggregate, createAggregator } from "./aggregate.js";
export type { SkippedCount, UnreadableCount } from "./counts.js";
export type { Dimension } from "./dimensions.js";
export { HEADER_DIMENSIONS, parseDimension, valueText } from "./dimensions.js";
export type { Exporter, ExportFile, ExportFormat, ExportOptions, ExportStats } from "./export.js";
export {
  createExporter,
  exportToFile,
  openExportFile,
  writeArrow,
  writeParquet,
} from "./export.js";
export { formatCsv, formatJson, formatTable, quantileLabel, resultToJson } from "./format.js";
export type {
  Normalised,
  NormaliseOptions,
  Normaliser,
  RefusalReason,
  Refused,
  TargetOption,
  UnknownEventPolicy,
} from "./normalise.js";
export { createNormaliser } from "./normalise.js";
export type { EnvelopeSource, SourceItem } from "./sources.js";
export { fileSource, readSources } from "./sources.js";
export type { NumericKind, ValueStats } from "./stats.js";
export { DEFAULT_RELATIVE_ACCURACY, NumericStat, SKETCH_BIN_LIMIT } from "./stats.js";
