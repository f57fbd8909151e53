/**
 * Running the built `envelope` binary in tests, and the committed fixtures.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { decode } from "@envelope/sdk";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const BIN = fileURLToPath(new URL("../dist/bin.js", import.meta.url));

/** Fails with a clear message when the binary has not been built. */
export function requireBuild(): void {
  if (!existsSync(BIN)) {
    throw new Error(
      `${BIN} is missing: the CLI tests run the built binary; run \`pnpm build\` (or \`pnpm test\`, which builds first)`,
    );
  }
}

export interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly stdoutBytes: Buffer;
}

/**
 * Runs `envelope ...args` (NO_COLOR set unless `env` says otherwise).
 * `timeout` (ms) kills a run that hangs: its status is then null.
 */
export function envelope(
  args: readonly string[],
  options: {
    input?: Uint8Array | string;
    cwd?: string;
    env?: Record<string, string>;
    timeout?: number;
  } = {},
): Run {
  const run = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    env: { ...process.env, NO_COLOR: "1", ...options.env },
    maxBuffer: 256 * 1024 * 1024,
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
  });
  return {
    status: run.status,
    stdout: run.stdout.toString("utf8"),
    stderr: run.stderr.toString("utf8"),
    stdoutBytes: run.stdout,
  };
}

export interface Manifest {
  fixtures: { case: string; codec: string; compression: string; file: string }[];
  broken: { name: string; file: string; expectedError: string }[];
}

export function manifest(language: string): Manifest {
  return JSON.parse(readFileSync(`${ROOT}test/fixtures/${language}/manifest.json`, "utf8"));
}

export function fixturePath(language: string, file: string): string {
  return `${ROOT}test/fixtures/${language}/${file}`;
}

export function fixture(language: string, file: string): Uint8Array {
  return new Uint8Array(readFileSync(fixturePath(language, file)));
}

/** The fixtures of `language` that decode with default options. */
export function decodable(language: string): { file: string; bytes: Uint8Array }[] {
  return manifest(language)
    .fixtures.map((f) => ({ file: f.file, bytes: fixture(language, f.file) }))
    .filter(({ bytes }) => {
      try {
        decode(bytes);
        return true;
      } catch {
        return false;
      }
    });
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Parses NDJSON output. */
export function lines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l));
}
