/**
 * The directory source: `<dir>/<type>/<subtype>/<version>.json`. Files at the
 * root (`index.json`, `descriptor.schema.json`, READMEs) are not descriptors.
 *
 * @see {@link https://github.com/envelope-dev/envelope/blob/main/docs/spec.md#sources | docs/spec.md} "Schema registry", "Sources"
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { EnvelopeError } from "@envelope/core";
import type { SchemaDescriptor } from "../descriptor.js";
import {
  type DescriptorProblem,
  type ParsedDescriptor,
  parseDescriptor,
  problemsError,
  readDescriptor,
} from "../parse-descriptor.js";
import { compareEntries, keyFromPath } from "./index-file.js";
import type { SchemaSource, SourceEntry, SourceListing } from "./source.js";

/** One descriptor file of a folder. */
export interface SchemaFile {
  /** Relative to the folder, `type/subtype/version.json`. */
  readonly path: string;
  /** The path used in messages (the folder joined with `path`). */
  readonly file: string;
  /** The file's text. */
  readonly text: string;
  readonly parsed: ParsedDescriptor;
}

/** What {@link readSchemasFolder} returns. */
export interface SchemasFolder {
  /** Every descriptor file, sorted by type, subtype and version. */
  readonly files: readonly SchemaFile[];
  /** Every problem: malformed files, misplaced files, descriptors whose name or version disagree with their path. */
  readonly problems: readonly DescriptorProblem[];
}

/**
 * Reads every descriptor of a folder, synchronously, collecting every problem
 * (nothing is thrown for a bad file). Throws `invalid_argument` when `dir` is
 * not a directory.
 */
export function readSchemasFolder(dir: string): SchemasFolder {
  const problems: DescriptorProblem[] = [];
  const entries = listFolder(dir, problems);
  const files: SchemaFile[] = [];
  for (const entry of entries) {
    const file = join(dir, entry.path);
    const text = readFileSync(file, "utf8");
    const parsed = parseDescriptor(text, file);
    problems.push(...parsed.problems);
    const d = parsed.descriptor;
    if (d !== undefined) problems.push(...pathMismatch(d, entry, file));
    files.push({ path: entry.path, file, text, parsed });
  }
  return { files, problems };
}

function pathMismatch(d: SchemaDescriptor, entry: SourceEntry, file: string): DescriptorProblem[] {
  if (d.type === entry.type && d.subtype === entry.subtype && d.version === entry.version)
    return [];
  return [
    {
      file,
      path: "$",
      line: 1,
      column: 1,
      message: `declares ${d.type}/${d.subtype}@${d.version} but lives at ${entry.path} (expected ${d.type}/${d.subtype}/${d.version}.json)`,
    },
  ];
}

function listFolder(dir: string, problems: DescriptorProblem[]): SourceEntry[] {
  let top: string[];
  try {
    if (!statSync(dir).isDirectory()) throw new Error("not a directory");
    top = readdirSync(dir);
  } catch (error) {
    throw new EnvelopeError(
      "invalid_argument",
      `schemas folder ${dir} cannot be read: ${(error as Error).message}`,
    );
  }
  const out: SourceEntry[] = [];
  for (const type of top) {
    const typeDir = join(dir, type);
    if (!statSync(typeDir).isDirectory() || type.startsWith(".")) continue;
    for (const subtype of readdirSync(typeDir)) {
      const subDir = join(typeDir, subtype);
      if (!statSync(subDir).isDirectory()) {
        if (subtype.endsWith(".json")) {
          problems.push({
            file: subDir,
            path: "$",
            message: "a descriptor must live at type/subtype/MAJOR.MINOR.PATCH.json",
          });
        }
        continue;
      }
      for (const name of readdirSync(subDir)) {
        if (!name.endsWith(".json")) continue;
        const rel = `${type}/${subtype}/${name}`;
        const key = keyFromPath(rel);
        if (key === undefined) {
          problems.push({
            file: join(subDir, name),
            path: "$",
            message:
              "a descriptor must live at type/subtype/MAJOR.MINOR.PATCH.json (lowercase names)",
          });
          continue;
        }
        out.push(key);
      }
    }
  }
  return out.sort(compareEntries);
}

/**
 * A source reading a directory. `list()` walks the folder (a malformed
 * descriptor is found by `load`); `load()` reads and checks one file,
 * throwing `invalid_descriptor` with file, line and JSON path.
 */
export function directorySource(dir: string): SchemaSource {
  return {
    location: dir,
    async list(): Promise<SourceListing> {
      const problems: DescriptorProblem[] = [];
      const entries = listFolder(dir, problems);
      if (problems.length > 0) throw problemsError(problems, dir);
      return { entries, stale: false };
    },
    async load(entry: SourceEntry): Promise<SchemaDescriptor> {
      const file = join(dir, entry.path);
      const descriptor = readDescriptor(await readFile(file, "utf8"), file);
      const mismatch = pathMismatch(descriptor, entry, file);
      if (mismatch.length > 0) throw problemsError(mismatch, file);
      return { ...descriptor, source: file };
    },
  };
}
