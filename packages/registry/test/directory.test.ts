import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  directorySource,
  isRegistryError,
  loadRegistry,
  openRegistry,
  readSchemasFolder,
} from "@envelope/registry";
import { afterAll, describe, expect, test } from "vitest";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "envelope-schemas-"));
  temps.push(dir);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const ok = (version: string) => JSON.stringify({ type: "a", subtype: "b", version });

describe("the directory source", () => {
  test("openRegistry on the example folder loads what loadRegistry loads", async () => {
    const { registry, report } = await openRegistry(directorySource(SCHEMAS));
    expect(report).toMatchObject({ failed: [], stale: false });
    expect(registry.descriptors().map((d) => d.version)).toEqual(
      loadRegistry(SCHEMAS)
        .descriptors()
        .map((d) => d.version),
    );
  });

  test("root files (index.json, descriptor.schema.json, README) are not descriptors", () => {
    const dir = folder({ "index.json": "{}", "README.md": "x", "a/b/1.0.0.json": ok("1.0.0") });
    expect(readSchemasFolder(dir).problems).toEqual([]);
    expect(loadRegistry(dir).descriptors().length).toBe(1);
  });

  test.each<[string, Record<string, string>, RegExp]>([
    [
      "a misnamed file",
      { "a/b/v1.json": ok("1.0.0") },
      /v1\.json: a descriptor must live at type\/subtype\/MAJOR\.MINOR\.PATCH\.json/,
    ],
    [
      "a file at the type level",
      { "a/1.0.0.json": ok("1.0.0") },
      /a\/1\.0\.0\.json: a descriptor must live at/,
    ],
    [
      "a version that disagrees with its path",
      { "a/b/1.0.0.json": ok("1.0.1") },
      /1\.0\.0\.json:1:1: declares a\/b@1\.0\.1 but lives at a\/b\/1\.0\.0\.json/,
    ],
    [
      "malformed JSON",
      { "a/b/1.0.0.json": '{\n  "type": "a",\n' },
      /1\.0\.0\.json:3:1: not valid JSON: expected a string key/,
    ],
  ])("loadRegistry throws invalid_descriptor for %s", (_name, files, message) => {
    const dir = folder(files);
    let error: unknown;
    try {
      loadRegistry(dir);
    } catch (e) {
      error = e;
    }
    expect(isRegistryError(error, "invalid_descriptor")).toBe(true);
    expect((error as Error).message).toMatch(message);
  });

  test("openRegistry keeps the good descriptors and reports the bad one", async () => {
    const dir = folder({ "a/b/1.0.0.json": ok("1.0.0"), "a/b/1.1.0.json": '{"type": 1}' });
    const { registry, report } = await openRegistry(directorySource(dir));
    expect(registry.versions({ type: "a", subtype: "b" })).toEqual(["1.0.0"]);
    expect(report.failed.map((f) => [f.key.version, f.error.code])).toEqual([
      ["1.1.0", "invalid_descriptor"],
    ]);
  });

  test("a folder that cannot be read is invalid_argument", () => {
    expect(() => loadRegistry("/nonexistent/schemas")).toThrow(/invalid_argument/);
  });
});
