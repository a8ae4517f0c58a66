/**
 * Issue 9 (one malformed record fails its whole table) and issue 15 §2 (a skipped bad record is
 * marked deleted by the next full read). Malformed values are planted in the emulator's rows the way
 * a buggy plug-in or import leaves them; every one must be stopped before it reaches SQL, become one
 * sync error naming the record, the column and the problem, and leave the rest of its page stored.
 * A record that was read but skipped still exists in Dynamics: no full read may mark it deleted, and
 * reading it again bumps its open sync error instead of logging a second one.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { getPersonByDynamicsId, getCompanyByDynamicsId } from '../../src/store/records/index.js';
import { searchSyncErrors, type SyncErrorEntry } from '../../src/store/sync-errors.js';
import { describeWorlds, emulatorIds, type World } from './world.js';

interface Plant {
  readonly table: 'contact' | 'account';
  readonly column: string;
  readonly value: unknown;
  readonly code: string;
  /** What the message must say about the value. */
  readonly says: RegExp;
}

// Each of these made PostgreSQL (or PGlite) refuse the whole page before values were checked.
const PLANTS: readonly Plant[] = [
  { table: 'contact', column: 'parentcustomerid', value: 'not-a-guid', code: 'wrong_type', says: /GUID/ },
  { table: 'contact', column: 'ownerid', value: '1234', code: 'wrong_type', says: /GUID/ },
  {
    table: 'contact',
    column: 'createdon',
    value: '0000-01-01T00:00:00Z',
    code: 'value_out_of_range',
    says: /1753|9999|range/,
  },
  { table: 'contact', column: 'createdon', value: '2023-02-30T10:00:00Z', code: 'wrong_type', says: /date/ },
  { table: 'account', column: 'ownerid', value: 'owner', code: 'wrong_type', says: /GUID/ },
  // The column's own MaxValue (1,000,000,000), not only the Integer type's (2,147,483,647).
  {
    table: 'account',
    column: 'numberofemployees',
    value: 1_500_000_000,
    code: 'value_out_of_range',
    says: /1000000000|1,000,000,000/,
  },
  { table: 'account', column: 'numberofemployees', value: -5, code: 'value_out_of_range', says: /-5/ },
];

const errorsOf = async (w: World): Promise<SyncErrorEntry[]> =>
  (await searchSyncErrors(w.db, { limit: 1000 })).items.filter((e) => e.recordId !== null);

describeWorlds('bad records', ({ open }) => {
  it('a malformed value becomes a sync error naming record and column; the rest of the table is stored', async () => {
    const w = await open();
    const contacts = emulatorIds(w, 'contact');
    const accounts = emulatorIds(w, 'account');
    const picks = { contact: contacts.slice(1), account: accounts.slice(1) };
    const planted = PLANTS.map((p) => {
      const id = picks[p.table].shift()!;
      w.admin.corruptRecord(p.table, id, p.column, p.value);
      return { ...p, id };
    });

    const r = await w.cycle();
    const byTable = Object.fromEntries(r.tables.map((t) => [t.entity, t]));
    expect(r.status, JSON.stringify(r.tables.map((t) => t.error))).toBe('success');
    const bad = (table: string) => planted.filter((p) => p.table === table).length;
    expect(byTable.contact).toMatchObject({
      status: 'success',
      skipped: bad('contact'),
      inserted: contacts.length - bad('contact'),
    });
    expect(byTable.account).toMatchObject({
      status: 'success',
      skipped: bad('account'),
      inserted: accounts.length - bad('account'),
    });

    const errors = await errorsOf(w);
    expect(errors).toHaveLength(planted.length);
    for (const p of planted) {
      const e = errors.find((x) => x.recordId === p.id && x.column === p.column);
      expect(e, `${p.table}.${p.column} = ${JSON.stringify(p.value)}`).toMatchObject({
        entity: p.table,
        code: p.code,
        operation: 'create',
      });
      expect(e!.message).toContain(`${p.table}.${p.column}`);
      expect(e!.message).toMatch(p.says);
      const stored =
        p.table === 'contact' ? await getPersonByDynamicsId(w.db, p.id) : await getCompanyByDynamicsId(w.db, p.id);
      expect(stored, 'never stored half-valid').toBeNull();
    }
  });

  it('a skipped record is seen by a full read: never marked deleted, its error not logged twice', async () => {
    const w = await open();
    await w.cycle();
    const id = emulatorIds(w, 'contact')[5]!;
    const person = (await getPersonByDynamicsId(w.db, id))!;
    w.admin.corruptRecord('contact', id, 'emailaddress1', 'not an email');
    // Touch the row so the delta read carries it (corrupting writes no new version).
    await w.rep.update('contacts', id, { jobtitle: 'Touched' });

    const delta = await w.cycle();
    expect(delta.tables.find((t) => t.entity === 'contact')).toMatchObject({ fullRead: false, skipped: 1 });
    const [first] = await errorsOf(w);
    expect(first).toMatchObject({
      recordId: id,
      code: 'invalid_email',
      column: 'emailaddress1',
      occurrences: 1,
      personId: person.id,
      operation: 'update',
    });

    // Full read 1: the delta token expired.
    w.admin.expireDeltaTokens('contact');
    const rebaselined = await w.cycle();
    expect(rebaselined.tables.find((t) => t.entity === 'contact')).toMatchObject({
      fullRead: true,
      skipped: 1,
      deleted: 0,
    });
    // Full read 2: a new field selection, read in full (not by quick sync).
    await w.saveFields('contact', { add: ['department'], refresh: 'full' });
    const reread = await w.cycle();
    expect(reread.tables.find((t) => t.entity === 'contact')).toMatchObject({ fullRead: true, skipped: 1, deleted: 0 });

    const after = (await getPersonByDynamicsId(w.db, id))!;
    expect(after.dynamicsDeleted, 'the contact exists in Dynamics').toBe(false);
    expect(after.fields.email, 'its last good value is kept').toBe(person.fields.email);
    const errors = await errorsOf(w);
    expect(errors, 'one sync error per record per problem').toHaveLength(1);
    expect(errors[0]).toMatchObject({ id: first!.id, occurrences: 3, resolvedAt: null });
    expect(errors[0]!.lastSeenAt.getTime()).toBeGreaterThanOrEqual(first!.lastSeenAt.getTime());
    const logged = await w.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM activities WHERE person_id = $1 AND type_id = $2',
      [person.id, ActivityType.SyncError],
    );
    expect(logged.rows[0]!.n, 'one Sync Error activity on the person').toBe(1);

    // Repaired: the record syncs, its error is resolved; a new break of the same kind is a new error.
    await w.rep.update('contacts', id, { emailaddress1: 'repaired@example.com' });
    expect((await w.cycle()).tables.find((t) => t.entity === 'contact')?.skipped).toBe(0);
    expect((await getPersonByDynamicsId(w.db, id))!.email).toBe('repaired@example.com');
    const resolved = await errorsOf(w);
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.resolvedAt).toBeInstanceOf(Date);
    w.admin.corruptRecord('contact', id, 'emailaddress1', 'broken again');
    await w.rep.update('contacts', id, { jobtitle: 'Touched again' });
    await w.cycle();
    expect((await errorsOf(w)).filter((e) => e.resolvedAt === null)).toHaveLength(1);
    expect(await errorsOf(w)).toHaveLength(2);
  });
});
