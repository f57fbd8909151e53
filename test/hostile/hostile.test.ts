/**
 * Every hostile-input case (cases/*.mjs) in its own process with a 256 MiB
 * heap: it must end in EnvelopeError with the expected code, or return exactly
 * the expected value, and never crash or hang. See README.md beside this file.
 */
import { execFileSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

interface HostileCase {
  readonly name: string;
  readonly expect: { readonly code: string } | { readonly value: unknown };
}

const here = fileURLToPath(new URL(".", import.meta.url));
const files = readdirSync(`${here}cases`).filter((f) => f.endsWith(".mjs"));
/** A deadline far above any expected time: it only detects hangs. */
const DEADLINE_MS = 60_000;
/** The areas the security doc promises cases for; each file must hold at least one case. */
const AREAS = ["lz4", "stream", "protobuf", "cbor", "json"];

function runChild(file: string, name: string): Record<string, unknown> {
  const out = execFileSync(
    process.execPath,
    ["--max-old-space-size=256", `${here}child.mjs`, `${here}cases/${file}`, name],
    { encoding: "utf8", timeout: DEADLINE_MS, maxBuffer: 1 << 20 },
  );
  const lines = out.trim().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

test("every promised area has a case file", () => {
  for (const area of AREAS) expect(files).toContain(`${area}.mjs`);
});

for (const file of files) {
  describe(file, async () => {
    const url = new URL(`cases/${file}`, import.meta.url).href;
    const { cases } = (await import(/* @vite-ignore */ url)) as { cases: HostileCase[] };
    test("has cases", () => expect(cases.length).toBeGreaterThan(0));
    for (const c of cases) {
      test(c.name, { timeout: DEADLINE_MS + 10_000 }, () => {
        const result = runChild(file, c.name);
        if ("code" in c.expect) {
          expect({ outcome: result.outcome, name: result.name, code: result.code }).toEqual({
            outcome: "error",
            name: "EnvelopeError",
            code: c.expect.code,
          });
          // Messages quote at most a short excerpt of the input.
          expect(String(result.message).length).toBeLessThan(400);
        } else {
          expect(result.outcome, String(result.message)).toBe("ok");
          expect(result.value).toEqual(c.expect.value);
        }
      });
    }
  });
}
