/** The initial sync's progress line: counts, rate, a bar and an ETA on a terminal; one line per table off it. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ProgressBar } from '../../src/cli/progress.js';

function sink(isTTY: boolean) {
  let text = '';
  const out = Object.assign(
    new Writable({
      write(c: Buffer, _e, done) {
        text += c.toString();
        done();
      },
    }),
    { isTTY },
  );
  return { out, text: () => text };
}

describe('ProgressBar', () => {
  it('shows count, rate, bar and ETA from the table start, then a summary line', () => {
    let now = 1_000_000;
    const s = sink(true);
    const bar = new ProgressBar(s.out, () => now);
    bar.update({ entity: 'contact', fullRead: true, records: 0, totalSoFar: 0, estimatedTotal: 100_000 });
    now += 2_000;
    bar.update({ entity: 'contact', fullRead: true, records: 5000, totalSoFar: 25_000, estimatedTotal: 100_000 });
    expect(s.text()).toContain('contact         25,000 records   12,500/s [######..................]  25% ETA 0:06');
    now += 2_000;
    bar.finish();
    expect(s.text()).toMatch(/\rcontact {5}25,000 records in 4\.0 s \(6,250\/s\)\x1b\[K\n$/);
  });

  it('prints only one line per finished table when not on a terminal', () => {
    let now = 0;
    const s = sink(false);
    const bar = new ProgressBar(s.out, () => now);
    bar.update({ entity: 'account', fullRead: true, records: 0, totalSoFar: 0, estimatedTotal: null });
    now += 500;
    bar.update({ entity: 'account', fullRead: true, records: 200, totalSoFar: 200, estimatedTotal: null });
    bar.update({ entity: 'contact', fullRead: true, records: 0, totalSoFar: 0, estimatedTotal: null });
    expect(s.text()).toBe('account     200 records in 0.5 s (400/s)\n');
  });
});
