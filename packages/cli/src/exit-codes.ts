/**
 * Exit codes and the CLI's own error (README.md, "Exit codes").
 */

/** What `envelope` exits with. */
export const ExitCode = {
  /** Everything was read (and, for `validate`, valid). */
  ok: 0,
  /** A check failed: `validate` found an issue; `schema check|diff|gen --check|fixtures` found a problem. */
  issues: 1,
  /** Bad command line: unknown command or option, missing or invalid value. */
  usage: 2,
  /** Partial decode: some envelopes were read, some frames or records were bad (each reported on stderr). */
  partial: 3,
  /** Unreadable input: cannot be opened or read, not a recognised form, or holds no intact envelope. */
  unreadable: 4,
  /** Internal error: a bug (rerun with --debug for the stack trace). */
  internal: 70,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** An error that ends the command with one line on stderr and an exit code. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A command-line mistake (exit 2); the message should say how to get help. */
export function usageError(message: string, command?: string): CliError {
  const help = command === undefined ? "envelope --help" : `envelope ${command} --help`;
  return new CliError(ExitCode.usage, `${message} (see '${help}')`);
}

/** The exit code for a read: everything, some, or nothing decoded. */
export function readOutcome(good: number, bad: number): ExitCode {
  if (bad === 0) return good > 0 ? ExitCode.ok : ExitCode.unreadable;
  return good > 0 ? ExitCode.partial : ExitCode.unreadable;
}
