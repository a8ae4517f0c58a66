/**
 * Log lines never glue onto the progress bar: on a terminal, stdout's status line and stderr's log
 * lines share one screen. Checked on a real pseudo-terminal (`script`) with the defaults the CLI
 * uses, and with fake terminal streams for the writer itself. The output is replayed on a small
 * screen model (carriage return, erase to end of line, newline), so the test sees what a user sees.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress.js';
import { createLogger, Terminal, terminalDestination } from '../../src/config/index.js';

const root = resolve(import.meta.dirname, '..', '..');

/** The lines a terminal shows after this output. */
function screen(output: string): string[] {
  const lines: string[] = [];
  let line = '';
  let col = 0;
  for (let i = 0; i < output.length; i++) {
    const ch = output[i]!;
    if (ch === '\r') col = 0;
    else if (ch === '\n') {
      lines.push(line);
      line = '';
      col = 0;
    } else if (output.startsWith('\x1b[K', i)) {
      line = line.slice(0, col);
      i += 2;
    } else {
      line = line.slice(0, col) + ch + line.slice(col + 1);
      col++;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Every log line is a line of its own (valid JSON from its first character); the bar is never on one. */
function expectLogLinesApart(lines: string[], logs: number): void {
  const logLines = lines.filter((l) => l.includes('"msg"'));
  expect(logLines).toHaveLength(logs);
  for (const l of logLines) {
    expect(l.startsWith('{'), `log line glued to the bar: ${JSON.stringify(l)}`).toBe(true);
    expect(() => JSON.parse(l) as unknown).not.toThrow();
  }
}

const scriptPath = ['/usr/bin/script', '/bin/script'].find((p) => existsSync(p));

describe('terminal output', () => {
  it.skipIf(!scriptPath)('keeps log lines off the progress bar on a pseudo-terminal (needs util-linux script)', () => {
    const output = execFileSync(
      scriptPath!,
      ['-qec', `${process.execPath} --import tsx test/cli/fixtures/bar-and-logs.ts`, '/dev/null'],
      {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
        env: { ...process.env, DYNASYNC_LOG_LEVEL: 'info' },
      },
    );
    const lines = screen(output);
    expectLogLinesApart(lines, 3);
    // The bar is drawn again under each log line, and the table's summary replaces it at the end.
    expect(lines.at(-2)).toMatch(/^contact {5}300 records in \d+\.\d s/);
    expect(lines.at(-1)).toBe('done');
  });

  it('writes log lines above the status line through one writer, and draws the bar again below them', () => {
    let output = '';
    const tty = () =>
      Object.assign(
        new Writable({
          write(c: Buffer, _e, done) {
            output += c.toString();
            done();
          },
        }),
        { isTTY: true },
      );
    const stdout = tty();
    const terminal = new Terminal();
    const logger = createLogger({ level: 'info', destination: terminalDestination(tty(), terminal) });
    let now = 0;
    const bar = new ProgressBar(stdout, () => now, terminal);
    bar.update({ entity: 'account', fullRead: true, records: 50, totalSoFar: 50, estimatedTotal: 100 });
    logger.warn('first');
    now += 1_000;
    bar.update({ entity: 'account', fullRead: true, records: 50, totalSoFar: 100, estimatedTotal: 100 });
    logger.info('second');
    expect(screen(output).at(-1)).toMatch(/^account +100 records .* 100% ETA 0:00$/);
    bar.finish();
    logger.info('after the bar');
    const lines = screen(output);
    expectLogLinesApart(lines, 3);
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('account     100 records in 1.0 s (100/s)');
  });

  it('leaves a log file alone while the bar is drawn (only a terminal can glue)', () => {
    const written: string[] = [];
    const file = Object.assign(
      new Writable({
        write(c: Buffer, _e, done) {
          written.push(c.toString());
          done();
        },
      }),
      { isTTY: false },
    );
    const terminal = new Terminal();
    let drawn = '';
    const stdout = Object.assign(
      new Writable({
        write(c: Buffer, _e, done) {
          drawn += c.toString();
          done();
        },
      }),
      { isTTY: true },
    );
    terminal.drawStatus(stdout, 'bar');
    terminal.write(file, 'log line\n');
    expect(written).toEqual(['log line\n']);
    expect(drawn).toBe('\rbar\x1b[K');
  });
});
