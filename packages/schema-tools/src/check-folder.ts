/**
 * `schema check`: checks a whole schemas folder for CI, against the same
 * folder on a git ref (default `main`) or another folder, the way `buf
 * breaking` does for proto files: descriptors parse, published versions are
 * unchanged and only ever appended to, new versions bump enough and keep
 * their event's compatibility mode, transforms are declared between
 * consecutive versions, and the index is fresh.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#compatibility | docs/spec.md} "Schema registry", "Compatibility"
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  buildIndex,
  type CompatibilityMode,
  compareVersions,
  createRegistry,
  eventId,
  type FieldDescriptor,
  INDEX_FILE,
  keyFromPath,
  type ParsedDescriptor,
  predecessorOf,
  readSchemasFolder,
  type SchemaDescriptor,
  type SchemaFile,
  type SchemaKey,
  schemaId,
} from "@envelope/registry";
import { type CompatibilityResult, checkCompatibility, removalDates } from "./compat.js";
import { readFolderAtRef } from "./git.js";

/** Codes of the problems `schema check` reports. */
export type FolderProblemCode =
  /** A descriptor does not parse or is misplaced. */
  | "invalid_descriptor"
  /** A version published on the base ref was changed (published versions are immutable). */
  | "version_modified"
  /** A version published on the base ref was deleted. */
  | "version_deleted"
  /** A new version sorts below a published version of its event (versions are append-only). */
  | "version_inserted"
  /** The version bump is smaller than the changes need. */
  | "bump_too_small"
  /** A change breaks the event's compatibility mode, or is refused in every mode. */
  | "incompatible"
  /** Transforms that do not start at the previous version, or rename or move keys the previous version lacks. */
  | "bad_transform"
  /** `index.json` is missing or does not match the descriptors (run `schema gen`). */
  | "index_stale"
  /** The event's latest version still declares a field whose deprecation's `removalDate` has come. */
  | "removal_date_passed"
  /** A warning: the event's latest version declares a field to be removed by a date still to come. */
  | "removal_scheduled";

/** One problem, located in a file. */
export interface FolderProblem {
  readonly code: FolderProblemCode;
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  /** JSON path in the file, when there is one. */
  readonly path?: string;
  readonly message: string;
}

/** Options of {@link checkSchemasFolder}. */
export interface FolderCheckOptions {
  /**
   * What to compare with: a git ref, or the path of another schemas folder
   * (an existing directory); `null` checks every version as new, without
   * git. Default `"main"`.
   */
  readonly against?: string | null;
  /** A floor for every event's compatibility mode: it can raise an event's mode, never lower it. */
  readonly mode?: CompatibilityMode;
  /** Require `index.json` to exist and be fresh. Default `true`. */
  readonly requireIndex?: boolean;
  /** The clock for removal dates: today is this instant's UTC date. Default: now. */
  readonly now?: Date;
}

/** What {@link checkSchemasFolder} returns. */
export interface FolderCheckResult {
  /** No problems. */
  readonly ok: boolean;
  readonly problems: readonly FolderProblem[];
  /** What does not fail the check but soon will: `removal_scheduled`. */
  readonly warnings: readonly FolderProblem[];
  /** The versions checked as new (not on the base ref). */
  readonly checked: readonly SchemaKey[];
  /** The compatibility result of each version checked. */
  readonly results: readonly CompatibilityResult[];
  /** The base ref, or `null`. */
  readonly against: string | null;
}

/** Formats a problem as `file:line:column: [code] message`. */
export function formatFolderProblem(p: FolderProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}:${p.column ?? 1}`;
  return `${where}: [${p.code}] ${p.message}${p.path === undefined ? "" : ` (at ${p.path})`}`;
}

/**
 * Checks the schemas folder `dir`. Never throws for problems in the folder
 * (they are returned); throws `invalid_argument` when `dir` cannot be read or
 * `against` names neither a folder nor a commit of the repository (a usage
 * problem, with a hint on fetching the ref, not a schema failure).
 */
export async function checkSchemasFolder(
  dir: string,
  options: FolderCheckOptions = {},
): Promise<FolderCheckResult> {
  const against = options.against === undefined ? "main" : options.against;
  const problems: FolderProblem[] = [];
  const folder = readSchemasFolder(dir);
  for (const p of folder.problems) problems.push({ code: "invalid_descriptor", ...p });

  if (options.requireIndex ?? true) {
    const indexFile = join(dir, INDEX_FILE);
    const fresh = buildIndex(folder.files.map((f) => ({ path: f.path, bytes: f.text })));
    if (!existsSync(indexFile)) {
      problems.push({ code: "index_stale", file: indexFile, message: "missing; run `schema gen`" });
    } else if (readFileSync(indexFile, "utf8") !== fresh) {
      problems.push({
        code: "index_stale",
        file: indexFile,
        message: "does not match the descriptors; run `schema gen`",
      });
    }
  }

  const base = against === null ? undefined : readBase(dir, against);
  const byPath = new Map(folder.files.map((f) => [f.path, f]));
  if (base !== undefined) {
    for (const [path, text] of base) {
      const now = byPath.get(path);
      if (now === undefined) {
        problems.push({
          code: "version_deleted",
          file: join(dir, path),
          message: `published on ${against} and deleted; published versions are immutable`,
        });
      } else if (!sameJson(text, now.parsed)) {
        problems.push({
          code: "version_modified",
          file: now.file,
          line: 1,
          column: 1,
          message: `differs from ${against}; a published version is immutable: publish a new version instead`,
        });
      }
    }
  }

  // The highest published version of each event: new versions go above it.
  const published = new Map<string, string>();
  for (const path of base?.keys() ?? []) {
    const key = keyFromPath(path);
    if (key === undefined) continue;
    const id = eventId(key);
    const top = published.get(id);
    if (top === undefined || compareVersions(key.version, top) > 0) published.set(id, key.version);
  }

  const valid = folder.files.filter((f) => f.parsed.descriptor !== undefined);
  const registry = createRegistry(valid.map((f) => f.parsed.descriptor!));
  const checked: SchemaKey[] = [];
  const results: CompatibilityResult[] = [];
  for (const file of valid) {
    if (base?.has(file.path)) continue;
    const d = file.parsed.descriptor!;
    checked.push({ type: d.type, subtype: d.subtype, version: d.version });
    const at = (path: string): Pick<FolderProblem, "file" | "line" | "column" | "path"> => {
      const pos = file.parsed.locate(path);
      return pos === undefined
        ? { file: file.file, path }
        : { file: file.file, line: pos.line, column: pos.column, path };
    };
    const top = published.get(eventId(d));
    if (top !== undefined && compareVersions(d.version, top) < 0) {
      problems.push({
        code: "version_inserted",
        ...at("$.version"),
        message: `${d.version} is new but ${against} already publishes ${eventId(d)} ${top}: versions are append-only, publish a version above ${top}`,
      });
    }
    problems.push(...checkTransforms(registry, d, at));
    const result = checkCompatibility(registry, d, options.mode);
    results.push(result);
    const prev = result.previous;
    if (prev !== undefined && !prev.ok) {
      const needed = prev.changes.filter((c) => c.bump === prev.requiredBump);
      problems.push({
        code: "bump_too_small",
        ...at("$.version"),
        message: `${schemaId(prev.from)} -> ${d.version} is a ${prev.declaredBump === "none" ? "non-increasing" : prev.declaredBump} bump, but the changes need ${prev.requiredBump}: ${needed.map((c) => `${c.path}: ${c.message}`).join("; ")}`,
      });
    }
    for (const v of result.violations) {
      problems.push({
        code: "incompatible",
        ...at(v.change.kind.startsWith("compatibility_mode") ? "$.compatibility" : "$.version"),
        message:
          v.direction === "refused"
            ? `refused in every mode, against ${schemaId(v.against)}: ${v.change.path}: ${v.change.message} [${v.change.kind}]`
            : `not ${v.direction} compatible with ${schemaId(v.against)} (mode ${result.mode}): ${v.change.path}: ${v.change.message} [${v.change.kind}]`,
      });
    }
  }
  const warnings: FolderProblem[] = [];
  checkRemovalDates(valid, registry, utcDate(options.now ?? new Date()), problems, warnings);
  return { ok: problems.length === 0, problems, warnings, checked, results, against };
}

/** `YYYY-MM-DD` of an instant, in UTC. */
function utcDate(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/** Days from `a` to `b`, both `YYYY-MM-DD`. */
function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Removal dates, held against each event's latest version: a field it still
 * declares is a warning before its date and a problem from that day on (for
 * body fields the earliest date any version gave the key, through renames;
 * for extension fields the latest version's own).
 */
function checkRemovalDates(
  files: readonly SchemaFile[],
  registry: ReturnType<typeof createRegistry>,
  today: string,
  problems: FolderProblem[],
  warnings: FolderProblem[],
): void {
  const latest = new Map<string, SchemaFile>();
  for (const file of files) {
    const d = file.parsed.descriptor!;
    const top = latest.get(eventId(d))?.parsed.descriptor;
    if (top === undefined || compareVersions(d.version, top.version) > 0) {
      latest.set(eventId(d), file);
    }
  }
  for (const file of latest.values()) {
    const d = file.parsed.descriptor!;
    const dates = removalDates(registry, d);
    const fields: [FieldDescriptor, string, string][] = [];
    d.attributes.forEach((f, i) => {
      const date = dates.get(f.key);
      if (date !== undefined) fields.push([f, `$.attributes[${i}]`, date]);
    });
    d.extensions.forEach((e, i) => {
      e.attributes?.forEach((f, j) => {
        const date = f.deprecated?.removalDate;
        if (date !== undefined) fields.push([f, `$.extensions[${i}].attributes[${j}]`, date]);
      });
    });
    for (const [f, path, date] of fields) {
      const own = f.deprecated?.removalDate === date ? `${path}.deprecated.removalDate` : path;
      const pos = file.parsed.locate(own);
      const where =
        pos === undefined
          ? { file: file.file, path: own }
          : { file: file.file, line: pos.line, column: pos.column, path: own };
      const days = daysBetween(today, date);
      if (days <= 0) {
        problems.push({
          code: "removal_date_passed",
          ...where,
          message: `${JSON.stringify(f.key)} was to be removed by ${date}${days < 0 ? ` (${-days} day(s) ago)` : " (today)"}; ${schemaId(d)}, the latest version, still declares it: publish a version without it`,
        });
      } else {
        warnings.push({
          code: "removal_scheduled",
          ...where,
          message: `${JSON.stringify(f.key)} is to be removed by ${date} (in ${days} day(s)); ${schemaId(d)}, the latest version, still declares it`,
        });
      }
    }
  }
}

/** The descriptor files to compare with: another folder's, or the folder's at a git ref. */
function readBase(dir: string, against: string): Map<string, string> {
  if (existsSync(against) && statSync(against).isDirectory()) {
    const other = readSchemasFolder(against);
    return new Map(other.files.map((f) => [f.path, f.text]));
  }
  return readFolderAtRef(dir, against);
}

function checkTransforms(
  registry: ReturnType<typeof createRegistry>,
  d: SchemaDescriptor,
  at: (path: string) => Pick<FolderProblem, "file" | "line" | "column" | "path">,
): FolderProblem[] {
  const t = d.transforms;
  if (t === undefined) return [];
  const out: FolderProblem[] = [];
  const prevKey = predecessorOf(registry, d)!;
  const prev = registry.get(prevKey);
  if (prev === undefined) {
    return [
      {
        code: "bad_transform",
        ...at("$.transforms.from"),
        message: `starts from ${schemaId(prevKey)}, which is not in the folder`,
      },
    ];
  }
  const lower = registry
    .versions(prevKey)
    .filter(
      (v) =>
        prevKey.type !== d.type ||
        prevKey.subtype !== d.subtype ||
        compareVersions(v, d.version) < 0,
    );
  const latest = lower[lower.length - 1];
  if (latest !== prevKey.version) {
    out.push({
      code: "bad_transform",
      ...at("$.transforms.from"),
      message: `transforms are declared between consecutive versions: the version before ${d.version} is ${latest}, not ${prevKey.version}`,
    });
  }
  const prevKeys = new Set(prev.attributes.map((f) => f.key));
  const renamedSoFar = new Set(prevKeys);
  t.changes.forEach((change, i) => {
    if (change.kind === "rename_event") return;
    const pairs = change.kind === "rename_attributes" ? change.renames : change.moves;
    for (const [from, to] of pairs) {
      if (!renamedSoFar.has(from)) {
        out.push({
          code: "bad_transform",
          ...at(`$.transforms.changes[${i}]`),
          message: `${change.kind} names ${JSON.stringify(from)}, which ${schemaId(prevKey)} does not declare`,
        });
      }
      if (change.kind === "rename_attributes") renamedSoFar.add(to);
    }
  });
  return out;
}

function sameJson(text: string, now: ParsedDescriptor): boolean {
  let before: unknown;
  try {
    before = JSON.parse(text);
  } catch {
    return false;
  }
  return canonical(before) === canonical(now.json);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
