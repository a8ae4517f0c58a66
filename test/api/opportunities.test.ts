/**
 * Issue 11 §1: GET /rest/v1/opportunities.json (externalOpportunityId, id, any field, paging),
 * opportunities/roles.json and opportunities/describe.json over a lead database the real sync
 * filled from the emulator; writes refused per record (managed by the CRM).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpportunityRoles, type OpportunityView, listOpportunities } from '../../src/store/records/index.js';
import { backends } from '../helpers/db.js';
import { openApiWorld, type ApiWorld } from './fixture.js';

type Row = Record<string, unknown>;

for (const backend of backends) {
  describe(`REST opportunities [${backend}]`, () => {
    let api: ApiWorld;
    let opps: OpportunityView[];
    beforeAll(async () => {
      api = await openApiWorld(backend, { accounts: 40 });
      opps = await listOpportunities(api.w.db, { kind: 'all' }, { afterId: 0, limit: 100 });
    });
    afterAll(async () => api?.close());

    it('finds opportunities by externalOpportunityId, id and a synced field', async () => {
      const [a, b] = opps;
      const byExternal = await api.get<Row>('/rest/v1/opportunities.json', {
        filterType: 'externalOpportunityId',
        filterValues: `${a!.dynamicsId.toUpperCase()},${b!.dynamicsId}`,
        fields: 'name,estimatedValue,stage,externalCompanyId',
      });
      expect(byExternal).toMatchObject({ success: true });
      expect(byExternal.result).toEqual(
        [a!, b!].map((o, seq) => ({
          seq,
          name: o.fields.name,
          estimatedValue: o.fields.estimatedValue,
          stage: o.fields.stage,
          externalCompanyId: o.companyDynamicsId,
        })),
      );
      const byId = await api.get<Row>('/rest/v1/opportunities.json', { filterType: 'id', filterValues: String(b!.id) });
      expect(byId.result).toEqual([
        expect.objectContaining({
          seq: 0,
          marketoGUID: String(b!.id),
          externalOpportunityId: b!.dynamicsId,
          microsoftIsDeleted: false,
          name: b!.fields.name,
        }),
      ]);
      const byName = await api.get<Row>('/rest/v1/opportunities.json', {
        filterType: 'name',
        filterValues: String(a!.fields.name),
        fields: 'externalOpportunityId',
      });
      expect(byName.result!.map((r) => r.externalOpportunityId)).toContain(a!.dynamicsId);
    });

    it('pages with nextPageToken until every opportunity was read once', async () => {
      const seen: unknown[] = [];
      let token: string | undefined;
      do {
        const page = await api.get<Row>('/rest/v1/opportunities.json', {
          filterType: 'stage',
          filterValues: 'Open,Won,Lost',
          fields: 'externalOpportunityId',
          batchSize: '3',
          ...(token ? { nextPageToken: token } : {}),
        });
        expect(page.success).toBe(true);
        expect(page.result!.length).toBeLessThanOrEqual(3);
        seen.push(...page.result!.map((r) => r.externalOpportunityId));
        token = page.nextPageToken;
      } while (token);
      expect(seen.sort()).toEqual(opps.map((o) => o.dynamicsId).sort());
    });

    it('answers bad filters and unknown fields with Marketo error codes', async () => {
      expect(
        (await api.get('/rest/v1/opportunities.json', { filterType: 'externalOpportunityId', filterValues: 'nope' }))
          .errors,
      ).toEqual([expect.objectContaining({ code: '1001' })]);
      expect(
        (await api.get('/rest/v1/opportunities.json', { filterType: 'id', filterValues: '1', fields: 'bogus' })).errors,
      ).toEqual([expect.objectContaining({ code: '1006' })]);
      expect((await api.get('/rest/v1/opportunities.json', { filterType: 'bogus', filterValues: '1' })).errors).toEqual(
        [expect.objectContaining({ code: '1003' })],
      );
    });

    it('lists contact roles by opportunity and by person', async () => {
      const withRoles = [];
      for (const o of opps)
        if ((await listOpportunityRoles(api.w.db, { kind: 'opportunities', values: [o.dynamicsId] })).length > 0)
          withRoles.push(o);
      expect(withRoles.length).toBeGreaterThan(0);
      const o = withRoles[0]!;
      const roles = await api.get<Row>('/rest/v1/opportunities/roles.json', {
        filterType: 'externalOpportunityId',
        filterValues: o.dynamicsId,
      });
      expect(roles.result!.length).toBeGreaterThan(0);
      for (const r of roles.result!) {
        expect(r).toMatchObject({ externalOpportunityId: o.dynamicsId, leadId: expect.any(Number) });
        expect(['Potential Customer', 'Stakeholder']).toContain(r.role);
        expect(r.isPrimary).toBe(r.role === 'Potential Customer');
      }
      const leadId = roles.result![0]!.leadId as number;
      const byLead = await api.get<Row>('/rest/v1/opportunities/roles.json', {
        filterType: 'leadId',
        filterValues: String(leadId),
      });
      expect(byLead.result!.map((r) => r.externalOpportunityId)).toContain(o.dynamicsId);
    });

    it('describes the opportunity with its synced fields, none updateable', async () => {
      const d = await api.get<{ idField: string; dedupeFields: string[]; fields: Row[] }>(
        '/rest/v1/opportunities/describe.json',
      );
      const [desc] = d.result!;
      expect(desc).toMatchObject({ idField: 'marketoGUID', dedupeFields: ['externalOpportunityId'] });
      const names = desc!.fields.map((f) => f.name);
      for (const n of [
        'externalOpportunityId',
        'name',
        'estimatedValue',
        'closeProbability',
        'stage',
        'actualCloseDate',
      ])
        expect(names).toContain(n);
      expect(desc!.fields.find((f) => f.name === 'estimatedValue')).toMatchObject({ dataType: 'currency' });
      expect(desc!.fields.every((f) => f.updateable === false)).toBe(true);
    });

    it('refuses writes record by record: opportunities are managed by the CRM', async () => {
      const before = await listOpportunities(api.w.db, { kind: 'all' }, { afterId: 0, limit: 100 });
      const res = await api.post('/rest/v1/opportunities.json', {
        action: 'createOrUpdate',
        input: [{ externalOpportunityId: opps[0]!.dynamicsId, name: 'Renamed' }, { name: 'New one' }],
      });
      expect(res).toMatchObject({ success: true });
      expect(res.result).toEqual(
        [0, 1].map((seq) => ({
          seq,
          status: 'skipped',
          reasons: [{ code: '1018', message: expect.stringContaining('managed by the CRM') }],
        })),
      );
      const roles = await api.post('/rest/v1/opportunities/roles.json', { input: [{ leadId: 1, role: 'x' }] });
      expect(roles.result).toEqual([expect.objectContaining({ seq: 0, status: 'skipped' })]);
      expect(await listOpportunities(api.w.db, { kind: 'all' }, { afterId: 0, limit: 100 })).toEqual(before);
      expect(
        api.w.admin.requestCount('opportunities', 'PATCH') + api.w.admin.requestCount('opportunities', 'POST'),
      ).toBe(0);
    });
  });
}
