/**
 * The process's terminal, shared by everything that writes to it. The progress bar is a status
 * line drawn without a newline (stdout), and a log line (stderr) written while it is drawn would
 * start at the bar's end, glued to it. So log lines, and any other whole lines, go through one
 * writer: it clears the status line, writes the lines, and draws the status line again below them.
 */
export type TerminalStream = NodeJS.WritableStream & { readonly isTTY?: boolean };

const CLEAR_LINE = '\r\x1b[K';

export class Terminal {
  #status: { readonly out: TerminalStream; readonly line: string } | null = null;

  /** Draws the status line on `out` (a terminal) in place of the previous one. */
  drawStatus(out: TerminalStream, line: string): void {
    out.write(`\r${line}\x1b[K`);
    this.#status = { out, line };
  }

  /** Replaces the status line with `text`, which stays on screen; the next line starts below it. */
  endStatus(out: TerminalStream, text: string): void {
    out.write(`\r${text}\x1b[K\n`);
    this.#status = null;
  }

  /** Writes whole lines (ending with a newline) to `out`, above the status line when one is drawn. */
  write(out: TerminalStream, text: string): void {
    const status = this.#status;
    // A stream that is not the status line's and not a terminal (a log file) cannot glue onto it.
    if (!status || (out !== status.out && !out.isTTY)) {
      out.write(text);
      return;
    }
    status.out.write(CLEAR_LINE);
    out.write(text);
    status.out.write(`${status.line}\x1b[K`);
  }
}

/** The terminal of this process (its stdout and stderr): the one the logger and the CLI share. */
export const processTerminal = new Terminal();
