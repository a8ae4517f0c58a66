/**
 * Issue 3, item 5: a company field edited through one person changes it for every person of the
 * company, logs a Change Data Value on each (at most 5,000), stays local (no request to Dynamics),
 * and the next Dynamics update of that account replaces it with the Dynamics value.
 */
import { expect, it } from 'vitest';
import { ActivityType, InvalidInputError } from '../../src/domain/index.js';
import { getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { setCompanyFieldThroughPerson } from '../../src/sync/local-edits.js';
import { runCli } from './cli.js';
import { emulatorIds, describeWorlds, personsOfAccount, type World } from './world.js';

async function accountWithPersons(w: World): Promise<{ accountId: string; persons: number[] }> {
  for (const accountId of emulatorIds(w, 'account')) {
    const ids = await personsOfAccount(w, accountId);
    if (ids.length >= 2) {
      const persons = await Promise.all(ids.map(async (d) => (await getPersonByDynamicsId(w.db, d))!.id));
      return { accountId, persons };
    }
  }
  throw new Error('no account with two persons');
}

describeWorlds('local company edits', ({ open }) => {
  it('applies to every person of the company, logs on each, sends nothing, and is overwritten by the next Dynamics update', async () => {
    const w = await open();
    await w.cycle();
    const { accountId, persons } = await accountWithPersons(w);
    const dynamicsCity = (await getPersonByDynamicsId(w.db, (await personsOfAccount(w, accountId))[0]!))!.company!
      .fields.billingCity;
    w.admin.resetRequestCounts();

    const r = await setCompanyFieldThroughPerson(w.db, persons[0]!, 'billingCity', 'Paris');
    expect(r).toMatchObject({
      oldValue: dynamicsCity,
      newValue: 'Paris',
      persons: persons.length,
      activities: persons.length,
    });
    expect(w.admin.requestCounts()).toEqual({});
    for (const id of persons) {
      const p = (await getPersonByDynamicsId(w.db, (await personsOfAccount(w, accountId))[persons.indexOf(id)]!))!;
      expect(p.company!.fields.billingCity).toBe('Paris');
      const cdv = await listActivities(w.db, { personId: id, typeId: ActivityType.ChangeDataValue });
      expect(cdv.map((a) => a.attributes)).toEqual([
        expect.objectContaining({ field: 'billingCity', newValue: 'Paris', source: 'local' }),
      ]);
    }

    // A rep changes another field of the account: the update carries every synced field, so Paris goes.
    await w.rep.update('accounts', accountId, { telephone1: '+33 1 00 00 00 00' });
    await w.cycle();
    const after = (await getPersonByDynamicsId(w.db, (await personsOfAccount(w, accountId))[1]!))!;
    expect(after.company!.fields).toMatchObject({ billingCity: dynamicsCity, mainPhone: '+33 1 00 00 00 00' });
    for (const method of ['POST', 'PATCH', 'DELETE'])
      expect(w.admin.requestCount('accounts', method)).toBe(1 * Number(method === 'PATCH'));
  });

  it('refuses fields that are not synced company fields and values of the wrong type, changing nothing', async () => {
    const w = await open();
    await w.cycle();
    const { persons } = await accountWithPersons(w);
    await expect(setCompanyFieldThroughPerson(w.db, persons[0]!, 'shoeSize', '42')).rejects.toThrow(InvalidInputError);
    await expect(setCompanyFieldThroughPerson(w.db, persons[0]!, 'numberOfEmployees', 'many')).rejects.toThrow(
      /numberOfEmployees|number/i,
    );
    expect(await listActivities(w.db, { typeId: ActivityType.ChangeDataValue })).toEqual([]);
  });

  it('works from the command line: dynasync person set, then person show --json', async () => {
    const w = await open();
    await w.cycle();
    const { persons } = await accountWithPersons(w);
    const set = await runCli(w, ['person', 'set', String(persons[1]), '--field', 'industry', '--value', 'Consulting']);
    expect(set.out).toMatch(
      /industry: .* → "Consulting" on company \d+; \d+ persons show it, \d+ Change Data Value activities logged\. Not sent to Dynamics\./,
    );
    const shown = JSON.parse((await runCli(w, ['person', 'show', String(persons[0]), '--json'])).out) as {
      person: { company: { fields: Record<string, unknown> } };
      activities: { typeId: number; attributes: Record<string, unknown> }[];
    };
    expect(shown.person.company.fields.industry).toBe('Consulting');
    expect(shown.activities.filter((a) => a.typeId === ActivityType.ChangeDataValue)).toHaveLength(1);
    await expect(runCli(w, ['person', 'set', 'abc', '--field', 'industry', '--value', 'x'])).rejects.toThrow(
      /positive whole number/,
    );
  });
});
