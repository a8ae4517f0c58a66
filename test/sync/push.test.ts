/**
 * Issue 10 section 3, Sync Person to Microsoft: a marketing-only person is created in Dynamics as a
 * lead or a contact with the primary key dynasync chose, exactly once whatever kills happen, and
 * the delta that brings it back keeps one person and logs no Change Data Value.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { ActivityType } from '../../src/domain/index.js';
import { outboxCounts } from '../../src/store/outbox.js';
import { listActivities, queuePush } from '../../src/store/records/index.js';
import { setPersonField } from '../../src/sync/local-edits.js';
import { createOutboxWriter } from '../../src/sync/sender-loop.js';
import { drainOutbox, type OutboxWriterPort } from '../../src/sync/sender.js';
import { runCli } from './cli.js';
import { describeWorlds, emulatorRows, type World } from './world.js';

const drain = (w: World, writer: OutboxWriterPort = createOutboxWriter(w.session.connection, silentLogger())) =>
  drainOutbox({ db: w.db, writer, logger: silentLogger() });

/** A person that exists only in the lead database (as REST leads.json or the UI create one). */
async function marketingPerson(w: World, email: string, fields: Record<string, unknown> = {}): Promise<number> {
  const r = await w.db.query<{ id: string }>('INSERT INTO persons (email, fields) VALUES ($1, $2) RETURNING id', [
    email,
    JSON.stringify({ email, firstName: 'Mia', lastName: 'Market', title: 'Buyer', ...fields }),
  ]);
  return Number(r.rows[0]!.id);
}

async function salesEmail(w: World): Promise<{ email: string; id: string }> {
  const r = await w.db.query<{ email: string; id: string }>(
    `SELECT fields ->> 'email' AS email, dynamics_id AS id FROM sales_persons
     WHERE dynamics_id <> $1 AND fields ->> 'email' IS NOT NULL AND coalesce(fields ->> 'isDisabled', 'false') <> 'true' ORDER BY id LIMIT 1`,
    [w.userId],
  );
  return r.rows[0]!;
}

const rowsByEmail = (w: World, set: string, key: string, email: string) =>
  emulatorRows(
    w,
    set,
    [key, 'lastname', 'jobtitle', '_ownerid_value', ...(set === 'contacts' ? ['_parentcustomerid_value'] : [])],
    `emailaddress1 eq '${email}'`,
  );

const personsWithEmail = async (w: World, email: string) =>
  Number(
    (await w.db.query<{ n: number }>('SELECT count(*)::int AS n FROM persons WHERE email = $1', [email])).rows[0]!.n,
  );

function noAccountOrUserWrites(w: World): void {
  for (const set of ['accounts', 'systemusers'])
    for (const m of ['POST', 'PATCH', 'DELETE']) expect(w.admin.requestCount(set, m)).toBe(0);
}

/** A writer that dies after Dynamics applied the batch and before the confirming transaction. */
function dying(w: World): OutboxWriterPort {
  const writer = createOutboxWriter(w.session.connection, silentLogger());
  return {
    batch: async (...a: Parameters<typeof writer.batch>) => {
      await writer.batch(...a);
      throw new Error('killed');
    },
    readRow: writer.readRow.bind(writer),
  };
}

describeWorlds('sync person to Microsoft', ({ open }) => {
  it('creates a lead (default) and a contact with an owner, with the ids dynasync chose; no account or user is written', async () => {
    const w = await open();
    await w.cycle();
    const owner = await salesEmail(w);
    const a = await marketingPerson(w, 'lead.push@marketing.test');
    const b = await marketingPerson(w, 'contact.push@marketing.test');
    const qa = await queuePush(w.db, { personId: a, syncAs: 'lead', ownerEmail: null, source: 'test' });
    const qb = await queuePush(w.db, {
      personId: b,
      syncAs: 'contact',
      ownerEmail: owner.email.toUpperCase(),
      source: 'test',
    });
    expect(qa).toMatchObject({ status: 'queued', syncAs: 'lead' });
    expect(qb).toMatchObject({ status: 'queued', syncAs: 'contact', ownerId: owner.id });
    expect(await listActivities(w.db, { personId: b, typeId: ActivityType.SyncLeadToMicrosoft })).toEqual([
      expect.objectContaining({
        attributes: expect.objectContaining({ assignTo: owner.email.toUpperCase(), syncAs: 'contact' }),
      }),
    ]);
    w.admin.resetRequestCounts();

    expect(await drain(w)).toMatchObject({ batches: 1, confirmed: 2, failed: 0 });
    const lead = await rowsByEmail(w, 'leads', 'leadid', 'lead.push@marketing.test');
    const contact = await rowsByEmail(w, 'contacts', 'contactid', 'contact.push@marketing.test');
    expect(lead).toEqual([
      expect.objectContaining({
        leadid: qa.status === 'queued' && qa.dynamicsId,
        lastname: 'Market',
        jobtitle: 'Buyer',
        _ownerid_value: w.userId,
      }),
    ]);
    expect(contact).toEqual([
      expect.objectContaining({
        contactid: qb.status === 'queued' && qb.dynamicsId,
        _ownerid_value: owner.id,
        _parentcustomerid_value: null,
      }),
    ]);
    const stored = await w.db.query<{
      dynamics_type: string;
      dynamics_version: string | null;
      dynamics_created_on: Date | null;
    }>(
      'SELECT dynamics_type, dynamics_version, dynamics_created_on FROM persons WHERE id = ANY($1::bigint[]) ORDER BY id',
      [[a, b]],
    );
    expect(stored.rows.map((r) => r.dynamics_type)).toEqual(['Lead', 'Contact']);
    for (const r of stored.rows) {
      expect(r.dynamics_version).not.toBeNull();
      expect(r.dynamics_created_on).not.toBeNull();
    }
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    expect(w.admin.requestCount('$batch', 'POST')).toBe(1);
    noAccountOrUserWrites(w);

    // The echo: one person each, no Change Data Value, nothing written again.
    await w.cycle();
    for (const [id, email] of [
      [a, 'lead.push@marketing.test'],
      [b, 'contact.push@marketing.test'],
    ] as const) {
      expect(await personsWithEmail(w, email)).toBe(1);
      expect(await listActivities(w.db, { personId: id, typeId: ActivityType.ChangeDataValue })).toEqual([]);
    }
    expect(await drain(w)).toMatchObject({ batches: 0 });
    noAccountOrUserWrites(w);
  });

  it('a person pushed twice makes one lead; a person already in Dynamics and an unknown owner are clear no-ops', async () => {
    const w = await open();
    await w.cycle();
    const p = await marketingPerson(w, 'twice@marketing.test');
    expect(await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' })).toMatchObject({
      status: 'queued',
    });
    expect(await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' })).toMatchObject({
      status: 'skipped',
      code: 'already_queued',
    });
    await drain(w);
    expect(await queuePush(w.db, { personId: p, syncAs: 'contact', ownerEmail: null, source: 'test' })).toMatchObject({
      status: 'skipped',
      code: 'already_in_dynamics',
      message: expect.stringMatching(/already in Dynamics/),
    });
    await drain(w);
    expect(await rowsByEmail(w, 'leads', 'leadid', 'twice@marketing.test')).toHaveLength(1);
    expect(await rowsByEmail(w, 'contacts', 'contactid', 'twice@marketing.test')).toHaveLength(0);

    const q = await marketingPerson(w, 'nobody-owns@marketing.test');
    expect(
      await queuePush(w.db, { personId: q, syncAs: 'lead', ownerEmail: 'ghost@nowhere.test', source: 'test' }),
    ).toMatchObject({
      status: 'skipped',
      code: 'owner_not_found',
      message: expect.stringMatching(/ghost@nowhere.test/),
    });
    const untouched = await w.db.query('SELECT 1 FROM persons WHERE id = $1 AND dynamics_id IS NULL', [q]);
    expect(untouched.rowCount).toBe(1);
    expect(await listActivities(w.db, { personId: q, typeId: ActivityType.SyncLeadToMicrosoft })).toEqual([]);
    expect(
      await queuePush(w.db, { personId: 999_999, syncAs: 'lead', ownerEmail: null, source: 'test' }),
    ).toMatchObject({ status: 'skipped', code: 'person_not_found' });
  });

  it('a create resent after a kill makes no second record; a change made meanwhile still reaches Dynamics', async () => {
    const w = await open();
    await w.cycle();
    const p = await marketingPerson(w, 'killed@marketing.test');
    await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' });
    await expect(drain(w, dying(w))).rejects.toThrow('killed');
    expect(await outboxCounts(w.db)).toEqual({ pending: 1, failed: 0 });
    expect(await setPersonField(w.db, p, 'title', 'Changed After Send')).not.toBeNull(); // folded into the create
    expect(await outboxCounts(w.db)).toEqual({ pending: 1, failed: 0 });

    const r = await drain(w); // duplicate key: success, then the changed field as an update
    expect(r.failed).toBe(0);
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    const rows = await rowsByEmail(w, 'leads', 'leadid', 'killed@marketing.test');
    expect(rows).toEqual([expect.objectContaining({ jobtitle: 'Changed After Send' })]);
    const errors = await w.db.query(`SELECT 1 FROM sync_errors WHERE direction = 'to_dynamics'`);
    expect(errors.rowCount).toBe(0);
  });

  it('the delta echo arriving before the sender confirmed keeps one person and logs no Change Data Value', async () => {
    const w = await open();
    await w.cycle();
    const p = await marketingPerson(w, 'echo-first@marketing.test');
    await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' });
    await expect(drain(w, dying(w))).rejects.toThrow('killed');
    await w.cycle(); // the created lead comes back while its create is still unconfirmed
    expect(await personsWithEmail(w, 'echo-first@marketing.test')).toBe(1);
    expect(await listActivities(w.db, { personId: p, typeId: ActivityType.ChangeDataValue })).toEqual([]);
    expect(await listActivities(w.db, { personId: p, typeId: ActivityType.NewLead })).toEqual([]);
    expect(await drain(w)).toMatchObject({ confirmed: 1, failed: 0 });
    expect(await rowsByEmail(w, 'leads', 'leadid', 'echo-first@marketing.test')).toHaveLength(1);
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    noAccountOrUserWrites(w);
  });

  it('a refused create becomes a to_dynamics sync error with a Sync Error activity', async () => {
    const w = await open();
    await w.cycle();
    const p = await marketingPerson(w, 'too-long@marketing.test', { lastName: 'L'.repeat(400) });
    const ok = await marketingPerson(w, 'fine@marketing.test');
    await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' });
    await queuePush(w.db, { personId: ok, syncAs: 'contact', ownerEmail: null, source: 'test' });
    expect(await drain(w)).toMatchObject({ confirmed: 1, failed: 1 });
    const errors = await w.db.query<{ operation: string; person_id: string; message: string }>(
      `SELECT operation, person_id::text, message FROM sync_errors WHERE direction = 'to_dynamics'`,
    );
    expect(errors.rows).toEqual([
      expect.objectContaining({
        operation: 'create',
        person_id: String(p),
        message: expect.stringMatching(/refused the create of lead/),
      }),
    ]);
    expect(await listActivities(w.db, { personId: p, typeId: ActivityType.SyncError })).toHaveLength(1);
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 1 });
    expect(await rowsByEmail(w, 'contacts', 'contactid', 'fine@marketing.test')).toHaveLength(1);
  });

  it('dynasync person push: queues as a lead or a contact with an owner; a synced person is a no-op; unknown owner or table is an error', async () => {
    const w = await open();
    await w.cycle();
    const owner = await salesEmail(w);
    const p = await marketingPerson(w, 'cli-push@marketing.test');
    await expect(runCli(w, ['person', 'push', String(p), '--as', 'account'])).rejects.toThrow(/lead or contact/);
    await expect(runCli(w, ['person', 'push', String(p), '--owner', 'ghost@nowhere.test'])).rejects.toThrow(
      /ghost@nowhere.test/,
    );
    const queued = await runCli(w, ['person', 'push', String(p), '--as', 'contact', '--owner', owner.email]);
    expect(queued.out).toMatch(/queued for creation in Dynamics as a contact/);
    const synced = Number(
      (await w.db.query<{ id: string }>(`SELECT id FROM persons WHERE dynamics_type = 'Lead' ORDER BY id LIMIT 1`))
        .rows[0]!.id,
    );
    expect((await runCli(w, ['person', 'push', String(synced)])).out).toMatch(/no-op: .*already in Dynamics/);
    expect(await drain(w)).toMatchObject({ confirmed: 1 });
    expect(await rowsByEmail(w, 'contacts', 'contactid', 'cli-push@marketing.test')).toEqual([
      expect.objectContaining({ _ownerid_value: owner.id }),
    ]);
  });

  it('a person whose record was deleted in Dynamics is pushed as a new record with a new id', async () => {
    const w = await open();
    await w.cycle();
    const p = await marketingPerson(w, 'deleted-then-pushed@marketing.test');
    const first = await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' });
    await drain(w);
    await w.db.query('UPDATE persons SET dynamics_deleted = true WHERE id = $1', [p]); // as a delta's $deletedEntity does
    const again = await queuePush(w.db, { personId: p, syncAs: 'lead', ownerEmail: null, source: 'test' });
    expect(again).toMatchObject({ status: 'queued' });
    expect(again.status === 'queued' && first.status === 'queued' && again.dynamicsId !== first.dynamicsId).toBe(true);
    expect(await drain(w)).toMatchObject({ confirmed: 1, failed: 0 });
    const person = (
      await w.db.query<{ dynamics_id: string; dynamics_deleted: boolean }>(
        'SELECT dynamics_id, dynamics_deleted FROM persons WHERE id = $1',
        [p],
      )
    ).rows[0]!;
    expect(person).toEqual({ dynamics_id: again.status === 'queued' ? again.dynamicsId : '', dynamics_deleted: false });
  });
});
