/**
 * The terminal side: where output goes, whether it is coloured, one-line
 * messages on stderr, and the progress bar (README.md, "Output").
 *
 * Colour is used only when the stream is a terminal, never when NO_COLOR is
 * set (https://no-color.org) or `--no-color` is given. The progress bar is
 * drawn only on a terminal stderr, for inputs over {@link PROGRESS_THRESHOLD}.
 */

/** The process streams and environment a command runs with (tests pass their own). */
export interface Io {
  readonly stdin: NodeJS.ReadableStream & { readonly isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

/** Flags every command takes. */
export interface CommonFlags {
  readonly debug: boolean;
  readonly quiet: boolean;
  readonly noColor: boolean;
}

/** Inputs at least this large get a progress bar (on a terminal). */
export const PROGRESS_THRESHOLD = 8 * 1024 * 1024;

const ANSI = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
} as const;
export type Style = keyof typeof ANSI;

/** Paints text, or returns it unchanged when colour is off. */
export type Painter = (style: Style, text: string) => string;

function painter(enabled: boolean): Painter {
  if (!enabled) return (_style, text) => text;
  return (style, text) => `\x1b[${ANSI[style][0]}m${text}\x1b[${ANSI[style][1]}m`;
}

/** Messages, colour and progress for one command run. */
export class Terminal {
  /** Paints stdout text. */
  readonly out: Painter;
  /** Paints stderr text. */
  readonly err: Painter;
  readonly stdoutIsTerminal: boolean;
  private bar: Progress | undefined;

  constructor(
    readonly io: Io,
    readonly flags: CommonFlags,
  ) {
    const noColor = flags.noColor || (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "");
    this.stdoutIsTerminal = io.stdout.isTTY === true;
    this.out = painter(!noColor && this.stdoutIsTerminal);
    this.err = painter(!noColor && io.stderr.isTTY === true);
  }

  /** One line on stderr, prefixed `envelope:`; the progress bar is cleared first. */
  message(line: string): void {
    this.bar?.clear();
    this.io.stderr.write(`${this.err("dim", "envelope:")} ${line}\n`);
  }

  /** An error line (red `error:`). */
  error(line: string): void {
    this.message(`${this.err("red", "error:")} ${line}`);
  }

  /** A warning line (yellow `warning:`); not shown with --quiet. */
  warn(line: string): void {
    if (!this.flags.quiet) this.message(`${this.err("yellow", "warning:")} ${line}`);
  }

  /** A progress bar for an input of `total` bytes (unknown: undefined); a no-op when not wanted. */
  progress(total: number | undefined): Progress {
    const enabled = this.io.stderr.isTTY === true && !this.flags.quiet;
    this.bar = new Progress(enabled ? this.io.stderr : undefined, total, this.err);
    return this.bar;
  }
}

function mb(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/** A one-line progress bar on stderr, redrawn at most ten times a second. */
export class Progress {
  private done = 0;
  private drawn = false;
  private last = 0;
  private readonly started = Date.now();

  constructor(
    private readonly stream: NodeJS.WritableStream | undefined,
    private readonly total: number | undefined,
    private readonly paint: Painter,
  ) {}

  /** Counts `n` more bytes read. */
  add(n: number): void {
    this.done += n;
    if (this.stream === undefined) return;
    if ((this.total ?? this.done) < PROGRESS_THRESHOLD) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    const seconds = Math.max((now - this.started) / 1000, 0.001);
    const rate = `${mb(this.done / seconds)} MB/s`;
    let line: string;
    if (this.total !== undefined && this.total > 0) {
      const ratio = Math.min(this.done / this.total, 1);
      const width = 24;
      const full = Math.round(ratio * width);
      const bar = `${"█".repeat(full)}${this.paint("dim", "░".repeat(width - full))}`;
      line = `${bar} ${(ratio * 100).toFixed(0).padStart(3)}%  ${mb(this.done)}/${mb(this.total)} MB  ${rate}`;
    } else {
      line = `${mb(this.done)} MB read  ${rate}`;
    }
    this.stream.write(`\r\x1b[K${line}`);
    this.drawn = true;
  }

  /** Erases the bar (before a message, and at the end). */
  clear(): void {
    if (!this.drawn || this.stream === undefined) return;
    this.stream.write("\r\x1b[K");
    this.drawn = false;
    this.last = 0;
  }
}
