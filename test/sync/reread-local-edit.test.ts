/**
 * Issue 9: a local company edit was lost on a re-read that was not a Dynamics update. Adding an
 * account column to the selection re-read every account and put the old billingCity back, logged as
 * "Account updated in Dynamics". The rule: a re-read of an unchanged account (same versionnumber)
 * keeps local edits; only an update in Dynamics (a new version) overwrites them, and an activity
 * never gives a reason that did not happen.
 */
import { expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { setCompanyFieldThroughPerson } from '../../src/sync/local-edits.js';
import { describeWorlds, emulatorIds, personsOfAccount, type World } from './world.js';

async function editedAccount(w: World): Promise<{ accountId: string; personId: number; dynamicsCity: unknown }> {
  for (const accountId of emulatorIds(w, 'account')) {
    const [first] = await personsOfAccount(w, accountId);
    if (!first) continue;
    const person = (await getPersonByDynamicsId(w.db, first))!;
    await setCompanyFieldThroughPerson(w.db, person.id, 'billingCity', 'Paris');
    return { accountId, personId: person.id, dynamicsCity: person.company!.fields.billingCity };
  }
  throw new Error('no account with a person');
}

const cityOf = async (w: World, accountId: string) =>
  (await getPersonByDynamicsId(w.db, (await personsOfAccount(w, accountId))[0]!))!.company!.fields.billingCity;

const dynamicsReasons = async (w: World, personId: number) =>
  (await listActivities(w.db, { personId, typeId: ActivityType.ChangeDataValue }))
    .filter((a) => a.attributes.source === 'dynamics')
    .map((a) => [a.attributes.field, a.attributes.reason]);

describeWorlds('local company edits and re-reads', ({ open }) => {
  it('a re-read at the same version keeps the edit; a Dynamics update overwrites it', async () => {
    const w = await open();
    await w.cycle();
    const { accountId, personId, dynamicsCity } = await editedAccount(w);

    // A new account column read in full (not by quick sync): every account, none changed in Dynamics.
    await w.saveFields('account', { add: ['fax'], refresh: 'full' });
    const reread = await w.cycle();
    expect(reread.tables.find((t) => t.entity === 'account')).toMatchObject({ fullRead: true, status: 'success' });
    expect(await cityOf(w, accountId), 'kept after a new selection').toBe('Paris');

    // An expired delta token: another full read of the unchanged accounts.
    w.admin.expireDeltaTokens('account');
    await w.cycle();
    expect(await cityOf(w, accountId), 'kept after a re-baseline').toBe('Paris');
    expect(await dynamicsReasons(w, personId), 'no Dynamics update was logged').toEqual([]);

    // A rep updates another field: the account's next Dynamics update overwrites its account data.
    await w.rep.update('accounts', accountId, { telephone1: '+33 1 00 00 00 00' });
    await w.cycle();
    expect(await cityOf(w, accountId)).toBe(dynamicsCity);
    expect(await dynamicsReasons(w, personId)).toEqual(
      expect.arrayContaining([
        ['billingCity', 'Account updated in Dynamics'],
        ['mainPhone', 'Account updated in Dynamics'],
      ]),
    );

    // The edit was forgotten with that update: a later re-read changes nothing and logs nothing.
    const logged = (await dynamicsReasons(w, personId)).length;
    w.admin.expireDeltaTokens('account');
    await w.cycle();
    expect(await cityOf(w, accountId)).toBe(dynamicsCity);
    expect(await dynamicsReasons(w, personId)).toHaveLength(logged);
  });
});
