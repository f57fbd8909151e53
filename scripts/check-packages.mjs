// The packages as npm would publish them: packs every package (scripts/pack.mjs)
// and checks each tarball with publint (strict: warnings are errors) and
// @arethetypeswrong/cli under its ESM-only profile (the packages are ESM
// only; require() of them needs Node ^20.19 or >= 22.12, as their engines
// say), and that it carries a LICENSE, a README linking the API reference,
// and the metadata an npm page shows (repository, homepage, bugs, keywords).
//
//   node scripts/check-packages.mjs      (after pnpm build)
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pack } from "./pack.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const REQUIRED = ["repository", "homepage", "bugs", "keywords", "engines", "license"];

/** Runs a tool from node_modules/.bin; resolves to { ok, output }. */
function tool(name, args) {
  return new Promise((resolve) => {
    execFile(join(BIN, name), args, { encoding: "utf8" }, (error, stdout, stderr) => {
      resolve({ ok: error === null, output: `${stdout}${stderr}` });
    });
  });
}

function files(tarball) {
  const result = spawnSync("tar", ["-tzf", tarball], { encoding: "utf8" });
  return new Set(result.stdout.split("\n").filter(Boolean));
}

function read(tarball, path) {
  return spawnSync("tar", ["-xzOf", tarball, path], { encoding: "utf8" }).stdout;
}

const out = mkdtempSync(join(tmpdir(), "envelope-packages-"));
let failed = 0;
try {
  const tarballs = Object.entries(pack(out));
  // Two tools per tarball, all at once: each is mostly start-up time.
  const reports = await Promise.all(
    tarballs.map(([, tarball]) =>
      Promise.all([
        tool("publint", ["run", tarball, "--strict"]),
        tool("attw", [tarball, "--profile", "esm-only", "--format", "ascii"]),
      ]),
    ),
  );
  for (const [i, [name, tarball]] of tarballs.entries()) {
    const problems = [];
    const [publint, attw] = reports[i];
    if (!publint.ok) problems.push(`publint --strict:\n${publint.output}`);
    if (!attw.ok) problems.push(`attw --profile esm-only:\n${attw.output}`);
    const inside = files(tarball);
    for (const file of ["package/LICENSE", "package/README.md"]) {
      if (!inside.has(file)) problems.push(`${file.slice(8)} is not in the tarball`);
    }
    const pkg = JSON.parse(read(tarball, "package/package.json"));
    for (const field of REQUIRED) {
      if (pkg[field] === undefined) problems.push(`package.json has no "${field}"`);
    }
    if (
      inside.has("package/README.md") &&
      !read(tarball, "package/README.md").includes("docs/api/")
    ) {
      problems.push("README.md does not link the API reference (docs/api/)");
    }
    if (problems.length === 0) {
      console.log(`✓ ${name}`);
    } else {
      failed++;
      console.log(`✗ ${name}\n  ${problems.join("\n  ")}`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
process.exit(failed > 0 ? 1 : 0);
