import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkSchemasFolder,
  type FolderCheckResult,
  formatFolderProblem,
  generateSchemasFolder,
} from "@envelope/schema-tools";
import { afterAll, describe, expect, test } from "vitest";

const SCHEMAS = fileURLToPath(new URL("../../../schemas", import.meta.url));
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** A temporary git repository whose `main` has the example schemas under `schemas/`. */
function repo(): { root: string; schemas: string } {
  const root = mkdtempSync(join(tmpdir(), "envelope-schema-check-"));
  temps.push(root);
  git(root, "init", "-q", "-b", "main");
  cpSync(SCHEMAS, join(root, "schemas"), { recursive: true });
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "schemas");
  return { root, schemas: join(root, "schemas") };
}

const AUTH = "request/auth_request";

function read(
  schemas: string,
  version: string,
): Record<string, unknown> & { attributes: object[] } {
  return JSON.parse(readFileSync(join(schemas, AUTH, `${version}.json`), "utf8"));
}

/** Writes a new auth_request version derived from 1.2.0, and refreshes the index. */
function publish(
  schemas: string,
  version: string,
  edit: (d: Record<string, unknown> & { attributes: object[] }) => void,
  gen = true,
): void {
  const d = read(schemas, "1.2.0");
  d.version = version;
  d.transforms = undefined;
  edit(d);
  writeFileSync(join(schemas, AUTH, `${version}.json`), `${JSON.stringify(d, null, 2)}\n`);
  if (gen) generateSchemasFolder(schemas);
}

function summary(result: FolderCheckResult): string[] {
  return result.problems.map((p) => `${p.code}: ${p.message}`);
}

describe("checkSchemasFolder against git main", () => {
  test("an unchanged folder passes; nothing is new", async () => {
    const { schemas } = repo();
    const result = await checkSchemasFolder(schemas);
    expect(summary(result)).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.checked).toEqual([]);
    expect(result.against).toBe("main");
  });

  test("a new minor version that adds an optional attribute passes", async () => {
    const { schemas } = repo();
    publish(schemas, "1.3.0", (d) => d.attributes.push({ key: "region", type: "string" }));
    const result = await checkSchemasFolder(schemas);
    expect(summary(result)).toEqual([]);
    expect(result.checked).toEqual([
      { type: "request", subtype: "auth_request", version: "1.3.0" },
    ]);
    expect(result.results[0]!.previous?.requiredBump).toBe("minor");
  });

  test("a bump smaller than the changes need fails, located at the version line", async () => {
    const { schemas } = repo();
    publish(schemas, "1.2.1", (d) => d.attributes.push({ key: "region", type: "string" }));
    const result = await checkSchemasFolder(schemas);
    expect(summary(result)).toEqual([
      'bump_too_small: request/auth_request@1.2.0 -> 1.2.1 is a patch bump, but the changes need minor: attributes.region: optional "region" (string) added',
    ]);
    expect(formatFolderProblem(result.problems[0]!)).toMatch(
      /auth_request\/1\.2\.1\.json:5:14: \[bump_too_small\] .* \(at \$\.version\)$/,
    );
  });

  test("removing a field needs a major version", async () => {
    const { schemas } = repo();
    publish(schemas, "1.3.0", (d) => {
      d.attributes = d.attributes.filter((f) => (f as { key: string }).key !== "client_ip");
    });
    expect((await checkSchemasFolder(schemas)).problems.map((p) => p.code)).toEqual([
      "bump_too_small",
    ]);
    const { schemas: s2 } = repo();
    publish(s2, "2.0.0", (d) => {
      d.attributes = d.attributes.filter((f) => (f as { key: string }).key !== "client_ip");
    });
    // 1.2.0 deprecated `mfa` for removal in 2.0.0: the window is enforced.
    expect(summary(await checkSchemasFolder(s2))).toEqual([
      'incompatible: refused in every mode, against request/auth_request@1.2.0: attributes.mfa: "mfa" was deprecated for removal in 2.0.0; 2.0.0 still declares it [attribute_removal_overdue]',
    ]);
    publish(s2, "2.0.0", (d) => {
      d.attributes = d.attributes.filter(
        (f) => !["client_ip", "mfa"].includes((f as { key: string }).key),
      );
    });
    expect(summary(await checkSchemasFolder(s2))).toEqual([]);
  });

  test("published versions are immutable: modified and deleted", async () => {
    const { schemas } = repo();
    const d = read(schemas, "1.2.0");
    d.description = "changed after publishing";
    writeFileSync(join(schemas, AUTH, "1.2.0.json"), JSON.stringify(d, null, 2));
    unlinkSync(join(schemas, "request/payment_request/1.0.0.json"));
    generateSchemasFolder(schemas);
    const codes = (await checkSchemasFolder(schemas)).problems.map((p) => `${p.code} ${p.file}`);
    expect(codes).toEqual([
      `version_modified ${join(schemas, AUTH, "1.2.0.json")}`,
      `version_deleted ${join(schemas, "request/payment_request/1.0.0.json")}`,
    ]);
  });

  test("reformatting a published file is not a change", async () => {
    const { schemas } = repo();
    writeFileSync(join(schemas, AUTH, "1.1.0.json"), JSON.stringify(read(schemas, "1.1.0")));
    generateSchemasFolder(schemas);
    expect(summary(await checkSchemasFolder(schemas))).toEqual([]);
  });

  test("--mode is a floor: FORWARD over the event's BACKWARD gives FULL (a new extension breaks old readers)", async () => {
    const { schemas } = repo();
    publish(schemas, "1.3.0", (d) => {
      d.extensions = [...(d.extensions as object[]), { namespace: "geo", version: "1.0.0" }];
    });
    expect(summary(await checkSchemasFolder(schemas))).toEqual([]);
    expect(summary(await checkSchemasFolder(schemas, { mode: "FORWARD" }))).toEqual([
      "incompatible: not forward compatible with request/auth_request@1.2.0 (mode FULL): extensions.geo: extension geo 1.0.0 allowed [extension_added]",
    ]);
  });

  test("transforms must start at the previous version and name keys it has", async () => {
    const { schemas } = repo();
    publish(schemas, "1.3.0", (d) => {
      d.attributes.push({ key: "elapsed_ms", type: "double" });
      d.transforms = { from: "1.1.0", changes: [{ rename_attributes: { took_ms: "elapsed_ms" } }] };
    });
    const problems = summary(await checkSchemasFolder(schemas));
    expect(problems.filter((p) => p.startsWith("bad_transform"))).toEqual([
      "bad_transform: transforms are declared between consecutive versions: the version before 1.3.0 is 1.2.0, not 1.1.0",
      'bad_transform: rename_attributes names "took_ms", which request/auth_request@1.1.0 does not declare',
    ]);
  });

  test("a malformed new descriptor is reported with file, line and path; a stale index too", async () => {
    const { schemas } = repo();
    writeFileSync(
      join(schemas, AUTH, "1.3.0.json"),
      '{\n  "type": "request",\n  "subtype": "auth_request",\n  "version": "1.3.0",\n  "attributes": [{ "key": "a", "type": "text" }]\n}\n',
    );
    const result = await checkSchemasFolder(schemas);
    expect(result.problems.map(formatFolderProblem)).toEqual([
      `${join(schemas, AUTH, "1.3.0.json")}:5:40: [invalid_descriptor] unknown type "text" (string, bool, int, double, bytes, array<T>, map, map<T>) (at $.attributes[0].type)`,
      `${join(schemas, "index.json")}: [index_stale] does not match the descriptors; run \`schema gen\``,
    ]);
  });

  test("without git, every version is checked as new (the examples predate renames and moves being major)", async () => {
    const result = await checkSchemasFolder(SCHEMAS, { against: null });
    expect(result.problems.map((p) => `${p.code} ${p.file.split("schemas/")[1]}`)).toEqual([
      "bump_too_small request/auth_request/1.2.0.json",
      "bump_too_small request/payment_request/1.1.0.json",
    ]);
    // request/auth_request 1.1.0, 1.2.0, request/payment_request 1.0.0, 1.1.0,
    // trace/hop 1.0.0, trace/propagation_health 1.0.0 (the trace services' envelopes).
    expect(result.checked.length).toBe(6);
  });

  test("a missing ref is a usage error with a hint, not a schema failure", async () => {
    const { schemas } = repo();
    await expect(checkSchemasFolder(schemas, { against: "no-such-branch" })).rejects.toMatchObject({
      code: "invalid_argument",
      message: expect.stringContaining(
        "git fetch origin no-such-branch:no-such-branch`), or compare with a schemas folder (`--against PATH`)",
      ),
    });
  });

  test("--against a folder compares with that folder instead of git", async () => {
    const { schemas } = repo();
    publish(schemas, "1.3.0", (d) => d.attributes.push({ key: "region", type: "string" }));
    const result = await checkSchemasFolder(schemas, { against: SCHEMAS });
    expect(summary(result)).toEqual([]);
    expect(result.checked.map((k) => k.version)).toEqual(["1.3.0"]);
  });

  test("versions are append-only: a new version below a published one is refused", async () => {
    const { schemas } = repo();
    publish(schemas, "1.1.5", (d) => d.attributes.push({ key: "region", type: "string" }));
    expect(
      summary(await checkSchemasFolder(schemas)).filter((l) => l.startsWith("version_")),
    ).toEqual([
      "version_inserted: 1.1.5 is new but main already publishes request/auth_request 1.2.0: versions are append-only, publish a version above 1.2.0",
    ]);
  });
});
