// `envelope schema ...`: the built binary runs the schema tooling
// (@envelope/schema-tools) with the CLI's parser and exit codes. Moved here
// from the registry's own `schema` command (packages/registry/test/check-folder.test.ts).
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { main } from "@envelope/cli";
import { generateSchemasFolder } from "@envelope/schema-tools";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { envelope, ROOT, requireBuild } from "./support.js";

const SCHEMAS = join(ROOT, "schemas");
const temps: string[] = [];
beforeAll(requireBuild);
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
  const root = mkdtempSync(join(tmpdir(), "envelope-schema-cli-"));
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

const lines = (text: string): string[] => (text === "" ? [] : text.replace(/\n$/, "").split("\n"));

/** `envelope schema ...argv` (the built binary), its exit code and output lines. */
function run(argv: string[], cwd?: string): { code: number | null; out: string[]; err: string[] } {
  const r = envelope(["schema", ...argv], cwd === undefined ? {} : { cwd });
  return { code: r.status, out: lines(r.stdout), err: lines(r.stderr) };
}

// Each test spawns the binary several times on a shared machine: a generous hang deadline.
describe("envelope schema", { timeout: 120_000 }, () => {
  test("check: exit 0 on a clean folder, 1 with problems", () => {
    const { schemas } = repo();
    const ok = run(["check", schemas]);
    expect(ok).toMatchObject({ code: 0, err: [] });
    expect(ok.out).toEqual(["schema check: ok against main: no new versions"]);
    publish(schemas, "1.3.0", (d) => d.attributes.push({ key: "zone", type: "string" }));
    publish(schemas, "1.4.0", (d) =>
      d.attributes.push({ key: "zone", type: "string" }, { key: "rack", type: "string" }),
    );
    expect(run(["check", schemas]).out).toEqual([
      "schema check: ok against main: 2 new version(s) in 1 event(s): request/auth_request 1.3.0 to 1.4.0 (2)",
    ]);
    unlinkSync(join(schemas, AUTH, "1.3.0.json"));
    unlinkSync(join(schemas, AUTH, "1.4.0.json"));
    generateSchemasFolder(schemas);
    publish(schemas, "1.2.1", (d) => d.attributes.push({ key: "region", type: "string" }));
    const bad = run(["check", schemas, "--against", "main"]);
    expect(bad.code).toBe(1);
    expect(bad.err.at(-1)).toBe("schema check: 1 problem(s) against main");
  });

  test("diff: the changes and the verdict", () => {
    const a = join(SCHEMAS, AUTH, "1.1.0.json");
    const b = join(SCHEMAS, AUTH, "1.2.0.json");
    const result = run(["diff", a, b, "--mode", "full"]);
    expect(result.code).toBe(1);
    expect(result.out).toEqual([
      'major BF  attribute_renamed attributes.latency_ms: "latency_ms" renamed to "duration_ms" by a transform',
      "patch BF  description_changed attributes.duration_ms: description changed",
      'minor BF  attribute_added_optional attributes.user_agent: optional "user_agent" (string) added',
      "request/auth_request@1.1.0 -> request/auth_request@1.2.0: 3 change(s); needs major, declares minor; mode FULL: bump too small; backward yes, forward yes",
    ]);
    const back = run(["diff", b, a]);
    expect(back.code).toBe(1);
    expect(back.out.at(-1)).toMatch(/declares none; mode BACKWARD: the version does not increase;/);
    // Mode violations are reported too: a required attribute added under FORWARD_TRANSITIVE is fine,
    // under BACKWARD it is not.
    const { root } = repo();
    const older = join(root, "old.json");
    const newer = join(root, "new.json");
    const base = read(SCHEMAS, "1.2.0");
    base.attributes = base.attributes.filter((f) => (f as { key: string }).key !== "mfa");
    writeFileSync(older, JSON.stringify({ ...base, transforms: undefined }));
    writeFileSync(
      newer,
      JSON.stringify({
        ...base,
        version: "2.0.0",
        transforms: undefined,
        attributes: [...base.attributes, { key: "region", type: "string", presence: "required" }],
      }),
    );
    const strict = run(["diff", older, newer]);
    expect(strict.code).toBe(1);
    expect(strict.out.slice(-2)).toEqual([
      "not backward compatible (mode BACKWARD): attributes.region [attribute_added_required]",
      "request/auth_request@1.2.0 -> request/auth_request@2.0.0: 1 change(s); needs major, declares major; mode BACKWARD: 1 violation(s) of mode BACKWARD; backward no, forward yes",
    ]);
  });

  test("gen: writes the index and builders; --check reports staleness", () => {
    const { root, schemas } = repo();
    const out = join(root, "generated");
    expect(run(["gen", schemas, "--out", out, "--check"]).code).toBe(1);
    const wrote = run(["gen", schemas, "--out", out]);
    expect(wrote.out).toEqual([
      `wrote ${join(out, "request/auth_request.ts")}`,
      `wrote ${join(out, "request/payment_request.ts")}`,
      `wrote ${join(out, "trace/hop.ts")}`,
      `wrote ${join(out, "trace/propagation_health.ts")}`,
      `wrote ${join(out, "index.ts")}`,
    ]);
    expect(run(["gen", schemas, "--out", out, "--check"])).toMatchObject({
      code: 0,
      out: ["schema gen --check: generated files are fresh"],
    });
    publish(schemas, "1.3.0", () => undefined, false);
    const stale = run(["gen", schemas, "--out", out, "--check"]);
    expect(stale.code).toBe(1);
    expect(stale.err).toContain(`out of date: ${join(schemas, "index.json")}`);
  });

  test("usage errors exit 2, one line in the CLI's format", () => {
    const none = run([]);
    expect(none.code).toBe(2);
    expect(none.err[0]).toBe("Usage: envelope schema <command> [DIR|FILE...] [options]");
    expect(run(["frobnicate"])).toEqual({
      code: 2,
      out: [],
      err: [
        "envelope: error: unknown schema command 'frobnicate' (commands: check, diff, gen, fixtures) (see 'envelope schema --help')",
      ],
    });
    expect(run(["check", "--mode", "SIDEWAYS"])).toEqual({
      code: 2,
      out: [],
      err: [
        "envelope: error: --mode must be one of NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE (any case), not 'SIDEWAYS' (see 'envelope schema --help')",
      ],
    });
    const unknown = run(["gen", "--frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toHaveLength(1);
    expect(unknown.err[0]).toMatch(
      /^envelope: error: Unknown option '--frobnicate'.* \(see 'envelope schema --help'\)$/,
    );
    expect(run(["check", "a", "b"]).err).toEqual([
      "envelope: error: unexpected argument 'b' (see 'envelope schema --help')",
    ]);
    expect(run(["check", "/nonexistent/schemas", "--no-git"]).code).toBe(2);
    const { schemas } = repo();
    const missing = run(["check", schemas, "--against", "no-such-branch"]);
    expect(missing.code).toBe(2);
    expect(missing.out).toEqual([]);
    expect(missing.err).toHaveLength(1);
    expect(missing.err[0]).toMatch(
      /^envelope: error: \[invalid_argument\] git ref "no-such-branch" does not name a commit in .*`--against PATH`\)$/,
    );
    expect(run(["check", schemas, "--mode", "full_transitive"]).code).toBe(0);
    expect(run(["check", schemas, "--mode=full_transitive"]).code).toBe(0);
    expect(run(["help"]).code).toBe(0);
    expect(run(["check", "--help"]).out[0]).toBe(
      "Usage: envelope schema <command> [DIR|FILE...] [options]",
    );
  });

  test("a descriptor that cannot be read exits 4", () => {
    const gone = run(["diff", "no-such.json", join(SCHEMAS, AUTH, "1.2.0.json")]);
    expect(gone).toEqual({
      code: 4,
      out: [],
      err: ["envelope: error: cannot read no-such.json: no such file"],
    });
    const { root } = repo();
    writeFileSync(join(root, "bad.json"), '{ "type": "request" }');
    const bad = run(["diff", "bad.json", join(SCHEMAS, AUTH, "1.2.0.json")], root);
    expect(bad.code).toBe(4);
    expect(bad.err).toHaveLength(1);
    expect(bad.err[0]).toMatch(/^envelope: error: \[invalid_descriptor\] bad\.json:1:1: /);
  });

  test("fixtures: --codec repeats; an unknown codec is a usage error", () => {
    const { root } = repo();
    const ok = run(
      ["fixtures", "schemas", "--out", "out", "--count", "2", "--codec", "json", "--codec=cbor"],
      root,
    );
    expect(ok.code).toBe(0);
    expect(ok.out).toEqual([
      `wrote ${join("out", "fixtures-json.bin")}`,
      `wrote ${join("out", "fixtures-cbor.bin")}`,
      `wrote ${join("out", "expected.json")}`,
      "schema fixtures: 12 envelope(s), 6 event version(s), seed 1",
    ]);
    expect(readdirSync(join(root, "out")).sort()).toEqual([
      "expected.json",
      "fixtures-cbor.bin",
      "fixtures-json.bin",
    ]);
    expect(run(["fixtures", "schemas", "--out", "o2", "--codec", "xml"], root)).toEqual({
      code: 2,
      out: [],
      err: [
        "envelope: error: --codec must be one of protobuf, cbor, json, not 'xml' (see 'envelope schema --help')",
      ],
    });
    expect(existsSync(join(root, "o2"))).toBe(false);
  });
});

describe(
  "paths are resolved against the command's directory, never by changing the process's",
  {
    timeout: 120_000,
  },
  () => {
    test("main() with another cwd reads and writes there; process.cwd() is untouched", async () => {
      const { root } = repo();
      const before = process.cwd();
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const chunks: string[] = [];
      stdout.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
      stderr.on("data", (c: Buffer) => chunks.push(c.toString("utf8")));
      const io = { stdin: new PassThrough(), stdout, stderr, env: {}, cwd: root };
      const code = await main(["schema", "gen", "schemas", "--out", "generated"], io);
      expect(chunks.join("")).toBe(
        [
          `wrote ${join(root, "generated", "request/auth_request.ts")}`,
          `wrote ${join(root, "generated", "request/payment_request.ts")}`,
          `wrote ${join(root, "generated", "trace/hop.ts")}`,
          `wrote ${join(root, "generated", "trace/propagation_health.ts")}`,
          `wrote ${join(root, "generated", "index.ts")}`,
          "",
        ].join("\n"),
      );
      expect(code).toBe(0);
      expect(process.cwd()).toBe(before);
      expect(existsSync(join(root, "generated", "index.ts"))).toBe(true);
      expect(existsSync(join(before, "generated"))).toBe(false);
    });
  },
);
