/**
 * The engine is chosen by the platform: lz4-napi's block decoder on Node,
 * loaded on the first decompression and never before; the JavaScript decoder
 * wherever it cannot load (simulated here: lz4-napi's loader throws, as it
 * does after `npm install --omit=optional`) and on every other platform.
 */
import { readdirSync, readFileSync } from "node:fs";
import { beforeEach, describe, expect, test, vi } from "vitest";

const loads = vi.hoisted(() => ({ count: 0 }));

vi.mock("node:module", async (original) => ({
  ...(await original<typeof import("node:module")>()),
  createRequire: () => (id: string) => {
    loads.count++;
    throw new Error(`Cannot find native binding (${id})`);
  },
}));

const src = new URL("../src/", import.meta.url);

describe("where lz4-napi cannot load", () => {
  beforeEach(() => {
    loads.count = 0;
  });

  test("it is asked for once, on the first decompression, and the JavaScript decoder is used", async () => {
    const { compress, decompress } = await import("@envelope/lz4");
    // Numbers compress little: blocks over 1 KiB, which the native decoder would take.
    const text = new TextEncoder().encode(
      Array.from({ length: 50_000 }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join(" "),
    );
    const frame = compress(text);
    expect(frame.length).toBeGreaterThan(5 * 1024 * 6);
    expect(loads.count).toBe(0);
    expect(Buffer.from(decompress(frame)).equals(text)).toBe(true);
    expect(loads.count).toBe(1);
    expect(Buffer.from(decompress(frame)).equals(text)).toBe(true);
    expect(loads.count).toBe(1);
  });
});

describe("the portable path", () => {
  test("package.json maps #native to lz4-napi only under the node condition", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const native = pkg.imports["#native"];
    expect(Object.keys(native)).toEqual(["node", "@envelope/source", "types", "default"]);
    expect(native.node.default).toBe("./dist/native-node.js");
    expect(native.default).toBe("./dist/native.js");
  });

  // Under mutation testing the sources are instrumented (Stryker's own code
  // names `process`): the scan holds for the sources as written only.
  const instrumented = process.env.ENVELOPE_MUTATE_PACKAGE !== undefined;
  test.skipIf(instrumented)(
    "no source file but native-node.ts names Buffer, process or a node: module",
    () => {
      const files: string[] = [];
      const walk = (dir: URL) => {
        for (const entry of readdirSync(dir, { withFileTypes: true })) {
          if (entry.isDirectory()) walk(new URL(`${entry.name}/`, dir));
          else files.push(new URL(entry.name, dir).pathname);
        }
      };
      walk(src);
      const offenders = files
        .filter((f) => !f.endsWith("/native-node.ts"))
        .filter((f) => /\bBuffer\b|\bprocess\.|from "node:/.test(readFileSync(f, "utf8")));
      expect(files.length).toBeGreaterThan(5);
      expect(offenders).toEqual([]);
    },
  );
});
