/**
 * Bad input (issue 6 item 3): values Dataverse's own validation would refuse, planted straight into
 * the emulator's store (the way a buggy plugin or an import leaves them), next to good records in
 * the same page. Each must become a sync error (entity, id, code) and, for a known person, a line
 * in its activity log; nothing crashes, no other record is lost, and the bad record keeps its last
 * good values. Unusual but valid text (emoji, right-to-left, combining marks, quotes) must sync
 * exactly. Dangling lookups are not errors: a contact may arrive before its account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { getPersonByDynamicsId } from '../../src/store/records/queries.js';
import { describeMismatches } from './helpers/compare.js';
import { EngineHarness } from './helpers/engine.js';
import type { StoredRecord } from './helpers/lead-db.js';
import { recordFigures } from './helpers/report.js';

interface BadCase {
  readonly what: string;
  readonly table: 'contact' | 'account';
  readonly column: string;
  readonly value: unknown;
  /** The sync error code; null: any record-level code. */
  readonly code: string | null;
  /** A contact created (validly) by a rep just before it is corrupted: never stored. */
  readonly isNew?: boolean;
}

const BAD: readonly BadCase[] = [
  { what: 'text column holding a number', table: 'contact', column: 'jobtitle', value: 12345, code: 'wrong_type' },
  {
    what: 'text column holding an object',
    table: 'contact',
    column: 'jobtitle',
    value: { nested: true },
    code: 'wrong_type',
    isNew: true,
  },
  {
    what: 'whole-number column holding text',
    table: 'account',
    column: 'numberofemployees',
    value: 'many',
    code: 'wrong_type',
  },
  {
    what: 'whole-number column holding a fraction',
    table: 'account',
    column: 'numberofemployees',
    value: 12.5,
    code: 'wrong_type',
  },
  { what: 'yes/no column holding text', table: 'contact', column: 'donotphone', value: 'yes', code: 'wrong_type' },
  { what: 'money column holding text', table: 'account', column: 'revenue', value: '1e6 USD', code: 'wrong_type' },
  {
    what: 'first name one character too long',
    table: 'contact',
    column: 'firstname',
    value: 'x'.repeat(51),
    code: 'value_too_long',
  },
  {
    what: 'account name one character too long',
    table: 'account',
    column: 'name',
    value: 'n'.repeat(161),
    code: 'value_too_long',
  },
  {
    what: 'memo far too long',
    table: 'contact',
    column: 'description',
    value: 'd'.repeat(40_000),
    code: 'value_too_long',
  },
  {
    what: 'invalid email (words)',
    table: 'contact',
    column: 'emailaddress1',
    value: 'not an email',
    code: 'invalid_email',
  },
  {
    what: 'invalid email (no domain dot)',
    table: 'contact',
    column: 'emailaddress1',
    value: 'someone@localhost',
    code: 'invalid_email',
  },
  {
    what: 'invalid email on a new contact',
    table: 'contact',
    column: 'emailaddress1',
    value: '@example.com',
    code: 'invalid_email',
    isNew: true,
  },
  {
    what: 'unknown option value',
    table: 'contact',
    column: 'preferredcontactmethodcode',
    value: 99,
    code: 'unknown_option',
  },
  {
    what: 'unknown option value (account)',
    table: 'account',
    column: 'industrycode',
    value: 987_654,
    code: 'unknown_option',
  },
  { what: 'option value as text', table: 'contact', column: 'statecode', value: 'Active', code: 'wrong_type' },
  {
    what: 'NUL byte in a name',
    table: 'contact',
    column: 'lastname',
    value: 'Nul\u0000Byte',
    code: 'invalid_characters',
  },
  {
    what: 'NUL byte on a new contact',
    table: 'contact',
    column: 'lastname',
    value: '\u0000',
    code: 'invalid_characters',
    isNew: true,
  },
  { what: 'lone UTF-16 surrogate', table: 'contact', column: 'firstname', value: 'Broken \ud800 half', code: null },
];

const VALID_UNUSUAL: readonly Record<string, string>[] = [
  { firstname: 'مرحبا', lastname: 'שלום עולם' },
  { firstname: 'Zoë\u0301\u200d', lastname: '🚀 Rocket 👩‍💻 Ünïcödé' },
  { firstname: '😀'.repeat(25), lastname: 'Exactly fifty UTF-16 units' },
  { jobtitle: 'Eng\u202eineer\u202c ‮', lastname: 'Bidi' },
  { description: 'line1\nline2\t"quoted" \\ back\r\n', lastname: 'Controls' },
  { lastname: "Robert'); DROP TABLE persons;--", jobtitle: '{"json": [1, 2]}' },
];

let emu: EmulatorHandle;
let h: EngineHarness;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  h = await EngineHarness.create(emu);
  expect((await h.cycle()).status).toBe('success');
});

afterAll(async () => {
  await h?.close();
  await emu?.close();
});

describe('bad input from Dynamics', () => {
  it('each bad record is a sync error, keeps its last good values, and loses nothing else', async () => {
    const contacts = emu.ctx.data.ids('contact', 400).slice(100);
    const accounts = emu.ctx.data.ids('account', 50).slice(10);
    const targets: { c: BadCase; id: string }[] = [];
    for (const c of BAD) {
      const id = c.isNew
        ? await h.rep.create('contacts', { firstname: 'Soon', lastname: 'Bad' })
        : (c.table === 'contact' ? contacts : accounts).shift()!;
      emu.ctx.data.corrupt(c.table, id, c.column, c.value);
      targets.push({ c, id });
    }
    const validIds = contacts.splice(0, VALID_UNUSUAL.length);
    for (const [i, body] of VALID_UNUSUAL.entries()) await h.rep.update('contacts', validIds[i]!, body);
    const dangling = {
      contact: contacts.shift()!,
      account: accounts.shift()!,
      target: '0badc0de-0000-4000-8000-00000000dead',
    };
    emu.ctx.data.corrupt('contact', dangling.contact, 'parentcustomerid', dangling.target);
    emu.ctx.data.corrupt('account', dangling.account, 'ownerid', dangling.target);
    const before = await h.snapshot();

    const r = await h.cycle();
    expect(r.status, JSON.stringify(r.tables.map((t) => t.error))).toBe('success');
    const skipped = Object.fromEntries(r.tables.map((t) => [t.entity, t.skipped]));
    expect(skipped).toEqual({
      systemuser: 0,
      account: BAD.filter((c) => c.table === 'account').length,
      contact: BAD.filter((c) => c.table === 'contact').length,
      lead: 0,
      opportunity: 0,
      connection: 0,
    });

    const errors = await h.syncErrors();
    expect(errors).toHaveLength(BAD.length);
    const after = await h.snapshot();
    for (const { c, id } of targets) {
      const e = errors.find((x) => x.recordId === id);
      expect(e, `${c.what}: a sync error`).toMatchObject({ entity: c.table, operation: c.isNew ? 'create' : 'update' });
      if (c.code) expect(e!.code, c.what).toBe(c.code);
      expect(e!.message.length, `${c.what}: a message`).toBeGreaterThan(10);
      const store = c.table === 'contact' ? 'persons' : 'companies';
      if (c.isNew) {
        expect(after[store].has(id), `${c.what}: never stored half-valid`).toBe(false);
        expect(e!.personId).toBeNull();
      } else {
        expect(after[store].get(id), `${c.what}: last good values kept`).toEqual(before[store].get(id) as StoredRecord);
      }
      if (c.table === 'contact' && !c.isNew) {
        const person = after.persons.get(id)!;
        expect(e!.personId).toBe(person.id);
        const logged = await h.db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM activities WHERE person_id = $1 AND type_id = $2',
          [person.id, ActivityType.SyncError],
        );
        expect(logged.rows[0]!.n, `${c.what}: in the person's activity log`).toBe(1);
      }
    }

    const c = await h.compare({ skipFieldsOf: new Set(targets.map((t) => t.id)) });
    const unexpected = c.mismatches.filter(
      (m) => !(m.what === 'record' && targets.some((t) => t.c.isNew && t.id === m.id)),
    );
    expect(unexpected, describeMismatches(unexpected)).toEqual([]);
    expect(c.mismatches.filter((m) => m.what === 'record')).toHaveLength(BAD.filter((x) => x.isNew).length);

    const orphan = await getPersonByDynamicsId(h.db, dangling.contact);
    expect(orphan).toMatchObject({ accountId: dangling.target, company: null, dynamicsDeleted: false });
    expect(after.companies.get(dangling.account)?.ownerId).toBe(dangling.target);

    recordFigures('bad-input', {
      badInputsTried: BAD.length,
      recordedAsSyncErrors: errors.length,
      validUnusualTextSynced: VALID_UNUSUAL.length,
      danglingLookupsKept: 2,
      recordsLost: unexpected.length,
      codes: [...new Set(errors.map((e) => e.code))].sort(),
    });
  });

  it('a repaired record syncs on the next cycle and nothing is reported twice', async () => {
    const errorsBefore = (await h.syncErrors()).length;
    const quiet = await h.cycle();
    expect(quiet.status).toBe('success');
    expect((await h.syncErrors()).length, 'unchanged bad rows are not re-reported').toBe(errorsBefore);

    const bad = (await h.syncErrors()).filter((e) => e.recordId);
    for (const e of bad) {
      const set = e.entity === 'contact' ? 'contacts' : 'accounts';
      const fix =
        e.entity === 'contact'
          ? {
              jobtitle: 'Fixed',
              firstname: 'Fixed',
              lastname: 'Fixed',
              emailaddress1: 'fixed@example.com',
              description: 'fixed',
              donotphone: false,
              preferredcontactmethodcode: 1,
              statecode: 0,
            }
          : { name: 'Fixed Inc', numberofemployees: 10, revenue: 1000, industrycode: 1 };
      await h.rep.update(set, e.recordId!, fix);
    }
    const r = await h.cycle();
    expect(r.status).toBe('success');
    expect(r.tables.reduce((n, t) => n + t.skipped, 0)).toBe(0);
    expect((await h.syncErrors()).length).toBe(errorsBefore);
    const c = await h.compare();
    const dangling = c.mismatches.filter((m) => m.what !== 'account link' && m.what !== 'owner');
    expect(dangling, describeMismatches(dangling)).toEqual([]);
  });
});
