/**
 * Issue 3, items 4, 9, 10 and 11: what the sync does when Dynamics drifts under it — a column turns
 * unreadable, the delta token expires, a record is bad, a selected column is deleted.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { getCheckpoint } from '../../src/store/checkpoints.js';
import { getCompanyByDynamicsId, getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { listRuns } from '../../src/store/runs.js';
import { searchSyncErrors } from '../../src/store/sync-errors.js';
import { emulatorIds, describeWorlds } from './world.js';

const SYNC_USER = 'sync@contoso.test';

describeWorlds('drift', ({ open }) => {
  it('keeps stored values of a selected column that turns unreadable, and records a sync error', async () => {
    const w = await open();
    await w.cycle();
    const accountId = emulatorIds(w, 'account', 1)[0]!;
    const website = (await getCompanyByDynamicsId(w.db, accountId))!.fields.website;
    expect(website).toEqual(expect.any(String));
    w.admin.setColumnSecured('account', 'websiteurl', true);
    w.admin.setSecuredColumnRead(SYNC_USER, 'account', 'websiteurl', false);
    await w.rep.update('accounts', accountId, { address1_city: 'Oslo' });

    const result = await w.cycle();
    expect(result.tables.find((t) => t.entity === 'account')).toMatchObject({ status: 'success', updated: 1 });
    const company = (await getCompanyByDynamicsId(w.db, accountId))!;
    expect(company.fields).toMatchObject({ billingCity: 'Oslo', website });
    const errors = await searchSyncErrors(w.db, { entity: 'account' });
    expect(errors.items.map((e) => [e.code, e.message])).toEqual([
      [
        'column_unreadable',
        expect.stringContaining('account.websiteurl is selected but the sync user can no longer read it'),
      ],
    ]);
    // No Change Data Value claims the website became null.
    const cdv = await listActivities(w.db, { typeId: ActivityType.ChangeDataValue });
    expect(cdv.map((a) => a.attributes.field)).not.toContain('website');
  });

  it('re-baselines a table whose delta token expired: full read, missing rows marked deleted, reason in the run', async () => {
    const w = await open();
    await w.cycle();
    const [gone, kept] = emulatorIds(w, 'account', 2) as [string, string];
    await w.rep.remove('accounts', gone);
    await w.rep.update('accounts', kept, { name: 'Kept & Renamed' });
    w.admin.advanceClock({ days: 8 });

    const result = await w.cycle();
    const account = result.tables.find((t) => t.entity === 'account')!;
    expect(account).toMatchObject({ status: 'success', fullRead: true, deleted: 1 });
    expect(account.rebaselined).toMatch(/Version stamp associated with the client has expired/);
    expect((await getCompanyByDynamicsId(w.db, gone))!.dynamicsDeleted).toBe(true);
    expect((await getCompanyByDynamicsId(w.db, kept))!.fields.company).toBe('Kept & Renamed');
    const [run] = await listRuns(w.db, { limit: 1 });
    expect(run!.notes).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'account', message: expect.stringMatching(/^Re-baselined with a full read/) }),
      ]),
    );
    expect(run!.stats.account).toMatchObject({ reason: expect.stringMatching(/delta token expired/) });
    // Re-baselining is not a change of values: only the renamed account's persons get an activity.
    const keptPersons = await w.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM persons WHERE account_dynamics_id = $1',
      [kept],
    );
    expect(account.activities).toBe(keptPersons.rows[0]!.n);
    const next = await w.cycle();
    expect(next.tables.every((t) => !t.fullRead)).toBe(true);
  });

  it('records a bad record in sync errors and on its person, and applies the rest of the page', async () => {
    const w = await open();
    await w.cycle();
    const [tooLong, wrongType, badOption, fine] = emulatorIds(w, 'contact', 4) as [string, string, string, string];
    w.admin.corruptRecord('contact', tooLong, 'jobtitle', 'x'.repeat(500));
    w.admin.corruptRecord('contact', wrongType, 'donotphone', 'sometimes');
    w.admin.corruptRecord('contact', badOption, 'preferredcontactmethodcode', 99);
    await w.rep.update('contacts', fine, { jobtitle: 'Still Synced' });

    const result = await w.cycle();
    expect(result.tables.find((t) => t.entity === 'contact')).toMatchObject({
      status: 'success',
      skipped: 3,
      updated: 1,
    });
    expect((await getPersonByDynamicsId(w.db, fine))!.fields.title).toBe('Still Synced');
    const errors = (await searchSyncErrors(w.db, { entity: 'contact' })).items;
    expect(errors).toHaveLength(3);
    for (const e of errors)
      expect(e).toMatchObject({ operation: 'update', direction: 'from_dynamics', entity: 'contact' });
    expect(new Set(errors.map((e) => e.recordId))).toEqual(new Set([tooLong, wrongType, badOption]));
    expect(errors.map((e) => e.message).join('\n')).toMatch(/jobtitle[\s\S]*donotphone|donotphone[\s\S]*jobtitle/);
    const person = (await getPersonByDynamicsId(w.db, badOption))!;
    const logged = await listActivities(w.db, { personId: person.id, typeId: ActivityType.SyncError });
    expect(logged).toHaveLength(1);
    expect(logged[0]!.attributes).toMatchObject({ code: errors.find((e) => e.recordId === badOption)!.code });
  });

  it('blocks a table whose selected column was deleted in Dynamics until the selection is saved again; others go on', async () => {
    const w = await open();
    w.admin.addColumn('account', { logicalName: 'new_tier', type: 'String', maxLength: 20 });
    await w.saveFields('account', { add: ['new_tier'] });
    await w.cycle();
    w.admin.removeColumn('account', 'new_tier');
    const contactId = emulatorIds(w, 'contact', 1)[0]!;
    await w.rep.update('contacts', contactId, { jobtitle: 'Goes On' });

    const blocked = await w.cycle();
    expect(blocked.status).toBe('partial');
    expect(blocked.tables.find((t) => t.entity === 'account')).toMatchObject({
      status: 'blocked',
      error: { code: 'column_deleted' },
    });
    expect(blocked.tables.find((t) => t.entity === 'contact')).toMatchObject({ status: 'success', updated: 1 });
    expect((await getCheckpoint(w.db, 'account'))!.blockedReason).toMatch(
      /new_tier[\s\S]*Save the field selection again/,
    );
    const again = await w.cycle();
    expect(again.tables.find((t) => t.entity === 'account')).toMatchObject({
      status: 'blocked',
      error: { code: 'table_blocked' },
    });

    await w.saveFields('account', { remove: ['new_tier'] });
    const resumed = await w.cycle();
    expect(resumed.tables.find((t) => t.entity === 'account')!.status).toBe('success');
    expect((await getCheckpoint(w.db, 'account'))!.blockedReason).toBeNull();
  });
});
