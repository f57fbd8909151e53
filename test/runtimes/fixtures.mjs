// The data the conformance subset runs on (Node only): the logical cases of
// test/vectors/cases.json and the fixtures the Go and Rust producers wrote
// for them (test/fixtures/{go,rust}), every codec x compression, as base64,
// plus each language's broken fixtures. The largest cases are left out to
// keep every runtime's run short; the full set runs in test/interop.
import { readFileSync } from "node:fs";

const ROOT = new URL("../../", import.meta.url);
const LEFT_OUT = new Set(["bench/large", "attrs/1500", "kinds/bytes-64kib"]);

export function conformanceData() {
  const vectors = JSON.parse(readFileSync(new URL("test/vectors/cases.json", ROOT), "utf8"));
  const cases = {};
  const checksumCases = [];
  for (const c of vectors.cases) {
    if (LEFT_OUT.has(c.name)) continue;
    cases[c.name] = c.envelope;
    if (c.frame?.contentChecksum === true) checksumCases.push(c.name);
  }
  const fixtures = [];
  const broken = [];
  for (const language of ["go", "rust"]) {
    const dir = new URL(`test/fixtures/${language}/`, ROOT);
    const manifest = JSON.parse(readFileSync(new URL("manifest.json", dir), "utf8"));
    const base64 = (file) => readFileSync(new URL(file, dir)).toString("base64");
    for (const f of manifest.fixtures) {
      if (!(f.case in cases)) continue;
      fixtures.push({ language, ...f, bytes: base64(f.file) });
    }
    for (const b of manifest.broken) {
      broken.push({
        language,
        file: b.file,
        expectedError: b.expectedError,
        bytes: base64(b.file),
      });
    }
  }
  return { cases, checksumCases, fixtures, broken };
}
