/**
 * Every input the fuzz suite ever found (test/regressions/*.bin) stays a test:
 * through every target, only EnvelopeError may escape.
 */
import { readdirSync, readFileSync } from "node:fs";
import { isEnvelopeError } from "@envelope/sdk";
import { expect, test } from "vitest";
import { TARGETS } from "./targets.js";

const dir = new URL("../regressions/", import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith(".bin"));

test.each(files.length > 0 ? files : ["(none yet)"])("regression %s", (file) => {
  if (file === "(none yet)") return;
  const bytes = new Uint8Array(readFileSync(new URL(file, dir)));
  for (const target of TARGETS) {
    try {
      target.run(bytes);
    } catch (error) {
      expect(isEnvelopeError(error), `${target.name}: ${String(error)}`).toBe(true);
    }
  }
});
