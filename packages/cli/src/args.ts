/**
 * Command-line parsing on node:util parseArgs, with the options every
 * command takes and the reading options shared by decode, inspect and convert.
 */
import { parseArgs } from "node:util";
import { type CodecName, type CompressionName, DEFAULT_LIMITS } from "@envelope/sdk";
import { usageError } from "./exit-codes.js";
import type { ReadOptions } from "./input/read-envelopes.js";
import type { CommonFlags } from "./output/terminal.js";

/** One option: its type, a one-letter alias, and whether it may repeat (its value is then every one given, in order). */
export type OptionSpec = { type: "string" | "boolean"; short?: string; multiple?: boolean };

/** A parsed option value. */
export type OptionValue = string | boolean | string[] | undefined;

/** --help, --debug, --quiet, --no-color. */
export const COMMON_OPTIONS = {
  help: { type: "boolean", short: "h" },
  debug: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  "no-color": { type: "boolean" },
} as const satisfies Record<string, OptionSpec>;

/** Parsed arguments. */
export interface Parsed {
  readonly values: Readonly<Record<string, OptionValue>>;
  readonly positionals: readonly string[];
  readonly flags: CommonFlags;
}

/** Parses `args` for `command`; a mistake is a usage error (exit 2). */
export function parseCommand(
  command: string,
  args: readonly string[],
  options: Record<string, OptionSpec>,
  maxPositionals: number,
): Parsed {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message.split("\n")[0]!, command);
  }
  const values = parsed.values as Record<string, OptionValue>;
  if (values.help !== true && parsed.positionals.length > maxPositionals) {
    throw usageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`, command);
  }
  return {
    values,
    positionals: parsed.positionals,
    flags: {
      debug: values.debug === true,
      quiet: values.quiet === true,
      noColor: values["no-color"] === true,
    },
  };
}

/** The value of a string option that must be one of `allowed`. */
export function choice<T extends string>(
  value: OptionValue,
  allowed: readonly T[],
  option: string,
  command: string,
): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw usageError(
      `--${option} must be one of ${allowed.join(", ")}, not '${String(value)}'`,
      command,
    );
  }
  return value as T;
}

export const CODECS: readonly CodecName[] = ["protobuf", "json", "cbor"];
export const COMPRESSIONS: readonly CompressionName[] = ["none", "lz4"];

/** The reading options of decode and inspect (`prefix` is `from-` for convert). */
export const READ_OPTIONS = (prefix: string) =>
  ({
    [`${prefix}codec`]: { type: "string" },
    [`${prefix}compression`]: { type: "string" },
    delimited: { type: "boolean" },
    "no-validate": { type: "boolean" },
  }) satisfies Record<string, OptionSpec>;

/** Reads the reading options back from parsed values. */
export function readOptions(
  parsed: Parsed,
  command: string,
  prefix: string,
  headersOnly: boolean,
): ReadOptions {
  const v = parsed.values;
  return {
    codec: choice(v[`${prefix}codec`], CODECS, `${prefix}codec`, command),
    compression: choice(v[`${prefix}compression`], COMPRESSIONS, `${prefix}compression`, command),
    delimited: v.delimited === true,
    validate: v["no-validate"] !== true,
    headersOnly,
    limits: DEFAULT_LIMITS,
  };
}
