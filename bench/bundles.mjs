// Bundle sizes: what a browser bundle of the SDK costs, built with esbuild
// (bundled, minified, ESM, platform browser) and gzipped (level 9), for three
// programs a user writes: a protobuf-only producer (createKit with the
// protobuf codec: no JSON or CBOR codec, no LZ4), a full producer (the
// one-import @envelope/sdk, every codec and LZ4) and a decoder (@envelope/sdk's
// decode, decodeStream and toJson). Reads the packages' dist/ (run
// `pnpm build` first), as a user's bundler would from the tarballs.
//
//   node bench/bundles.mjs            report
//   node bench/bundles.mjs --check    and fail when a bundle is over its budget
//                                     in bench/bundle-budgets.json, or when the
//                                     protobuf-only bundle holds a module it must not
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const budgets = JSON.parse(readFileSync(new URL("bundle-budgets.json", import.meta.url), "utf8"));

/** The programs, as a user would write them. `forbidden`: source paths that must not be in the bundle. */
export const PROGRAMS = {
  "protobuf-producer": {
    what: "createKit({ codecs: [protobuf] }) + createEnvelope + encode",
    source: `
import { createEnvelope, createKit } from "@envelope/sdk/kit";
import { protobuf } from "@envelope/sdk/protobuf";
const encoder = createKit({ codecs: [protobuf] }).createEncoder();
export function record(user) {
  return encoder.encode(createEnvelope({
    schema: { type: "request", subtype: "auth", version: "1.0.0" },
    resource: { serviceName: "web" },
    attributes: { user },
  }));
}`,
    forbidden: [
      /packages\/cbor\//,
      /packages\/lz4\//,
      /lz4-napi/,
      /packages\/core\/dist\/json\/codec/,
    ],
  },
  "full-producer": {
    what: "@envelope/sdk: createEncoder (any codec, LZ4) + createEnvelope",
    source: `
import { createEncoder, createEnvelope } from "@envelope/sdk";
export function encoderFor(codec) { return createEncoder({ codec, compression: "lz4" }); }
export function record(encoder, user) {
  return encoder.encode(createEnvelope({
    schema: { type: "request", subtype: "auth", version: "1.0.0" },
    resource: { serviceName: "web" },
    attributes: { user },
  }));
}`,
    forbidden: [/lz4-napi/],
  },
  decoder: {
    what: "@envelope/sdk: decode + decodeStream + toJson (every codec, LZ4)",
    source: `
import { decode, decodeStream, toJson } from "@envelope/sdk";
export async function* read(stream) {
  for await (const item of decodeStream(stream)) yield item.error ?? toJson(item.envelope);
}
export function one(bytes) { return toJson(decode(bytes)); }`,
    forbidden: [/lz4-napi/],
  },
};

/** Builds one program; returns its minified and gzipped sizes and the modules it holds. */
export async function measure(name) {
  const program = PROGRAMS[name];
  const result = await build({
    stdin: { contents: program.source, resolveDir: ROOT, loader: "js", sourcefile: `${name}.js` },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const code = result.outputFiles[0].contents;
  // The modules that put code in the bundle (an import that tree-shaking emptied is not one).
  const output = Object.values(result.metafile.outputs)[0];
  const inputs = Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  return {
    name,
    minified: code.length,
    gzipped: gzipSync(code, { level: 9 }).length,
    inputs,
    forbidden: inputs.filter((path) => program.forbidden.some((re) => re.test(path))),
  };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

async function main() {
  const check = process.argv.includes("--check");
  const failures = [];
  console.log("bundle (esbuild, browser, minified)   minified    gzipped   budget (gzipped)");
  for (const name of Object.keys(PROGRAMS)) {
    const m = await measure(name);
    const budget = budgets[name]?.gzipped;
    console.log(
      `${name.padEnd(38)}${kb(m.minified).padStart(9)}  ${kb(m.gzipped).padStart(9)}   ${budget === undefined ? "none" : kb(budget)}`,
    );
    if (budget === undefined) failures.push(`${name}: no budget in bench/bundle-budgets.json`);
    else if (m.gzipped > budget) failures.push(`${name}: ${m.gzipped} B gzipped, over ${budget} B`);
    for (const path of m.forbidden) failures.push(`${name}: holds ${path}, which it must not`);
  }
  for (const [name, p] of Object.entries(PROGRAMS)) console.log(`  ${name}: ${p.what}`);
  console.log("");
  if (failures.length > 0) {
    for (const f of failures) console.error(`✗ ${f}`);
    if (check) process.exit(1);
  } else if (check) {
    console.log("✓ every bundle is within its budget and holds only what it uses");
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
