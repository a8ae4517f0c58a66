/** Sync errors: keyset pages newest first, filters as data, and a CSV a spreadsheet cannot execute. */
import { expect, it } from 'vitest';
import { recordSyncErrors, searchSyncErrors, syncErrorsCsv, type NewSyncError } from '../../src/store/sync-errors.js';
import { describeEachBackend } from '../helpers/db.js';

const error = (i: number, message: string): NewSyncError => ({
  runId: null, entity: i % 2 ? 'contact' : 'account', recordId: null, operation: 'update', direction: 'from_dynamics',
  code: 'too_long', message, personId: null,
});

describeEachBackend('sync errors', ({ db }) => {
  it('pages newest first by keyset until the last row, with the total', async () => {
    await recordSyncErrors(db(), Array.from({ length: 7 }, (_, i) => error(i, `message ${i}`)));
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
    await recordSyncErrors(db(), [error(0, '=HYPERLINK("http://evil.example","x")'), error(1, '+1 555'), error(2, 'plain, "quoted"')]);
    let csv = '';
    for await (const chunk of syncErrorsCsv(db())) csv += chunk;
    expect(csv).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csv).toContain(`'+1 555`);
    expect(csv).toContain('"plain, ""quoted"""');
    expect(csv).not.toMatch(/,=HYPERLINK/);
  });
});
