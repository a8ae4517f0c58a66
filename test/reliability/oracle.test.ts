/**
 * The checkers themselves: a lead database that lost a field, a record, a link or a deletion flag,
 * or that holds a duplicated or missing activity, must be caught. Without this, a reliability test
 * passing could mean the comparison looked at nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { EngineHarness } from './helpers/engine.js';
import { auditActivities, cdvKey } from './helpers/lead-db.js';
import { EditLedger } from './helpers/rep-edits.js';

let emu: EmulatorHandle;
let h: EngineHarness;
let contact: string;
let account: string;
let titleBefore: unknown;
const ledger = new EditLedger();

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small' });
  h = await EngineHarness.create(emu);
  expect((await h.cycle()).status).toBe('success');
  [contact] = emu.ctx.data.ids('contact', 1) as [string];
  [account] = emu.ctx.data.ids('account', 1) as [string];
  titleBefore = (await h.snapshot()).persons.get(contact)!.fields.title ?? null;
  await h.rep.update('contacts', contact, { jobtitle: 'Checked Title' });
  ledger.addContactCdv(contact, { field: 'title', oldValue: titleBefore, newValue: 'Checked Title' });
  expect((await h.cycle()).status).toBe('success');
});

afterAll(async () => {
  await h?.close();
  await emu?.close();
});

const whats = async () => (await h.compare()).mismatches.map((m) => `${m.id} ${m.what}`);

describe('the oracle', () => {
  it('finds nothing wrong with a faithful sync', async () => {
    const c = await h.compare();
    expect(c.mismatches).toEqual([]);
    expect(c.records).toBe(
      emu.ctx.data.count('systemuser') +
        emu.ctx.data.count('account') +
        emu.ctx.data.count('contact') +
        emu.ctx.data.count('lead'),
    );
    expect(c.fieldsCompared).toBeGreaterThan(c.records * 5);
    const audit = await auditActivities(h.db);
    expect(audit.personsWithoutOneNewLead).toBe(0);
    expect(audit.cdv).toEqual(ledger.expectedCdvs(await h.snapshot()));
  });

  it('catches a changed field, a lost link, a wrong deletion flag and a lost record', async () => {
    await h.db.query(`UPDATE persons SET fields = fields || '{"title": "Tampered"}' WHERE dynamics_id = $1`, [contact]);
    expect(await whats()).toEqual([`${contact} field title (jobtitle)`]);
    await h.db.query('UPDATE persons SET account_dynamics_id = NULL, dynamics_deleted = true WHERE dynamics_id = $1', [
      contact,
    ]);
    expect((await whats()).sort()).toEqual(
      [`${contact} account link`, `${contact} dynamics_deleted`, `${contact} field title (jobtitle)`].sort(),
    );
    await h.db.query('DELETE FROM companies WHERE dynamics_id = $1', [account]);
    expect(await whats()).toContain(`${account} record`);
    // Leads are compared too, as leads: their own company column, and no account link.
    const lead = [...(await h.snapshot()).persons].find(([, r]) => r.type === 'Lead')![0];
    await h.db.query(
      `UPDATE persons SET fields = fields || '{"company": "Tampered Co"}', account_dynamics_id = $2 WHERE dynamics_id = $1`,
      [lead, account],
    );
    expect(await whats()).toEqual(
      expect.arrayContaining([`${lead} field company (companyname)`, `${lead} account link`]),
    );
  });

  it('catches a duplicated and a missing activity', async () => {
    const expected = ledger.expectedCdvs(await h.snapshot());
    const key = cdvKey(contact, 'title', titleBefore, 'Checked Title');
    await h.db.query(
      `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
       SELECT person_id, type_id, occurred_at, primary_attribute_value, attributes FROM activities
       WHERE type_id IN ($1, $2) AND person_id = (SELECT id FROM persons WHERE dynamics_id = $3)`,
      [ActivityType.NewLead, ActivityType.ChangeDataValue, contact],
    );
    let audit = await auditActivities(h.db);
    expect(audit.personsWithoutOneNewLead).toBe(1);
    expect(audit.cdv.get(key)).toBe(2);
    await h.db.query('DELETE FROM activities WHERE type_id = $1', [ActivityType.ChangeDataValue]);
    audit = await auditActivities(h.db);
    expect(audit.cdv.get(key)).toBeUndefined();
    expect(expected.get(key)).toBe(1);
  });
});
