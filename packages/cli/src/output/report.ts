/**
 * What every reading command reports on stderr: each bad frame, record or
 * line in one line (where, how many bytes were skipped, the error code and
 * message), and a summary when anything was bad.
 */
import type { BadItem, Reading } from "../input/read-envelopes.js";
import type { Terminal } from "./terminal.js";

/** Error codes that mean "decoded, but not a valid envelope". */
const VALIDATION_CODES: ReadonlySet<string> = new Set([
  "invalid_id",
  "missing_field",
  "invalid_semver",
]);

/** Counts of a read. */
export class Tally {
  good = 0;
  bad = 0;
  skipped = 0;
  private invalid = false;

  /** Reports a bad item on stderr and counts it. */
  reportBad(term: Terminal, item: BadItem): void {
    this.bad++;
    this.skipped += item.length;
    if (VALIDATION_CODES.has(item.error.code)) this.invalid = true;
    const skipped =
      item.length > 0 && item.label.startsWith("frame")
        ? `, ${plural(item.length, "byte")} skipped`
        : "";
    term.message(`${term.err("red", "bad")} ${item.label}${skipped}: ${item.error.message}`);
  }

  /** The closing summary on stderr, when something was bad (not with --quiet). */
  summary(term: Terminal, reading: Reading, what: string): void {
    if (this.bad === 0 || term.flags.quiet) return;
    if (this.invalid) term.message("hint: --no-validate shows envelopes that fail validation");
    // One payload: its error line says it all.
    if (
      reading.form !== "frames" &&
      reading.form !== "ndjson" &&
      reading.form !== "protobuf-delimited"
    ) {
      return;
    }
    const where = reading.unwrapped ? " (offsets are in the unwrapped bytes)" : "";
    const bad = `${plural(this.bad, "bad run")} (${plural(this.skipped, "byte")}) skipped${where}`;
    term.message(
      this.good === 0
        ? `no intact ${what} in ${reading.description}; ${bad}`
        : `${plural(this.good, what)} read from ${reading.description}; ${bad}`,
    );
  }
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
