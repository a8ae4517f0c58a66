/**
 * The initial sync's progress line on a terminal: table, count, rate and, when the total is known,
 * a bar and an ETA. Off a terminal (CI, pipes) it prints one line per finished table instead.
 * It draws through the terminal writer the logger shares, so a log line never lands on the bar.
 */
import type { WriteStream } from 'node:tty';
import { processTerminal, type Terminal } from '../config/index.js';

export interface ProgressEvent {
  readonly entity: string;
  readonly fullRead: boolean;
  readonly records: number;
  readonly totalSoFar: number;
  readonly estimatedTotal?: number | null;
}

export class ProgressBar {
  #entity: string | null = null;
  #started = 0;
  #last = 0;

  constructor(
    private readonly out: NodeJS.WritableStream & Partial<Pick<WriteStream, 'isTTY' | 'columns'>>,
    private readonly now: () => number = Date.now,
    private readonly terminal: Terminal = processTerminal,
  ) {}

  update(e: ProgressEvent): void {
    if (e.entity !== this.#entity) {
      this.finish();
      this.#entity = e.entity;
      this.#started = this.now();
    }
    this.#last = e.totalSoFar;
    if (this.out.isTTY) this.terminal.drawStatus(this.out, this.line(e));
  }

  /** Ends the current table's line. */
  finish(): void {
    if (this.#entity === null) return;
    const seconds = Math.max((this.now() - this.#started) / 1000, 0.001);
    const text = `${this.#entity.padEnd(11)} ${fmt(this.#last)} records in ${seconds.toFixed(1)} s (${fmt(this.#last / seconds)}/s)`;
    if (this.out.isTTY) this.terminal.endStatus(this.out, text);
    else this.out.write(`${text}\n`);
    this.#entity = null;
  }

  line(e: ProgressEvent): string {
    const seconds = Math.max((this.now() - this.#started) / 1000, 0.001);
    const rate = e.totalSoFar / seconds;
    const head = `${e.entity.padEnd(11)} ${fmt(e.totalSoFar).padStart(10)} records ${fmt(rate).padStart(8)}/s`;
    const total = e.estimatedTotal;
    if (!total || total <= 0) return head;
    const ratio = Math.min(e.totalSoFar / total, 1);
    const width = 24;
    const filled = Math.round(ratio * width);
    const eta = rate > 0 ? Math.max(total - e.totalSoFar, 0) / rate : 0;
    return `${head} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ETA ${clock(eta)}`;
  }
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}
