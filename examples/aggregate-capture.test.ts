/**
 * Runs examples/aggregate-capture.ts on a capture of sign-ins at two
 * versions, and checks that README.md shows it verbatim; runs the README's
 * `envelope aggregate` commands (the built binary) over the Go, Rust and
 * TypeScript registry fixtures, and its DuckDB query over the Parquet file
 * they export.
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createEnvelope, encode } from "@envelope/sdk";
import { expect, test } from "vitest";
import { signInReport } from "./aggregate-capture.js";

test.each([
  "../README.md",
  "../packages/aggregate/README.md",
])("%s shows examples/aggregate-capture.ts verbatim", (file) => {
  const readme = readFileSync(new URL(file, import.meta.url), "utf8");
  const source = readFileSync(new URL("./aggregate-capture.ts", import.meta.url), "utf8");
  const block = /```ts\n\/\/ examples\/aggregate-capture\.ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(block).toBe(source);
});

test("the aggregation example prints one table for sign-ins written at 1.1.0 and 1.2.0", async () => {
  const signIn = (version: string, attributes: Record<string, number | bigint | string>) =>
    encode(
      createEnvelope({
        schema: { type: "request", subtype: "auth_request", version },
        resource: { serviceName: "auth" },
        attributes: { user: "u", ...attributes },
      }),
    );
  const dir = mkdtempSync(join(tmpdir(), "envelope-aggregate-"));
  const path = join(dir, "capture.bin");
  writeFileSync(
    path,
    Buffer.concat([
      signIn("1.1.0", { latency_ms: 10, attempts: 1n }),
      signIn("1.1.0", { latency_ms: 30, attempts: 2n }),
      signIn("1.2.0", { duration_ms: 12.5, attempts: 9007199254740993n }),
    ]),
  );
  const schemas = fileURLToPath(new URL("../schemas", import.meta.url));
  const table = await signInReport(path, schemas);
  rmSync(dir, { recursive: true, force: true });
  expect(table.split("\n")).toEqual([
    "version  language    count  duration_ms.count  duration_ms.sum  duration_ms.min  duration_ms.max  duration_ms.mean  duration_ms.p50  duration_ms.p99  attempts.count      attempts.sum      attempts.min      attempts.max     attempts.mean      attempts.p50      attempts.p99",
    // 1.1.0's latency_ms is counted as duration_ms (the declared transform); quantiles are the
    // sketch's, within 1% of the value at rank floor(q (n - 1)), shown to 6 digits.
    "1.1.0    typescript      2                  2               40               10               30                20          10.0747          10.0747               2                 3                 1                 2               1.5                 1                 1",
    // The int64 sum, min and max are exact past 2^53; the mean and quantiles are doubles.
    "1.2.0    typescript      1                  1             12.5             12.5             12.5              12.5             12.5             12.5               1  9007199254740993  9007199254740993  9007199254740993  9007199254740992  9007200000000000  9007200000000000",
    "",
    "3 envelope(s) read, 3 aggregated at request/auth_request@1.2.0",
    "",
  ]);
});

const ROOT = fileURLToPath(new URL("../", import.meta.url));

test("the README's envelope aggregate commands run over the three producers' registry fixtures", () => {
  const readme = readFileSync(`${ROOT}README.md`, "utf8");
  const block = /```sh\n(envelope aggregate [\s\S]*?)```/.exec(readme)?.[1];
  expect(block, "README.md has a sh block of envelope aggregate commands").toBeDefined();
  const commands = block!
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => line.split(/\s+/));
  expect(commands.map((c) => c.slice(0, 2))).toEqual([
    ["envelope", "aggregate"],
    ["envelope", "aggregate"],
  ]);
  // go.bin, rust.bin and ts.bin: the registry fixtures (request/auth_request and
  // request/payment_request, two versions each) each producer wrote with its own
  // language (test/fixtures/registry/mixed); capture.bin: the three concatenated.
  const dir = mkdtempSync(join(tmpdir(), "envelope-readme-aggregate-"));
  const mixed = `${ROOT}test/fixtures/registry/mixed`;
  copyFileSync(`${mixed}/go/examples/fixtures-protobuf.bin`, join(dir, "go.bin"));
  copyFileSync(`${mixed}/rust/examples/fixtures-cbor.bin`, join(dir, "rust.bin"));
  copyFileSync(`${mixed}/ts/examples/fixtures-json.bin`, join(dir, "ts.bin"));
  writeFileSync(
    join(dir, "capture.bin"),
    Buffer.concat(["go.bin", "rust.bin", "ts.bin"].map((f) => readFileSync(join(dir, f)))),
  );
  symlinkSync(`${ROOT}schemas`, join(dir, "schemas"));
  const run = (args: string[]) =>
    spawnSync(process.execPath, [`${ROOT}packages/cli/dist/bin.js`, ...args], {
      cwd: dir,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
  try {
    const table = run(commands[0]!.slice(1));
    expect(table.status).toBe(0);
    // One row per version as written and language; the sums are expected.json's
    // (1.1.0's latency_ms counted as duration_ms). payment_request has no 1.2.0: not aggregated.
    const rows = table.stdout
      .split("\n")
      .slice(1, 7)
      .map((l) => l.split(/\s+/));
    expect(rows.map((r) => [...r.slice(0, 6), r[12], r[13]])).toEqual(
      ["1.1.0", "1.2.0"].flatMap((version) =>
        ["go", "rust", "typescript"].map((language) => [
          "request/auth_request",
          version,
          language,
          "8",
          "8",
          version === "1.1.0" ? "-652977.9375" : "-3133327.375",
          "8",
          version === "1.1.0" ? "-1033685" : "-1347884",
        ]),
      ),
    );
    expect(table.stdout).toMatch(
      /request\/payment_request\s+1\.0\.0\s+transform_unavailable\s+24\s/,
    );
    const exported = run(commands[1]!.slice(1));
    expect(exported.status).toBe(0);
    expect(exported.stdout).toBe("event,count\r\nrequest/auth_request,48\r\n");
    expect(exported.stderr).toContain("48 row(s) exported to capture.parquet (parquet)");

    // The README's DuckDB query, over that Parquet file (DuckDB from PyPI, installed
    // into .venv by pnpm bootstrap; skipped without it, except in CI).
    const sql = /`(SELECT service_name, count\(\*\), [^`]*)`/.exec(readme)?.[1];
    expect(sql).toBeDefined();
    const venv = `${ROOT}.venv/bin/python`;
    const python = existsSync(venv) ? venv : "python3";
    const duck = spawnSync(
      python,
      [
        "-c",
        "import duckdb, json, sys; print(json.dumps([[str(x) for x in r] for r in duckdb.sql(sys.argv[1]).fetchall()]))",
        sql!,
      ],
      { cwd: dir, encoding: "utf8" },
    );
    if (duck.status !== 0 && /No module named 'duckdb'/.test(duck.stderr)) {
      expect(process.env.CI, "DuckDB is required in CI: run pnpm bootstrap").not.toBe("true");
      return;
    }
    expect(duck.stderr).toBe("");
    // 3 languages × (8 at 1.1.0 + 8 at 1.2.0); attempts: 3 × (-1033685 + -1347884).
    expect(JSON.parse(duck.stdout)).toEqual([["fixtures", "48", "-7144707"]]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
