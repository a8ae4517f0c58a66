/**
 * Issue 10, items 3-7: a local person change reaches Dynamics through the outbox and the sender,
 * exactly once in effect; collisions follow the lead/contact rules; dynasync's own write comes back
 * without an activity; a refused write leaves the other fields and people going; nothing is ever
 * written to an account or a user.
 */
import { expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { ActivityType } from '../../src/domain/index.js';
import { outboxCounts, retryFailedWrites } from '../../src/store/outbox.js';
import { getPersonByDynamicsId, listActivities } from '../../src/store/records/index.js';
import { setPersonField } from '../../src/sync/local-edits.js';
import { createOutboxWriter } from '../../src/sync/sender-loop.js';
import { drainOutbox } from '../../src/sync/sender.js';
import { describeWorlds, emulatorIds, openLeadIds, emulatorRows, type World } from './world.js';

const drain = (w: World) =>
  drainOutbox({ db: w.db, writer: createOutboxWriter(w.session.connection, silentLogger()), logger: silentLogger() });

async function emulatorRow(w: World, set: string, key: string, id: string, select: string[]) {
  return (await emulatorRows(w, set, [key, ...select])).find((r) => r[key] === id)!;
}

const personOf = async (w: World, dynamicsId: string) => (await getPersonByDynamicsId(w.db, dynamicsId))!;
const changeValues = async (w: World, personId: number) =>
  (await listActivities(w.db, { personId, typeId: ActivityType.ChangeDataValue })).map((a) => a.attributes);

function noAccountOrUserWrites(w: World): void {
  for (const set of ['accounts', 'systemusers'])
    for (const m of ['POST', 'PATCH', 'DELETE']) expect(w.admin.requestCount(set, m)).toBe(0);
}

describeWorlds('marketing changes go to Dynamics', ({ open }) => {
  it('writes a contact and a lead field change in one $batch; the echo logs nothing and is not written again', async () => {
    const w = await open();
    await w.cycle();
    const contactId = emulatorIds(w, 'contact', 1)[0]!;
    const leadId = (await openLeadIds(w, 1))[0]!;
    const c = await personOf(w, contactId);
    const l = await personOf(w, leadId);
    await setPersonField(w.db, c.id, 'title', 'Chief Marketing Officer');
    await setPersonField(w.db, l.id, 'company', 'Lead Co Local');
    expect(await outboxCounts(w.db)).toEqual({ pending: 2, failed: 0 });
    w.admin.resetRequestCounts();

    const r = await drain(w);
    expect(r).toMatchObject({ batches: 1, confirmed: 2, failed: 0 });
    expect(w.admin.requestCount('$batch', 'POST')).toBe(1);
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    expect((await emulatorRow(w, 'contacts', 'contactid', contactId, ['jobtitle'])).jobtitle).toBe(
      'Chief Marketing Officer',
    );
    expect((await emulatorRow(w, 'leads', 'leadid', leadId, ['companyname'])).companyname).toBe('Lead Co Local');

    const before = (await changeValues(w, c.id)).length;
    await w.cycle(); // the echo comes back in the delta
    expect(await changeValues(w, c.id)).toHaveLength(before);
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    w.admin.resetRequestCounts();
    expect(await drain(w)).toMatchObject({ batches: 0 });
    noAccountOrUserWrites(w);
  });

  it('a contact field changed on both sides: Dynamics wins, the local write is dropped and the log says so', async () => {
    const w = await open();
    await w.cycle();
    const contactId = emulatorIds(w, 'contact', 1)[0]!;
    const p = await personOf(w, contactId);
    await setPersonField(w.db, p.id, 'title', 'Local Title');
    await w.rep.update('contacts', contactId, { jobtitle: 'Dynamics Title' });
    await drain(w); // If-Match → 412: re-read, Dynamics changed the field
    expect((await personOf(w, contactId)).fields.title).toBe('Dynamics Title');
    expect((await emulatorRow(w, 'contacts', 'contactid', contactId, ['jobtitle'])).jobtitle).toBe('Dynamics Title');
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    expect((await changeValues(w, p.id)).at(-1)).toMatchObject({
      field: 'title',
      oldValue: 'Local Title',
      newValue: 'Dynamics Title',
      reason: expect.stringMatching(/Dynamics wins/),
    });
  });

  it('a contact field changed on both sides, read first: Dynamics wins in the read applier too', async () => {
    const w = await open();
    await w.cycle();
    const contactId = emulatorIds(w, 'contact', 1)[0]!;
    const p = await personOf(w, contactId);
    await setPersonField(w.db, p.id, 'title', 'Local Title');
    await w.rep.update('contacts', contactId, { jobtitle: 'Dynamics Title' });
    await w.cycle();
    expect((await personOf(w, contactId)).fields.title).toBe('Dynamics Title');
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    await drain(w);
    expect((await emulatorRow(w, 'contacts', 'contactid', contactId, ['jobtitle'])).jobtitle).toBe('Dynamics Title');
  });

  it('a lead field changed on both sides: marketing wins (read first or written first)', async () => {
    const w = await open();
    await w.cycle();
    const [a, b] = (await openLeadIds(w, 2)) as [string, string];
    for (const id of [a, b]) await setPersonField(w.db, (await personOf(w, id)).id, 'company', 'Marketing Co');
    for (const id of [a, b]) await w.rep.update('leads', id, { companyname: 'Sales Co' });
    await w.cycle(); // a and b: the delta brings Sales Co while Marketing Co is pending
    expect((await personOf(w, a)).fields.company).toBe('Marketing Co');
    await drain(w); // 412, re-read, resend with the new version
    await w.cycle();
    for (const id of [a, b]) {
      expect((await emulatorRow(w, 'leads', 'leadid', id, ['companyname'])).companyname).toBe('Marketing Co');
      expect((await personOf(w, id)).fields.company).toBe('Marketing Co');
    }
  });

  it('a refused write becomes a to_dynamics sync error with a Sync Error activity; other fields and people go on; retry resends it', async () => {
    const w = await open();
    await w.cycle();
    const [x, y] = emulatorIds(w, 'contact', 2) as [string, string];
    const px = await personOf(w, x);
    const py = await personOf(w, y);
    await setPersonField(w.db, px.id, 'title', 'Fine Title');
    await w.db.transaction(async (tx) => {
      // a value longer than Dynamics takes (jobtitle: 100), as a REST client on an older catalog could send
      await tx.query(
        `INSERT INTO outbox (person_id, entity, dynamics_id, field, value, base) VALUES ($1, 'contact', $2, 'phone', $3, $4)`,
        [px.id, x, JSON.stringify('9'.repeat(80)), JSON.stringify(px.fields.phone ?? null)],
      );
    });
    await setPersonField(w.db, py.id, 'title', 'Other Person Title');
    const r = await drain(w);
    expect(r).toMatchObject({ failed: 1 });
    expect((await emulatorRow(w, 'contacts', 'contactid', x, ['jobtitle'])).jobtitle).toBe('Fine Title');
    expect((await emulatorRow(w, 'contacts', 'contactid', y, ['jobtitle'])).jobtitle).toBe('Other Person Title');
    const errors = await w.db.query<{
      id: number;
      direction: string;
      operation: string;
      code: string;
      message: string;
      person_id: string;
    }>(
      `SELECT id, direction, operation, code, message, person_id::text FROM sync_errors WHERE direction = 'to_dynamics'`,
    );
    expect(errors.rows).toEqual([
      expect.objectContaining({
        direction: 'to_dynamics',
        operation: 'update',
        person_id: String(px.id),
        message: expect.stringMatching(/phone/),
      }),
    ]);
    expect(await listActivities(w.db, { personId: px.id, typeId: ActivityType.SyncError })).toHaveLength(1);
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 1 });
    expect(await drain(w)).toMatchObject({ batches: 0 }); // not retried by itself
    expect(await retryFailedWrites(w.db, Number(errors.rows[0]!.id))).toBe(1);
    expect(await outboxCounts(w.db)).toEqual({ pending: 1, failed: 0 });
  });

  it('a killed sender resends what it had not confirmed, without a double effect', async () => {
    const w = await open();
    await w.cycle();
    const id = emulatorIds(w, 'contact', 1)[0]!;
    const p = await personOf(w, id);
    await setPersonField(w.db, p.id, 'title', 'Once');
    // The process dies after Dynamics applied the batch and before the confirming transaction.
    const writer = createOutboxWriter(w.session.connection, silentLogger());
    const dying = {
      batch: async (...a: Parameters<typeof writer.batch>) => {
        await writer.batch(...a);
        throw new Error('killed');
      },
      readRow: writer.readRow.bind(writer),
    };
    await expect(drainOutbox({ db: w.db, writer: dying, logger: silentLogger() })).rejects.toThrow('killed');
    expect(await outboxCounts(w.db)).toEqual({ pending: 1, failed: 0 });
    const version = Number((await emulatorRow(w, 'contacts', 'contactid', id, ['versionnumber'])).versionnumber);
    expect(await drain(w)).toMatchObject({ failed: 0 });
    expect(await outboxCounts(w.db)).toEqual({ pending: 0, failed: 0 });
    const after = await emulatorRow(w, 'contacts', 'contactid', id, ['jobtitle', 'versionnumber']);
    expect(after.jobtitle).toBe('Once');
    expect(Number(after.versionnumber)).toBe(version); // the resend found the value there and wrote nothing
    await w.cycle();
    expect((await changeValues(w, p.id)).filter((a) => a.source === 'dynamics')).toEqual([]);
  });
});
