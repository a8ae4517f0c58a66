/**
 * Issue 12 §4: a full read with parallel tables and primary-key ranges. Creates, updates and deletes
 * made in Dynamics while the ranges run all end correct after the cycle (the delta from the link
 * secured before the ranges catches them), and no New Lead or Change Data Value is logged twice.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { ActivityType } from '../../src/domain/index.js';
import { getPersonByDynamicsId } from '../../src/store/records/index.js';
import { runCycle } from '../../src/sync/cycle.js';
import type { ReadPage, SourceReader } from '../../src/sync/ports.js';
import { describeWorlds, emulatorIds, emulatorRows, type World } from './world.js';

const READS = { parallelTables: true, ranges: 4, rangeMinRows: 500 };

/** The sync's source, with a hook before each range page is handed over (the ranges' plain reads). */
function gatedSource(source: SourceReader, beforePage: (n: number, page: ReadPage) => Promise<void>): SourceReader {
  let n = 0;
  return Object.assign(Object.create(source) as SourceReader, {
    readRows: async function* (req: Parameters<NonNullable<SourceReader['readRows']>>[0]) {
      for await (const page of source.readRows!(req)) {
        if (req.entity === 'contact') await beforePage(++n, page);
        yield page;
      }
    },
  });
}

async function duplicates(w: World, typeId: number): Promise<number> {
  const r = await w.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (SELECT person_id, primary_attribute_value FROM activities WHERE type_id = $1
       GROUP BY person_id, primary_attribute_value, attributes->>'newValue' HAVING count(*) > 1) d`,
    [typeId],
  );
  return r.rows[0]!.n;
}

describeWorlds('full read in key ranges', ({ open }) => {
  it('ends exactly at the table after creates, updates and deletes made during the ranges, logging nothing twice', async () => {
    const w = await open({ seed: 300 }, { pageSize: 100 });
    const handed = new Set<string>(); // contacts a range page already carried
    const edits = { readThenUpdated: [] as string[], updatedBeforeRead: [] as string[], deleted: [] as string[] };
    const created: string[] = [];
    let edited = false;
    const source = gatedSource(w.session.source, async (n, page) => {
      if (n === 6 && !edited) {
        edited = true;
        const all = emulatorIds(w, 'contact');
        const notYet = all.filter((id) => !handed.has(id));
        edits.readThenUpdated = [...handed].slice(0, 5);
        edits.updatedBeforeRead = notYet.slice(-5);
        edits.deleted = [...[...handed].slice(5, 8), ...notYet.slice(0, 3)];
        for (const id of [...edits.readThenUpdated, ...edits.updatedBeforeRead])
          await w.rep.update('contacts', id, { jobtitle: `Ranged ${id.slice(0, 8)}` });
        for (const id of edits.deleted) await w.rep.remove('contacts', id);
        for (let i = 0; i < 4; i++)
          created.push(await w.rep.create('contacts', { firstname: 'Ran', lastname: `Ged ${i}` }));
      }
      for (const row of page.rows) handed.add(String(row.contactid));
    });
    const logger = silentLogger();
    const result = await runCycle({ db: w.db, source, logger, userId: w.userId, reads: READS }, 'once');
    expect(result.status).toBe('success');
    expect(edited).toBe(true);
    const contact = result.tables.find((t) => t.entity === 'contact')!;
    expect(contact.fullRead).toBe(true);
    // The ranges' rows are gone once done; the checkpoint holds a delta link.
    expect((await w.db.query('SELECT * FROM range_cursors')).rows).toEqual([]);
    const cp = await w.db.query<{ phase: string; link: string }>(`SELECT * FROM checkpoints WHERE stream = 'contact'`);
    expect(cp.rows[0]!.phase).toBe('delta');
    expect(cp.rows[0]!.link).toMatch(/\$deltatoken=/);

    // Every live contact, with its values; every deleted one flagged.
    const live = await emulatorRows(w, 'contacts', ['contactid', 'jobtitle']);
    const stored = await w.db.query<{ dynamics_id: string; title: string | null }>(
      `SELECT dynamics_id, fields->>'title' AS title FROM persons
       WHERE dynamics_id IS NOT NULL AND NOT dynamics_deleted AND dynamics_type = 'Contact'`,
    );
    const byId = new Map(stored.rows.map((r) => [r.dynamics_id, r.title]));
    expect(byId.size).toBe(live.length);
    for (const row of live) expect(byId.get(row.contactid as string)).toBe(row.jobtitle ?? null);
    for (const id of created) expect(byId.has(id)).toBe(true);
    for (const id of edits.deleted) {
      const p = await getPersonByDynamicsId(w.db, id);
      if (p) expect(p.dynamicsDeleted).toBe(true);
    }
    // A contact read before its change: one Change Data Value (from the delta); read after: none.
    const cdvCount = async (id: string) => {
      const p = (await getPersonByDynamicsId(w.db, id))!;
      const r = await w.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM activities WHERE person_id = $1 AND type_id = $2',
        [p.id, ActivityType.ChangeDataValue],
      );
      return r.rows[0]!.n;
    };
    for (const id of edits.readThenUpdated) expect(await cdvCount(id)).toBe(1);
    for (const id of edits.updatedBeforeRead) expect(await cdvCount(id)).toBe(0);
    expect(await duplicates(w, ActivityType.NewLead)).toBe(0);
    expect(await duplicates(w, ActivityType.ChangeDataValue)).toBe(0);
    const newLeads = await w.db.query<{ n: number; persons: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT person_id)::int AS persons FROM activities WHERE type_id = $1`,
      [ActivityType.NewLead],
    );
    expect(newLeads.rows[0]!.n).toBe(newLeads.rows[0]!.persons);

    // The next cycle has nothing left to do.
    const again = await runCycle(
      { db: w.db, source: w.session.source, logger, userId: w.userId, reads: READS },
      'once',
    );
    const c2 = again.tables.find((t) => t.entity === 'contact')!;
    expect([c2.fullRead, c2.inserted, c2.updated, c2.activities]).toEqual([false, 0, 0, 0]);
  });

  it('reads a table under the size threshold with one cursor', async () => {
    const w = await open({ seed: 30 }, { pageSize: 100 });
    let rangePages = 0;
    const source = gatedSource(w.session.source, async () => {
      rangePages++;
    });
    const logger = silentLogger();
    await runCycle({ db: w.db, source, logger, userId: w.userId, reads: { ...READS, rangeMinRows: 100_000 } }, 'once');
    expect(rangePages).toBe(0);
  });
});
