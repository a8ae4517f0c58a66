/**
 * Issue 10, item 8 (reference 2.2, 2.3): new_synctomkto No creates nothing and stops an existing
 * person (kept, stale, logged); No → Yes updates it again. Updates made by the sync user itself are
 * not synced back (reference 1.1). A person deleted locally whose record changes comes back new.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import { silentLogger } from '../../src/config/logger.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD } from '../../src/emulator/index.js';
import { buildStatus } from '../../src/sync/status.js';
import { describeWorlds, emulatorIds, openLeadIds } from './world.js';

describeWorlds('sync filter and deletes', ({ open }) => {
  it('No creates nothing, stops an existing person with a log entry; Yes syncs it again', async () => {
    const w = await open();
    w.admin.addColumn('contact', { logicalName: 'new_synctomkto', type: 'Boolean' });
    await w.saveFields('contact', { add: ['new_synctomkto'] });
    await w.cycle();
    const id = emulatorIds(w, 'contact', 1)[0]!;
    const p = (await getPersonByDynamicsId(w.db, id))!;
    await w.rep.update('contacts', id, { new_synctomkto: false, lastname: 'Stale' });
    const hidden = await w.rep.create('contacts', { lastname: 'Hidden', new_synctomkto: false });
    const shown = await w.rep.create('contacts', { lastname: 'Shown', new_synctomkto: true }); // a Two Options column defaults to No on create
    await w.cycle();
    const stopped = (await getPersonByDynamicsId(w.db, id))!;
    expect(stopped.id).toBe(p.id);
    expect(stopped.fields.lastName).toBe(p.fields.lastName);
    expect(await getPersonByDynamicsId(w.db, hidden)).toBeNull();
    expect((await getPersonByDynamicsId(w.db, shown))!.fields.lastName).toBe('Shown');
    const log = await listActivities(w.db, { personId: p.id, typeId: ActivityType.ChangeDataValue });
    expect(log.map((a) => a.attributes)).toEqual([
      expect.objectContaining({
        field: 'new_synctomkto',
        newValue: false,
        reason: expect.stringMatching(/stopped syncing/),
      }),
    ]);
    const contactStatus = async () => (await buildStatus(w.db, null)).tables.find((t) => t.table === 'contact')!;
    expect((await contactStatus()).stoppedBySyncFilter).toBe(1); // status says so

    await w.rep.update('contacts', id, { new_synctomkto: true });
    await w.rep.update('contacts', hidden, { new_synctomkto: true });
    await w.cycle();
    expect((await getPersonByDynamicsId(w.db, id))!.fields.lastName).toBe('Stale');
    expect((await getPersonByDynamicsId(w.db, hidden))!.fields.lastName).toBe('Hidden');
    expect((await contactStatus()).stoppedBySyncFilter).toBe(0);
  });

  it('does not sync back an update made in Dynamics by the sync user', async () => {
    const w = await open();
    await w.cycle();
    const id = emulatorIds(w, 'contact', 1)[0]!;
    const before = (await getPersonByDynamicsId(w.db, id))!;
    const asSyncUser = new DataverseWriter({
      settings: {
        orgUrl: w.emu.url,
        authKind: 'password',
        username: 'sync@contoso.test',
        password: DEFAULT_PASSWORD,
        clientId: DEFAULT_APP_ID,
        tenant: 'contoso',
      },
      logger: silentLogger(),
    });
    await asSyncUser.update('contacts', id, { jobtitle: 'Set By Sync User' });
    await w.cycle();
    expect((await getPersonByDynamicsId(w.db, id))!.fields.title).toBe(before.fields.title);
  });

  it('a person deleted in dynasync whose Dynamics record changes comes back as a new person', async () => {
    const w = await open();
    await w.cycle();
    const id = (await openLeadIds(w, 1))[0]!;
    const old = (await getPersonByDynamicsId(w.db, id))!;
    await w.db.query('DELETE FROM persons WHERE id = $1', [old.id]); // no product delete path yet (REST leads/delete.json is later work)
    await w.rep.update('leads', id, { jobtitle: 'Back Again' });
    await w.cycle();
    const back = (await getPersonByDynamicsId(w.db, id))!;
    expect(back.id).not.toBe(old.id);
    expect(back.fields.title).toBe('Back Again');
  });
});
