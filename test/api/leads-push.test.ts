/**
 * Issue 10 §3 over REST: POST /rest/v1/leads/push.json queues marketing-only persons for creation
 * in Dynamics, each with its own Marketo-style result, and the sender creates them with the key
 * dynasync chose; activity types list Sync Lead to Microsoft.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/logger.js';
import { ActivityType } from '../../src/domain/index.js';
import { listActivities } from '../../src/store/records/index.js';
import { createOutboxWriter } from '../../src/sync/sender-loop.js';
import { drainOutbox } from '../../src/sync/sender.js';
import { backends } from '../helpers/db.js';
import { emulatorRows } from '../sync/world.js';
import { openApiWorld, type ApiWorld } from './fixture.js';

type Row = { id?: number; status: string; reasons?: { code: string; message: string }[] };

/** A marketing-only person, created as a script would: REST leads.json createOnly. */
async function marketingPerson(api: ApiWorld, email: string): Promise<number> {
  const e = await api.post<Row>('/rest/v1/leads.json', {
    action: 'createOnly',
    input: [{ email, firstName: 'Rest', lastName: 'Pushed' }],
  });
  expect(e.result![0]).toMatchObject({ status: 'created' });
  return e.result![0]!.id!;
}

for (const backend of backends) {
  describe(`REST Sync Person to Microsoft [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('queues each person with its own result, and the sender creates them as contacts owned by the sales person', async () => {
      api = await openApiWorld(backend);
      const a = await marketingPerson(api, 'rest-a@marketing.test');
      const b = await marketingPerson(api, 'rest-b@marketing.test');
      const synced = Number(
        (
          await api.w.db.query<{ id: string }>(
            'SELECT id FROM persons WHERE dynamics_id IS NOT NULL ORDER BY id LIMIT 1',
          )
        ).rows[0]!.id,
      );
      const owner = (
        await api.w.db.query<{ email: string; id: string }>(
          `SELECT fields ->> 'email' AS email, dynamics_id AS id FROM sales_persons WHERE dynamics_id <> $1 AND fields ->> 'email' IS NOT NULL
           AND coalesce(fields ->> 'isDisabled', 'false') <> 'true' ORDER BY id LIMIT 1`,
          [api.w.userId],
        )
      ).rows[0]!;

      const e = await api.post<Row>('/rest/v1/leads/push.json', {
        syncAs: 'contact',
        assignTo: owner.email,
        input: [{ id: a }, { id: synced }, { id: 987654 }, { id: 'x' }, { id: b }, { id: a }],
      });
      expect(e.success).toBe(true);
      expect(e.result).toEqual([
        { id: a, status: 'queued' },
        {
          id: synced,
          status: 'skipped',
          reasons: [{ code: '1005', message: expect.stringMatching(/already in Dynamics/) }],
        },
        { id: 987654, status: 'skipped', reasons: [{ code: '1004', message: expect.any(String) }] },
        { status: 'skipped', reasons: [{ code: '1001', message: expect.stringMatching(/'id'/) }] },
        { id: b, status: 'queued' },
        { id: a, status: 'skipped', reasons: [{ code: '1005', message: expect.stringMatching(/already queued/) }] },
      ]);
      expect(await listActivities(api.w.db, { personId: a, typeId: ActivityType.SyncLeadToMicrosoft })).toHaveLength(1);

      api.w.admin.resetRequestCounts();
      const r = await drainOutbox({
        db: api.w.db,
        writer: createOutboxWriter(api.w.session.connection, silentLogger()),
        logger: silentLogger(),
      });
      expect(r).toMatchObject({ confirmed: 2, failed: 0 });
      const ids = (
        await api.w.db.query<{ dynamics_id: string }>(
          'SELECT dynamics_id FROM persons WHERE id = ANY($1::bigint[]) ORDER BY id',
          [[a, b]],
        )
      ).rows.map((x) => x.dynamics_id);
      const contacts = await emulatorRows(
        api.w,
        'contacts',
        ['contactid', '_ownerid_value', '_parentcustomerid_value'],
        `lastname eq 'Pushed'`,
      );
      expect(contacts.map((c) => c.contactid).sort()).toEqual([...ids].sort());
      for (const c of contacts) expect(c).toMatchObject({ _ownerid_value: owner.id, _parentcustomerid_value: null });
      for (const set of ['accounts', 'systemusers'])
        for (const m of ['POST', 'PATCH', 'DELETE']) expect(api.w.admin.requestCount(set, m)).toBe(0);
    });

    it("an unknown sales person is the record's result; a bad syncAs fails the call; activity types list type 300", async () => {
      api = await openApiWorld(backend);
      const a = await marketingPerson(api, 'rest-owner@marketing.test');
      const e = await api.post<Row>('/rest/v1/leads/push.json', { assignTo: 'ghost@nowhere.test', input: [{ id: a }] });
      expect(e.result).toEqual([
        { id: a, status: 'skipped', reasons: [{ code: '1003', message: expect.stringMatching(/ghost@nowhere.test/) }] },
      ]);
      const bad = await api.post<Row>('/rest/v1/leads/push.json', { syncAs: 'account', input: [{ id: a }] });
      expect(bad).toMatchObject({
        success: false,
        errors: [{ code: '1003', message: expect.stringMatching(/syncAs/) }],
      });
      const tooMany = await api.post<Row>('/rest/v1/leads/push.json', {
        input: Array.from({ length: 301 }, (_, i) => ({ id: i + 1 })),
      });
      expect(tooMany).toMatchObject({ success: false, errors: [{ code: '1003' }] });
      const types = await api.get<{ id: number; name: string; attributes: { name: string }[] }>(
        '/rest/v1/activities/types.json',
      );
      expect(types.result).toContainEqual(
        expect.objectContaining({
          id: 300,
          name: 'Sync Lead to Microsoft',
          attributes: [expect.objectContaining({ name: 'Assign To' }), expect.objectContaining({ name: 'Sync As' })],
        }),
      );
    });
  });
}
