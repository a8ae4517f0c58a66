/**
 * Issue 11 §2: enabled custom tables through REST in Marketo's custom-object shape: the list,
 * describe, reads by marketoGUID / dedupe field / leadId / any field with paging, writes refused
 * record by record (managed by the CRM).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableCustomTable } from '../../src/sync/custom-tables.js';
import { backends } from '../helpers/db.js';
import { emulatorIds } from '../sync/world.js';
import { errorOf, openApiWorld, type ApiWorld } from './fixture.js';

type Row = Record<string, unknown>;

for (const backend of backends) {
  describe(`REST custom objects [${backend}]`, () => {
    let api: ApiWorld;
    let visits: string[];
    let contact: string;
    let personId: number;
    beforeAll(async () => {
      api = await openApiWorld(backend);
      const { w } = api;
      w.admin.addTable({
        logicalName: 'new_visit',
        displayName: 'Visit',
        columns: [
          { logicalName: 'new_contactid', type: 'Lookup', targets: ['contact'] },
          { logicalName: 'new_duration', type: 'Integer' },
        ],
      });
      w.admin.addTable({
        logicalName: 'new_other',
        columns: [{ logicalName: 'new_accountid', type: 'Lookup', targets: ['account'] }],
      });
      contact = emulatorIds(w, 'contact', 1)[0]!;
      visits = [];
      for (let i = 0; i < 5; i++)
        visits.push(
          await w.rep.create('new_visits', {
            new_name: `Visit ${i}`,
            new_duration: 10 * i,
            'new_contactid@odata.bind': `/contacts(${contact})`,
          }),
        );
      visits.sort();
      await enableCustomTable(w.db, w.session.source, w.userId, 'new_visit');
      expect((await w.cycle()).status).toBe('success');
      personId = Number(
        (await w.db.query<{ id: string }>('SELECT id FROM persons WHERE dynamics_id = $1', [contact])).rows[0]!.id,
      );
    });
    afterAll(async () => api?.close());

    it('lists the enabled tables and describes one', async () => {
      const list = await api.get('/rest/v1/customobjects.json');
      expect(list.result).toEqual([
        expect.objectContaining({
          name: 'new_visit',
          displayName: 'Visit',
          idField: 'marketoGUID',
          dedupeFields: ['new_visitid'],
          relationships: [{ field: 'leadId', type: 'child', relatedTo: { name: 'Lead', field: 'id' } }],
        }),
      ]);
      const d = await api.get('/rest/v1/customobjects/new_visit/describe.json');
      const fields = (d.result![0]!.fields as Row[]).map((f) => [f.name, f.dataType]);
      expect(fields).toEqual(
        expect.arrayContaining([
          ['marketoGUID', 'string'],
          ['leadId', 'link'],
          ['new_duration', 'integer'],
          ['new_contactid', 'reference'],
          ['new_name', 'string'],
        ]),
      );
      expect(errorOf(await api.get('/rest/v1/customobjects/new_other/describe.json'))[0]).toBe('610');
    });

    it('reads records by leadId with paging, by marketoGUID, and by a field', async () => {
      const first = await api.get('/rest/v1/customobjects/new_visit.json', {
        filterType: 'leadId',
        filterValues: String(personId),
        fields: 'new_name,new_duration,leadId',
        batchSize: '3',
      });
      expect(first.result!.map((r) => r.marketoGUID)).toEqual(visits.slice(0, 3));
      expect(first.result![0]).toMatchObject({ seq: 0, leadId: personId });
      const second = await api.get('/rest/v1/customobjects/new_visit.json', {
        filterType: 'leadId',
        filterValues: String(personId),
        nextPageToken: first.nextPageToken!,
      });
      expect(second.result!.map((r) => r.marketoGUID)).toEqual(visits.slice(3));
      expect(second.nextPageToken).toBeUndefined();

      const byId = await api.get('/rest/v1/customobjects/new_visit.json', {
        filterType: 'marketoGUID',
        filterValues: visits[1]!.toUpperCase(),
        fields: 'new_visitid,new_duration',
      });
      expect(byId.result).toHaveLength(1);
      expect(byId.result![0]!.new_visitid).toBe(visits[1]);
      const byField = await api.get('/rest/v1/customobjects/new_visit.json', {
        filterType: 'new_name',
        filterValues: 'Visit 2,Visit 4',
        fields: 'new_name',
      });
      expect(byField.result!.map((r) => r.new_name).sort()).toEqual(['Visit 2', 'Visit 4']);

      expect(
        errorOf(await api.get('/rest/v1/customobjects/new_visit.json', { filterType: 'nope', filterValues: 'x' }))[0],
      ).toBe('1003');
      expect(
        errorOf(
          await api.get('/rest/v1/customobjects/new_visit.json', {
            filterType: 'leadId',
            filterValues: '1',
            fields: 'missing',
          }),
        )[0],
      ).toBe('1006');
    });

    it('refuses writes record by record: the CRM manages them', async () => {
      const res = await api.post('/rest/v1/customobjects/new_visit.json', {
        action: 'createOrUpdate',
        input: [{ new_name: 'x' }, { new_name: 'y' }],
      });
      expect(res.success).toBe(true);
      expect(res.result).toEqual([
        {
          seq: 0,
          status: 'skipped',
          reasons: [{ code: '1003', message: expect.stringMatching(/managed by the CRM/) }],
        },
        {
          seq: 1,
          status: 'skipped',
          reasons: [{ code: '1003', message: expect.stringMatching(/managed by the CRM/) }],
        },
      ]);
      const del = await api.post('/rest/v1/customobjects/new_visit/delete.json', {
        input: [{ marketoGUID: visits[0] }],
      });
      expect(del.result![0]).toMatchObject({ status: 'skipped' });
    });
  });
}
