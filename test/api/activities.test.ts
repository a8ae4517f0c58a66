/**
 * Issue 4 §2: the activity endpoints. types.json; pagingtoken.json turns a time into a cursor;
 * activities.json and leadchanges.json stream the log in id order from that cursor, each page
 * answering where to continue, so a client that polls sees every activity exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActivityType } from '../../src/domain/index.js';
import { backends } from '../helpers/db.js';
import { errorOf, openApiWorld, type ApiWorld } from './fixture.js';

interface Activity {
  id: number;
  marketoGUID: string;
  leadId: number;
  activityDate: string;
  activityTypeId: number;
  primaryAttributeValueId?: number;
  primaryAttributeValue: string | null;
  attributes: { name: string; value: unknown }[];
}
interface LeadChange extends Omit<Activity, 'primaryAttributeValue'> {
  fields: { id: number | null; name: string; newValue: unknown; oldValue: unknown }[];
}

/** Follows nextPageToken until moreResult is false; every page is checked to be in id order. */
async function drain<T extends { id: number }>(
  api: ApiWorld,
  path: string,
  token: string,
  query: Record<string, string>,
): Promise<{ items: T[]; token: string }> {
  const items: T[] = [];
  for (let page = 0; page < 1000; page++) {
    const e = await api.get<T>(path, { ...query, nextPageToken: token });
    expect(e.success, JSON.stringify(e.errors)).toBe(true);
    items.push(...e.result!);
    token = e.nextPageToken!;
    if (!e.moreResult) return { items, token };
  }
  throw new Error('no end of pages');
}

const PAST = '2000-01-01T00:00:00Z';

for (const backend of backends) {
  describe(`REST activities [${backend}]`, () => {
    let api: ApiWorld;
    let personIds: number[];
    beforeAll(async () => {
      api = await openApiWorld(backend);
      personIds = (await api.w.db.query<{ id: number }>('SELECT id::int AS id FROM persons ORDER BY id')).rows.map(
        (r) => r.id,
      );
    });
    afterAll(async () => api?.close());

    const tokenSince = async (since: string) =>
      (await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: since })).nextPageToken!;

    it('lists the activity types: New Lead (12), Change Data Value (13), Sync Lead to Microsoft (300) and the sync error type', async () => {
      const e = await api.get<{ id: number; name: string; primaryAttribute: { name: string } }>(
        '/rest/v1/activities/types.json',
      );
      expect(e.result!.map((t) => [t.id, t.name])).toEqual([
        [12, 'New Lead'],
        [13, 'Change Data Value'],
        [300, 'Sync Lead to Microsoft'],
        [ActivityType.SyncError, 'Dynamics Sync Error'],
      ]);
    });

    it('streams every New Lead of the initial sync once, in id order, across small pages', async () => {
      const token = await tokenSince(PAST);
      const { items } = await drain<Activity>(api, '/rest/v1/activities.json', token, {
        activityTypeIds: '12',
        batchSize: '7',
      });
      const stored = (
        await api.w.db.query<{ id: number; person_id: number }>(
          `SELECT id::int AS id, person_id::int AS person_id FROM activities WHERE type_id = 12 ORDER BY id`,
        )
      ).rows;
      expect(stored.length).toBe(personIds.length);
      expect(items.map((a) => [a.id, a.leadId])).toEqual(stored.map((r) => [r.id, r.person_id]));
      expect(items[0]).toMatchObject({
        activityTypeId: 12,
        marketoGUID: String(items[0]!.id),
        primaryAttributeValueId: items[0]!.leadId,
      });
      expect(items[0]!.attributes).toContainEqual({ name: 'Source Type', value: 'Dynamics contact' });
    });

    it('filters by leadIds, and a token from the end of the log returns only what happens later', async () => {
      const [a, b] = personIds;
      const { items } = await drain<Activity>(api, '/rest/v1/activities.json', await tokenSince(PAST), {
        activityTypeIds: '12,13',
        leadIds: `${a},${b}`,
      });
      expect(new Set(items.map((x) => x.leadId))).toEqual(new Set([a, b]));

      const end = await tokenSince('2999-01-01T00:00:00Z');
      const empty = await api.get<Activity>('/rest/v1/activities.json', { nextPageToken: end, activityTypeIds: '13' });
      expect(empty).toMatchObject({ success: true, result: [], moreResult: false, nextPageToken: end });
      await api.post('/rest/v1/leads.json', {
        action: 'updateOnly',
        lookupField: 'id',
        input: [{ id: a, title: 'Buyer' }],
      });
      const fresh = await api.get<Activity>('/rest/v1/activities.json', { nextPageToken: end, activityTypeIds: '13' });
      expect(fresh.result!.map((x) => [x.leadId, x.primaryAttributeValue])).toEqual([[a, 'title']]);
      expect(fresh.result![0]!.attributes).toEqual(
        expect.arrayContaining([
          { name: 'New Value', value: 'Buyer' },
          { name: 'Source', value: 'local' },
        ]),
      );
      expect(fresh.moreResult).toBe(false);
      const again = await api.get<Activity>('/rest/v1/activities.json', {
        nextPageToken: fresh.nextPageToken!,
        activityTypeIds: '13',
      });
      expect(again.result).toEqual([]);
    });

    it('lists lead changes of the fields asked for, with old and new values, including account changes from Dynamics', async () => {
      const start = await tokenSince('2999-01-01T00:00:00Z');
      const company = (
        await api.w.db.query<{ dynamics_id: string; n: number }>(
          `SELECT c.dynamics_id, count(p.id)::int AS n FROM companies c JOIN persons p ON p.account_dynamics_id = c.dynamics_id
         GROUP BY c.dynamics_id ORDER BY n DESC LIMIT 1`,
        )
      ).rows[0]!;
      await api.w.rep.update('accounts', company.dynamics_id, {
        address1_city: 'Nantes',
        telephone1: '+33 2 00 00 00 00',
      });
      expect((await api.w.cycle()).status).toBe('success');
      const { items } = await drain<LeadChange>(api, '/rest/v1/activities/leadchanges.json', start, {
        fields: 'billingCity',
      });
      expect(items).toHaveLength(company.n);
      const billingCityId = (
        await api.get<{ id: number; rest: { name: string } }>('/rest/v1/leads/describe.json')
      ).result!.find((f) => f.rest.name === 'billingCity')!.id;
      for (const change of items) {
        expect(change.activityTypeId).toBe(13);
        expect(change.fields).toEqual([
          { id: billingCityId, name: 'billingCity', newValue: 'Nantes', oldValue: expect.anything() },
        ]);
        expect(change.attributes).toContainEqual({ name: 'Source', value: 'dynamics' });
      }
      const phones = await drain<LeadChange>(api, '/rest/v1/activities/leadchanges.json', start, {
        fields: 'mainPhone,billingCity',
      });
      expect(phones.items).toHaveLength(company.n * 2);
    });

    it('answers 1003 for a missing or foreign token, missing or unknown types, too many leads; 1001 for wrong types; 1006 for unknown fields', async () => {
      const token = await tokenSince(PAST);
      expect(errorOf(await api.get('/rest/v1/activities/pagingtoken.json'))).toEqual([
        '1003',
        "Parameter 'sinceDatetime' is required",
      ]);
      expect(errorOf(await api.get('/rest/v1/activities/pagingtoken.json', { sinceDatetime: 'yesterday' }))[0]).toBe(
        '1001',
      );
      expect(errorOf(await api.get('/rest/v1/activities.json', { activityTypeIds: '12' }))).toEqual([
        '1003',
        "Parameter 'nextPageToken' is required",
      ]);
      expect(
        errorOf(await api.get('/rest/v1/activities.json', { nextPageToken: 'abc', activityTypeIds: '12' })),
      ).toEqual(['1003', 'Invalid nextPageToken']);
      expect(errorOf(await api.get('/rest/v1/activities.json', { nextPageToken: token }))[0]).toBe('1003');
      expect(
        errorOf(await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '99' })),
      ).toEqual(['1003', 'Invalid activity type id 99']);
      expect(
        errorOf(await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: 'twelve' }))[0],
      ).toBe('1001');
      const leads = Array.from({ length: 31 }, (_, i) => String(i + 1)).join(',');
      expect(
        errorOf(
          await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12', leadIds: leads }),
        )[0],
      ).toBe('1003');
      expect(
        errorOf(
          await api.get('/rest/v1/activities.json', { nextPageToken: token, activityTypeIds: '12', batchSize: '0' }),
        )[0],
      ).toBe('1001');
      expect(errorOf(await api.get('/rest/v1/activities/leadchanges.json', { nextPageToken: token }))).toEqual([
        '1003',
        "Parameter 'fields' is required",
      ]);
      expect(
        errorOf(
          await api.get('/rest/v1/activities/leadchanges.json', {
            nextPageToken: token,
            fields: 'billingCity,shoeSize',
          }),
        )[0],
      ).toBe('1006');
    });
  });
}
