/**
 * The terminal's cycle summary says the counts in words, as `status` and the pages do
 * ("5 updated", "no changes"), not `+0 ~5 -0`.
 */
import { describe, expect, it } from 'vitest';
import { printCycle } from '../../src/cli/commands/sync.js';
import type { CliContext } from '../../src/cli/context.js';
import type { StreamResult } from '../../src/sync/stream.js';

const table = (entity: StreamResult['entity'], counts: Partial<StreamResult>): StreamResult => ({
  entity,
  status: 'success',
  fullRead: false,
  pages: 1,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  deleted: 0,
  skipped: 0,
  activities: 0,
  ...counts,
});

function printed(tables: StreamResult[]): string[] {
  let out = '';
  const ctx = { out: { write: (s: string) => ((out += s), true) } } as unknown as CliContext;
  const startedAt = new Date('2026-12-04T08:00:00Z');
  printCycle(ctx, { runId: 7, status: 'success', tables, startedAt, endedAt: new Date(startedAt.getTime() + 1500) });
  return out.trimEnd().split('\n');
}

describe('the cycle summary', () => {
  it('says what changed in words, with thousands separators, and "no changes" for a quiet table', () => {
    const lines = printed([
      table('contact', { updated: 5 }),
      table('account', {}),
      table('lead', { fullRead: true, inserted: 12_345, deleted: 2, skipped: 1, activities: 1 }),
      table('opportunity', { updated: 1, activities: 3 }),
    ]);
    expect(lines[0]).toBe('cycle 7: success in 1.5 s');
    expect(lines[1]).toMatch(/^ {2}contact\s+success\s+changes\s+5 updated$/);
    expect(lines[2]).toMatch(/^ {2}account\s+success\s+changes\s+no changes$/);
    expect(lines[3]).toMatch(/^ {2}lead\s+success\s+full read 12,345 new, 2 deleted, 1 skipped, 1 activity$/);
    expect(lines[4]).toMatch(/opportunity\s+success\s+changes\s+1 updated, 3 activities$/);
    expect(lines.join('\n')).not.toMatch(/[+~]\d/);
  });
});
