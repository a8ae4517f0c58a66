/** Sync errors: keyset pages newest first, filters as data, and a CSV a spreadsheet cannot execute. */
import { expect, it } from 'vitest';
import {
  recordSyncErrors,
  resolveSyncErrors,
  searchSyncErrors,
  syncErrorsCsv,
  type NewSyncError,
} from '../../src/store/sync-errors.js';
import { describeEachBackend } from '../helpers/db.js';

const error = (i: number, message: string): NewSyncError => ({
  runId: null,
  entity: i % 2 ? 'contact' : 'account',
  recordId: null,
  operation: 'update',
  direction: 'from_dynamics',
  code: 'too_long',
  message,
  personId: null,
});

describeEachBackend('sync errors', ({ db }) => {
  it('pages newest first by keyset until the last row, with the total', async () => {
    await recordSyncErrors(
      db(),
      Array.from({ length: 7 }, (_, i) => error(i, `message ${i}`)),
    );
    const seen: string[] = [];
    let beforeId: number | undefined;
    for (;;) {
      const page = await searchSyncErrors(db(), { limit: 3, beforeId });
      expect(page.total).toBe(7);
      seen.push(...page.items.map((e) => e.message));
      if (page.items.length < 3) break;
      beforeId = page.items.at(-1)!.id;
    }
    expect(seen).toEqual([6, 5, 4, 3, 2, 1, 0].map((i) => `message ${i}`));
    const contacts = await searchSyncErrors(db(), { entity: 'contact', text: '%' });
    expect(contacts.total).toBe(0); // '%' is text, not a wildcard
  });

  it('defuses values a spreadsheet would run as formulas in the CSV', async () => {
    await recordSyncErrors(db(), [
      error(0, '=HYPERLINK("http://evil.example","x")'),
      error(1, '+1 555'),
      error(2, 'plain, "quoted"'),
    ]);
    let csv = '';
    for await (const chunk of syncErrorsCsv(db())) csv += chunk;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).toContain(`'+1 555`);
    expect(csv).toContain('"plain, ""quoted"""');
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });

  it('keeps one open error per record, column and problem: seen again, it is bumped, not added', async () => {
    const id = '0b3c5f1e-0000-4000-8000-000000000001';
    const bad = (column: string, code: string, at: string): NewSyncError => ({
      runId: null,
      entity: 'contact',
      recordId: id,
      column,
      operation: 'update',
      direction: 'from_dynamics',
      code,
      message: `${column} is bad (${at})`,
      occurredAt: new Date(at),
    });
    const first = await recordSyncErrors(db(), [bad('emailaddress1', 'invalid_email', '2024-01-01T00:00:00Z')]);
    expect(first).toEqual([{ id: first[0]!.id, isNew: true, recordId: id }]);
    // The same problem twice in one batch, and again later: still one row.
    const again = await recordSyncErrors(db(), [
      bad('emailaddress1', 'invalid_email', '2024-01-02T00:00:00Z'),
      bad('emailaddress1', 'invalid_email', '2024-01-03T00:00:00Z'),
      bad('jobtitle', 'value_too_long', '2024-01-03T00:00:00Z'),
    ]);
    expect(again.map((r) => r.isNew)).toEqual([false, true]);
    let items = (await searchSyncErrors(db(), {})).items;
    expect(items.map((e) => [e.column, e.occurrences, e.lastSeenAt.toISOString(), e.message])).toEqual([
      ['jobtitle', 1, '2024-01-03T00:00:00.000Z', 'jobtitle is bad (2024-01-03T00:00:00Z)'],
      ['emailaddress1', 2, '2024-01-03T00:00:00.000Z', 'emailaddress1 is bad (2024-01-03T00:00:00Z)'],
    ]);
    expect(items[1]!.occurredAt.toISOString(), 'first seen stays').toBe('2024-01-01T00:00:00.000Z');

    // Resolved by a good read: the next break is a new error, the old one history.
    expect(await resolveSyncErrors(db(), 'contact', [id], new Date('2024-01-04T00:00:00Z'))).toBe(2);
    const later = await recordSyncErrors(db(), [bad('emailaddress1', 'invalid_email', '2024-01-05T00:00:00Z')]);
    expect(later[0]!.isNew).toBe(true);
    items = (await searchSyncErrors(db(), {})).items;
    expect(items.map((e) => [e.column, e.resolvedAt?.toISOString() ?? null])).toEqual([
      ['emailaddress1', null],
      ['jobtitle', '2024-01-04T00:00:00.000Z'],
      ['emailaddress1', '2024-01-04T00:00:00.000Z'],
    ]);
    // Table-level errors (no record) are never merged.
    await recordSyncErrors(db(), [error(1, 'table failed'), error(1, 'table failed')]);
    expect((await searchSyncErrors(db(), { text: 'table failed' })).total).toBe(2);
  });
});
