/**
 * The conformance subset (conformance.mjs) where the SDK runs: Node from the
 * packed tarballs installed outside the repository, Node without lz4-napi's
 * native binding, Deno (no permission but reading its data file) and Bun on
 * the same install, bundles for Node and the browser (esbuild's and Bun's)
 * run as files copied away from node_modules, headless Chromium's page and a
 * Web Worker there, and a protobuf-only producer bundle in Chromium. Each
 * must pass every check and encode the very bytes Node encodes in process.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as sdk from "@envelope/sdk";
import { build } from "esbuild";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { pack, pnpmCommand } from "../../scripts/pack.mjs";
import { runConformance } from "./conformance.mjs";
import { conformanceData } from "./fixtures.mjs";

interface Result {
  checks: number;
  failures: string[];
  digest: string;
}

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const CHROMIUM = "/usr/bin/chromium";
const CI = process.env.CI === "true" || process.env.CI === "1";
/** Flags for Debian's Chromium on a machine with no network but package registries. */
const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const PACKAGES = ["core", "protobuf", "cbor", "lz4", "sdk"];
/** Hang detection only. */
const DEADLINE_MS = 120_000;

/** The environment for child runtimes: no NODE_PATH (pnpm sets one that reaches the workspace's modules). */
const { NODE_PATH: _nodePath, ...CLEAN_ENV } = process.env;

let work = "";
let app = "";
let reference: Result;
let server: Server | undefined;
let origin = "";

/** Runs a command to its end; returns its exit code and output. */
function runCommand(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv = CLEAN_ENV,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, { cwd, env });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => {
      stdout += d;
    });
    child.stderr!.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Deno's environment: its cache in the temporary folder, no colours, no update check on stderr. */
function denoEnv(): NodeJS.ProcessEnv {
  return {
    ...CLEAN_ENV,
    DENO_DIR: join(work, "deno-dir"),
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
  };
}

function parse(run: { code: number | null; stdout: string; stderr: string }): Result {
  expect(run.stderr, "stderr").toBe("");
  expect(run.code, run.stdout).toBe(0);
  return JSON.parse(run.stdout) as Result;
}

function expectSameAsNode(result: Result): void {
  expect(result.failures).toEqual([]);
  expect(result.checks).toBe(reference.checks);
  expect(result.digest).toBe(reference.digest);
}

/** The driver Node, Deno and Bun run: `<runtime> driver.mjs data.json` prints the result. */
const DRIVER = `
import * as sdk from "@envelope/sdk";
import { runConformance } from "./conformance.mjs";
const path = globalThis.Deno ? Deno.args[0] : process.argv[2];
const text = globalThis.Deno
  ? await Deno.readTextFile(path)
  : (await import("node:fs")).readFileSync(path, "utf8");
console.log(JSON.stringify(await runConformance(sdk, JSON.parse(text))));
`;

/** CommonJS: require() of the ES modules, as engines (^20.19.0 || >=22.12.0) promises. */
const REQUIRE_CJS = `
const { createEnvelope, decode, encode } = require("@envelope/sdk");
const e = createEnvelope({ schema: { type: "t", subtype: "s", version: "1.0.0" }, resource: { serviceName: "cjs" } });
console.log(decode(encode(e, { compression: "lz4", compressMinSize: 0 })).header.resource.serviceName);
`;

const BROWSER_ENTRY = `
import * as sdk from "@envelope/sdk";
import { runConformance } from "./conformance.mjs";
export async function run(url) {
  return runConformance(sdk, await (await fetch(url)).json());
}
`;

/** A protobuf-only producer, as bench/bundles.mjs measures it, with fixed id and time. */
const PRODUCER_ENTRY = `
import { createEnvelope, createKit } from "@envelope/sdk/kit";
import { protobuf } from "@envelope/sdk/protobuf";
const encoder = createKit({ codecs: [protobuf] }).createEncoder();
export function record(user) {
  return encoder.encode(createEnvelope({
    schema: { type: "request", subtype: "auth", version: "1.0.0" },
    resource: { serviceName: "web" },
    attributes: { user, attempts: 3n },
    eventId: new Uint8Array(16).fill(1),
    timeUnixNano: 1700000000000000000n,
  }));
}
`;

const PAGE = `<!doctype html><meta charset="utf-8"><title>envelope runtimes</title>
<script type="module">
import { run } from "./conformance.js";
import { run as runBunBundle } from "./conformance-bun.js";
import { record } from "./producer.js";
window.pageResult = run("data.json");
window.bunBundleResult = runBunBundle("data.json");
window.workerResult = new Promise((resolve, reject) => {
  const worker = new Worker("worker.js", { type: "module" });
  worker.onmessage = (event) => resolve(event.data);
  worker.onerror = (event) => reject(new Error(event.message));
});
window.produced = Array.from(record("alice"), (b) => b.toString(16).padStart(2, "0")).join("");
</script>`;

const WORKER = `
import { run } from "./conformance.js";
run("data.json").then((result) => postMessage(result), (error) => postMessage({ failures: [String(error)] }));
`;

/** The README examples that are run: the first js block of each, and the text block it prints. */
const README_EXAMPLES = ["sdk", "core", "lz4", "protobuf"].map((name) => {
  const text = readFileSync(join(ROOT, "packages", name, "README.md"), "utf8");
  const match = /```js\n([\s\S]*?)```\s*prints\s*```text\n([\s\S]*?)```/.exec(text);
  if (match === null)
    throw new Error(`packages/${name}/README.md has no js example followed by what it prints`);
  return { name, code: match[1]!, prints: match[2]! };
});

const TYPES: Record<string, string> = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".json": "application/json",
};

beforeAll(async () => {
  if (!PACKAGES.every((p) => existsSync(join(ROOT, "packages", p, "dist", "index.js")))) {
    throw new Error(
      "the packages are not built: run `pnpm build` (or `pnpm test`, which builds first)",
    );
  }
  reference = (await runConformance(sdk, conformanceData())) as Result;
  work = mkdtempSync(join(tmpdir(), "envelope-runtimes-"));
  const tarballs = pack(join(work, "tarballs"), PACKAGES) as Record<string, string>;
  // A user's project, outside the repository, depending on the tarballs only.
  app = join(work, "app");
  mkdirSync(app);
  const deps = Object.fromEntries(Object.entries(tarballs).map(([n, f]) => [n, `file:${f}`]));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({ name: "app", private: true, type: "module", dependencies: deps }),
  );
  // The tarballs depend on each other by version: point those at the tarballs too.
  writeFileSync(
    join(app, "pnpm-workspace.yaml"),
    `overrides:\n${Object.entries(deps)
      .map(([n, f]) => `  "${n}": "${f}"`)
      .join("\n")}\n`,
  );
  const [pnpm, prefix] = pnpmCommand() as [string, string[]];
  const install = spawnSync(
    pnpm,
    [...prefix, "install", "--prefer-offline", "--config.node-linker=hoisted", "--reporter=silent"],
    { cwd: app, encoding: "utf8", env: CLEAN_ENV },
  );
  expect(install.status, install.stderr + install.stdout).toBe(0);
  cpSync(join(HERE, "conformance.mjs"), join(app, "conformance.mjs"));
  writeFileSync(join(app, "driver.mjs"), DRIVER);
  writeFileSync(join(app, "require.cjs"), REQUIRE_CJS);
  for (const example of README_EXAMPLES) {
    writeFileSync(join(app, `readme-${example.name}.mjs`), example.code);
  }
  writeFileSync(join(work, "data.json"), JSON.stringify(conformanceData()));

  // Bundles, written away from any node_modules.
  const away = join(work, "away");
  const web = join(work, "web");
  mkdirSync(away);
  mkdirSync(web);
  const bundle = (contents: string, outfile: string, platform: "node" | "browser") =>
    build({
      stdin: { contents, resolveDir: app, loader: "js" },
      bundle: true,
      format: "esm",
      platform,
      target: "es2022",
      minify: true,
      outfile,
      logLevel: "silent",
    });
  await bundle(DRIVER, join(away, "driver.mjs"), "node");
  // The same two with Bun's bundler.
  writeFileSync(join(app, "browser-entry.mjs"), BROWSER_ENTRY);
  for (const [entry, target, outfile] of [
    ["driver.mjs", "node", join(away, "bun-driver.mjs")],
    ["browser-entry.mjs", "browser", join(web, "conformance-bun.js")],
  ] as const) {
    const built = spawnSync(
      join(BIN, "bun"),
      ["build", entry, `--target=${target}`, "--minify", "--outfile", outfile],
      { cwd: app, encoding: "utf8", env: CLEAN_ENV },
    );
    expect(built.status, built.stderr).toBe(0);
  }
  await bundle(BROWSER_ENTRY, join(web, "conformance.js"), "browser");
  await bundle(PRODUCER_ENTRY, join(web, "producer.js"), "browser");
  writeFileSync(join(web, "index.html"), PAGE);
  writeFileSync(join(web, "worker.js"), WORKER);
  cpSync(join(work, "data.json"), join(web, "data.json"));

  server = createServer((request, response) => {
    const path = join(web, new URL(request.url ?? "/", "http://x").pathname);
    if (!path.startsWith(web) || !existsSync(path)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "content-type": TYPES[extname(path)] ?? "application/octet-stream" });
    response.end(readFileSync(path));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
}, DEADLINE_MS * 2);

afterAll(async () => {
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
  if (work !== "") rmSync(work, { recursive: true, force: true });
});

describe("the conformance subset", { timeout: DEADLINE_MS }, () => {
  test("passes in process on Node (the reference the others are compared with)", () => {
    expect(reference.failures).toEqual([]);
    expect(reference.checks).toBeGreaterThan(3000);
  });

  test("Node, from the packed tarballs installed outside the repository", async () => {
    const data = join(work, "data.json");
    expectSameAsNode(parse(await runCommand(process.execPath, ["driver.mjs", data], app)));
  });

  test("Node, CommonJS: require() of the packages (require of ES modules)", async () => {
    const run = await runCommand(process.execPath, ["require.cjs"], app);
    expect([run.code, run.stderr, run.stdout]).toEqual([0, "", "cjs\n"]);
  });

  test("Node, an esbuild bundle copied away from node_modules (lz4-napi cannot load)", async () => {
    const data = join(work, "data.json");
    const away = join(work, "away");
    expectSameAsNode(parse(await runCommand(process.execPath, ["driver.mjs", data], away)));
  });

  test("Node, a bun build bundle copied away from node_modules", async () => {
    const data = join(work, "data.json");
    const away = join(work, "away");
    expectSameAsNode(parse(await runCommand(process.execPath, ["bun-driver.mjs", data], away)));
  });

  test("Deno, with no permission but reading its data file", async () => {
    const data = join(work, "data.json");
    const run = await runCommand(
      join(BIN, "deno"),
      ["run", "--no-prompt", `--allow-read=${data}`, "driver.mjs", data],
      app,
      denoEnv(),
    );
    expectSameAsNode(parse(run));
  });

  test("Bun", async () => {
    const data = join(work, "data.json");
    expectSameAsNode(parse(await runCommand(join(BIN, "bun"), ["driver.mjs", data], app)));
  });

  test("Node without lz4-napi's native binding (npm install --omit=optional): JavaScript LZ4, nothing on stderr", async () => {
    const bare = join(work, "app-without-native");
    cpSync(app, bare, { recursive: true });
    const bindings = join(bare, "node_modules", "@antoniomuso");
    expect(existsSync(bindings)).toBe(true);
    rmSync(bindings, { recursive: true });
    // The binding really is gone: lz4-napi itself fails to load here.
    const probe = spawnSync(
      process.execPath,
      [
        "-e",
        "try { require('lz4-napi'); console.log('loaded') } catch (e) { console.log(e.message.slice(0, 27)) }",
      ],
      { cwd: bare, env: CLEAN_ENV, encoding: "utf8" },
    );
    expect(probe.stdout.trim()).toBe("Cannot find native binding.");
    const data = join(work, "data.json");
    expectSameAsNode(parse(await runCommand(process.execPath, ["driver.mjs", data], bare)));
  });

  test("the protobuf-only producer bundle, built from the tarballs, is under its budget and holds no other codec", () => {
    const code = readFileSync(join(work, "web", "producer.js"));
    const budgets = JSON.parse(readFileSync(join(ROOT, "bench", "bundle-budgets.json"), "utf8"));
    expect(gzipSync(code, { level: 9 }).length).toBeLessThanOrEqual(
      budgets["protobuf-producer"].gzipped,
    );
    // Names only the CBOR codec, the JSON codec and the LZ4 engine carry in their messages.
    const text = code.toString("utf8");
    for (const marker of ["invalid_cbor", "LZ4 data is corrupt", "invalid_json"]) {
      expect(text.includes(marker), marker).toBe(false);
    }
  });

  describe.each(README_EXAMPLES)("the $name README's example", ({ name, prints }) => {
    const file = `readme-${name}.mjs`;
    test("prints what the README says on Node", async () => {
      const run = await runCommand(process.execPath, [file], app);
      expect([run.code, run.stderr, run.stdout]).toEqual([0, "", prints]);
    });
    test("in Deno, with no permission at all", async () => {
      const run = await runCommand(join(BIN, "deno"), ["run", "--no-prompt", file], app, denoEnv());
      expect([run.code, run.stderr, run.stdout]).toEqual([0, "", prints]);
    });
    test("in Bun", async () => {
      const run = await runCommand(join(BIN, "bun"), [file], app);
      expect([run.code, run.stderr, run.stdout]).toEqual([0, "", prints]);
    });
  });

  const browser = existsSync(CHROMIUM) || CI ? test : test.skip;
  browser(
    "headless Chromium: the page (esbuild and bun build bundles), a Web Worker, a protobuf-only producer",
    async () => {
      const instance = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        timeout: DEADLINE_MS,
      });
      try {
        const page = await instance.newPage();
        const errors: string[] = [];
        page.on("pageerror", (error) => errors.push(error.message));
        await page.goto(`${origin}/index.html`);
        await page.waitForFunction(() => "workerResult" in window, undefined, {
          timeout: DEADLINE_MS,
        });
        const [inPage, fromBun, inWorker, produced] = await page.evaluate(async () => {
          const w = window as unknown as Record<string, unknown>;
          return [await w.pageResult, await w.bunBundleResult, await w.workerResult, w.produced];
        });
        expect(errors).toEqual([]);
        expectSameAsNode(inPage as Result);
        expectSameAsNode(fromBun as Result);
        expectSameAsNode(inWorker as Result);
        const expected = sdk.encode(
          sdk.createEnvelope({
            schema: { type: "request", subtype: "auth", version: "1.0.0" },
            resource: { serviceName: "web" },
            attributes: { user: "alice", attempts: 3n },
            eventId: new Uint8Array(16).fill(1),
            timeUnixNano: 1700000000000000000n,
          }),
        );
        expect(produced).toBe(sdk.bytesToHex(expected));
      } finally {
        await instance.close();
      }
    },
  );
});
