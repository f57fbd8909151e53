/**
 * Runs examples/aggregate-capture.ts on a capture of sign-ins at two
 * versions, and checks that README.md shows it verbatim.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
