import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDescriptor } from "@envelope/registry";
import { checkSchemasFolder, generateSchemasFolder } from "@envelope/schema-tools";
import { afterAll, describe, expect, test } from "vitest";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));
/** The built `envelope` binary (packages/cli), run as users run it. */
const BIN = fileURLToPath(new URL("../../cli/dist/bin.js", import.meta.url));
const AUTH = "request/auth_request";
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

type Json = Record<string, unknown> & { attributes: Record<string, unknown>[] };

/** A copy of the example schemas with auth_request versions derived from 1.2.0 by `edits`. */
function folder(...edits: [version: string, edit: (d: Json) => void][]): string {
  const dir = mkdtempSync(join(tmpdir(), "envelope-removal-dates-"));
  temps.push(dir);
  cpSync(SCHEMAS, dir, { recursive: true });
  for (const [version, edit] of edits) {
    const d = JSON.parse(readFileSync(join(dir, AUTH, "1.2.0.json"), "utf8")) as Json;
    d.version = version;
    delete d.transforms;
    edit(d);
    writeFileSync(join(dir, AUTH, `${version}.json`), `${JSON.stringify(d, null, 2)}\n`);
  }
  generateSchemasFolder(dir, {});
  return dir;
}

/** Sets the deprecation of `mfa` (field 7 of auth_request 1.2.0). */
function mfa(deprecated: Record<string, unknown> | undefined): (d: Json) => void {
  return (d) => {
    const f = d.attributes.find((a) => a.key === "mfa")!;
    if (deprecated === undefined) delete f.deprecated;
    else f.deprecated = deprecated;
  };
}

const at = (iso: string): Date => new Date(`${iso}T12:00:00Z`);

describe("removalDate in descriptors", () => {
  test("must be a calendar date", () => {
    const problems = (removalDate: string) =>
      parseDescriptor(
        JSON.stringify({
          type: "t",
          subtype: "s",
          version: "1.0.0",
          attributes: [{ key: "a", type: "int", deprecated: { since: "1.0.0", removalDate } }],
        }),
        "f.json",
      ).problems.map((p) => `${p.path}: ${p.message}`);
    expect(problems("2027-02-28")).toEqual([]);
    expect(problems("2028-02-29")).toEqual([]);
    expect(problems("2027-02-29")).toEqual([
      '$.attributes[0].deprecated.removalDate: "2027-02-29" is not a date YYYY-MM-DD',
    ]);
    expect(problems("2027-1-01")).toEqual([
      '$.attributes[0].deprecated.removalDate: "2027-1-01" is not a date YYYY-MM-DD',
    ]);
  });
});

describe("schema check: warns before the removal date, fails from it on", () => {
  const dir = folder([
    "1.3.0",
    mfa({ since: "1.1.0", removal: "2.0.0", removalDate: "2027-01-31", replacement: "tags" }),
  ]);

  test("before the date: ok, with a warning located in the latest version", async () => {
    const result = await checkSchemasFolder(dir, { against: SCHEMAS, now: at("2026-12-05") });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const file = join(dir, AUTH, "1.3.0.json");
    expect(result.warnings).toEqual([
      {
        code: "removal_scheduled",
        file,
        line: 60,
        column: 24,
        path: "$.attributes[7].deprecated.removalDate",
        message: `"mfa" is to be removed by 2027-01-31 (in 57 day(s)); request/auth_request@1.3.0, the latest version, still declares it`,
      },
    ]);
  });

  test("the day before: still a warning", async () => {
    const result = await checkSchemasFolder(dir, { against: SCHEMAS, now: at("2027-01-30") });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((w) => w.message)).toEqual([
      `"mfa" is to be removed by 2027-01-31 (in 1 day(s)); request/auth_request@1.3.0, the latest version, still declares it`,
    ]);
  });

  test("on the date and after: a problem, no warning", async () => {
    const on = await checkSchemasFolder(dir, { against: SCHEMAS, now: at("2027-01-31") });
    expect(on.ok).toBe(false);
    expect(on.warnings).toEqual([]);
    expect(on.problems.map((p) => [p.code, p.path, p.message])).toEqual([
      [
        "removal_date_passed",
        "$.attributes[7].deprecated.removalDate",
        `"mfa" was to be removed by 2027-01-31 (today); request/auth_request@1.3.0, the latest version, still declares it: publish a version without it`,
      ],
    ]);
    const after = await checkSchemasFolder(dir, { against: SCHEMAS, now: at("2027-03-01") });
    expect(after.problems.map((p) => p.message)).toEqual([
      `"mfa" was to be removed by 2027-01-31 (29 day(s) ago); request/auth_request@1.3.0, the latest version, still declares it: publish a version without it`,
    ]);
  });

  test("a later version postponing the date or lifting the deprecation does not move it", async () => {
    const later = folder(
      ["1.3.0", mfa({ since: "1.1.0", removalDate: "2027-01-31" })],
      ["1.4.0", mfa({ since: "1.1.0", removalDate: "2030-01-01" })],
      ["1.5.0", mfa(undefined)],
    );
    const result = await checkSchemasFolder(later, { against: SCHEMAS, now: at("2027-02-01") });
    expect(result.problems.map((p) => [p.code, p.file, p.path])).toEqual([
      // 1.5.0 states no date: the problem points at the field.
      ["removal_date_passed", join(later, AUTH, "1.5.0.json"), "$.attributes[7]"],
    ]);
  });

  test("the date follows the key through a rename", async () => {
    const renamed = folder(
      ["1.3.0", mfa({ since: "1.1.0", removalDate: "2027-01-31" })],
      [
        "2.0.0",
        (d) => {
          const f = d.attributes.find((a) => a.key === "mfa")!;
          f.key = "mfa_used";
          delete f.deprecated;
          d.transforms = { from: "1.3.0", changes: [{ rename_attributes: { mfa: "mfa_used" } }] };
        },
      ],
    );
    const result = await checkSchemasFolder(renamed, { against: SCHEMAS, now: at("2027-02-01") });
    // 1.2.0 also promised removal in version 2.0.0: that is its own problem.
    expect(result.problems.map((p) => p.code)).toEqual(["incompatible", "removal_date_passed"]);
    expect(result.problems[0]!.message).toContain("[attribute_removal_overdue]");
    expect(result.problems.slice(1).map((p) => [p.code, p.path, p.message])).toEqual([
      [
        "removal_date_passed",
        "$.attributes[7]",
        `"mfa_used" was to be removed by 2027-01-31 (1 day(s) ago); request/auth_request@2.0.0, the latest version, still declares it: publish a version without it`,
      ],
    ]);
  });

  test("extension fields are held to their own date", async () => {
    const dir = mkdtempSync(join(tmpdir(), "envelope-removal-dates-"));
    temps.push(dir);
    cpSync(SCHEMAS, dir, { recursive: true });
    const path = join(dir, "request/payment_request");
    const d = JSON.parse(readFileSync(join(path, "1.1.0.json"), "utf8"));
    d.version = "1.2.0";
    delete d.transforms;
    d.extensions[1].attributes[0].deprecated = { since: "1.2.0", removalDate: "2027-06-30" };
    writeFileSync(join(path, "1.2.0.json"), `${JSON.stringify(d, null, 2)}\n`);
    generateSchemasFolder(dir, {});
    const before = await checkSchemasFolder(dir, { against: SCHEMAS, now: at("2027-06-29") });
    expect(before.problems).toEqual([]);
    expect(before.warnings.map((w) => [w.code, w.path])).toEqual([
      ["removal_scheduled", "$.extensions[1].attributes[0].deprecated.removalDate"],
    ]);
    const after = await checkSchemasFolder(dir, { against: SCHEMAS, now: at("2027-06-30") });
    expect(after.problems.map((p) => [p.code, p.message])).toEqual([
      [
        "removal_date_passed",
        `"brand" was to be removed by 2027-06-30 (today); request/payment_request@1.2.0, the latest version, still declares it: publish a version without it`,
      ],
    ]);
  });

  test("a version without the field ends it", async () => {
    const removed = folder(
      ["1.3.0", mfa({ since: "1.1.0", removalDate: "2027-01-31" })],
      [
        "2.0.0",
        (d) => {
          d.attributes = d.attributes.filter((a) => a.key !== "mfa");
        },
      ],
    );
    const result = await checkSchemasFolder(removed, { against: SCHEMAS, now: at("2027-02-01") });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
  });

  // The mutation sandbox has no build (packages/*/dist): the binary runs in the normal suite only.
  test.skipIf(process.env.ENVELOPE_MUTATE_PACKAGE !== undefined)(
    "the envelope binary: --today sets the date; warnings go to stderr, exit 0; then exit 1",
    () => {
      expect(existsSync(BIN), `${BIN} is missing: run pnpm build`).toBe(true);
      const run = (today: string) =>
        spawnSync(
          process.execPath,
          [BIN, "schema", "check", dir, "--against", SCHEMAS, "--today", today],
          {
            encoding: "utf8",
          },
        );
      const before = run("2027-01-01");
      expect(before.status).toBe(0);
      expect(before.stderr).toBe(
        `warning: ${join(dir, AUTH, "1.3.0.json")}:60:24: [removal_scheduled] "mfa" is to be removed by 2027-01-31 (in 30 day(s)); request/auth_request@1.3.0, the latest version, still declares it (at $.attributes[7].deprecated.removalDate)\n`,
      );
      const after = run("2027-02-01");
      expect(after.status).toBe(1);
      expect(after.stderr).toContain(
        `[removal_date_passed] "mfa" was to be removed by 2027-01-31 (1 day(s) ago)`,
      );
      const bad = run("2027-13-01");
      expect(bad.status).toBe(2);
      expect(bad.stderr).toBe(
        "envelope: error: --today must be a date YYYY-MM-DD, not '2027-13-01' (see 'envelope schema --help')\n",
      );
    },
  );
});
