/**
 * Issue 10, section 1: every person carries read-only Microsoft Type (Lead, Contact, or empty for a
 * marketing-only person), Microsoft Created Date and Microsoft is Deleted; they are in
 * leads/describe.json, readable through fields= and filterable through filterType, and a write to
 * them is refused per record while the other records of the call go on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../helpers/db.js';
import { errorOf, openApiWorld, type ApiWorld } from './fixture.js';

const FIELDS = 'microsoftType,microsoftCreatedDate,microsoftIsDeleted';
type Lead = {
  id: number;
  email: string | null;
  microsoftType: string | null;
  microsoftCreatedDate: string | null;
  microsoftIsDeleted: boolean;
};

for (const backend of backends) {
  describe(`REST Microsoft system fields [${backend}]`, () => {
    let api: ApiWorld;
    let contact: { id: number; created: Date; email: string };
    let local: number;
    let lead: number;

    beforeAll(async () => {
      api = await openApiWorld(backend);
      const db = api.w.db;
      const c = await db.query<{ id: string; dynamics_created_on: Date; email: string }>(
        `SELECT id, dynamics_created_on, email FROM persons WHERE dynamics_type = 'Contact' AND email IS NOT NULL ORDER BY id LIMIT 1`,
      );
      contact = {
        id: Number(c.rows[0]!.id),
        created: new Date(c.rows[0]!.dynamics_created_on),
        email: c.rows[0]!.email,
      };
      // A marketing-only person and a lead deleted in Dynamics, as the REST API and the lead applier write them.
      local = Number(
        (
          await db.query<{ id: string }>(
            `INSERT INTO persons (email, fields) VALUES ('only@marketing.test', '{"firstName":"Mo"}') RETURNING id`,
          )
        ).rows[0]!.id,
      );
      lead = Number(
        (
          await db.query<{ id: string }>(
            `INSERT INTO persons (dynamics_id, dynamics_type, email, dynamics_created_on, dynamics_deleted)
         VALUES (gen_random_uuid(), 'Lead', 'gone@lead.test', '2024-03-01T10:00:00Z', true) RETURNING id`,
          )
        ).rows[0]!.id,
      );
    });
    afterAll(async () => {
      await api?.close();
    });

    it('describes them as read-only', async () => {
      const e = await api.get<{ displayName: string; dataType: string; rest: { name: string; readOnly: boolean } }>(
        '/rest/v1/leads/describe.json',
      );
      const byName = new Map(e.result!.map((f) => [f.rest.name, f]));
      expect(byName.get('microsoftType')).toMatchObject({
        displayName: 'Microsoft Type',
        dataType: 'string',
        rest: { readOnly: true },
      });
      expect(byName.get('microsoftCreatedDate')).toMatchObject({
        displayName: 'Microsoft Created Date',
        dataType: 'datetime',
        rest: { readOnly: true },
      });
      expect(byName.get('microsoftIsDeleted')).toMatchObject({
        displayName: 'Microsoft is Deleted',
        dataType: 'boolean',
        rest: { readOnly: true },
      });
    });

    it('returns them through fields=', async () => {
      const e = await api.get<Lead>('/rest/v1/leads.json', {
        filterType: 'id',
        filterValues: `${contact.id},${local},${lead}`,
        fields: FIELDS,
      });
      expect(e.result).toEqual([
        {
          id: contact.id,
          microsoftType: 'Contact',
          microsoftCreatedDate: contact.created.toISOString(),
          microsoftIsDeleted: false,
        },
        { id: local, microsoftType: null, microsoftCreatedDate: null, microsoftIsDeleted: false },
        { id: lead, microsoftType: 'Lead', microsoftCreatedDate: '2024-03-01T10:00:00.000Z', microsoftIsDeleted: true },
      ]);
    });

    it('filters on each of them, and refuses a value that cannot match with 1001', async () => {
      const ids = async (filterType: string, filterValues: string) =>
        (await api.get<Lead>('/rest/v1/leads.json', { filterType, filterValues, batchSize: '300' })).result!.map(
          (l) => l.id,
        );
      expect(await ids('microsoftType', 'null')).toEqual([local]);
      const typed = async (t: string) =>
        (
          await api.w.db.query<{ id: string }>(
            `SELECT id FROM persons WHERE dynamics_type = $1 ORDER BY id LIMIT 300`,
            [t],
          )
        ).rows.map((r) => Number(r.id));
      expect(await ids('microsoftType', 'lead')).toEqual(await typed('Lead')); // case-insensitive, as the REST API's filters are
      expect(await ids('microsoftType', 'lead')).toContain(lead);
      expect(await ids('microsoftType', 'Contact')).toEqual(await typed('Contact'));
      expect(await ids('microsoftIsDeleted', 'TRUE')).toEqual([lead]);
      expect(await ids('microsoftCreatedDate', `${contact.created.toISOString()},2024-03-01T11:00:00+01:00`)).toEqual([
        contact.id,
        lead,
      ]);
      expect(
        errorOf(await api.get('/rest/v1/leads.json', { filterType: 'microsoftType', filterValues: 'Account' })),
      ).toEqual([
        '1001',
        "Invalid value 'Account' for microsoftType: use Lead, Contact, or null for a marketing-only person",
      ]);
      expect(
        errorOf(await api.get('/rest/v1/leads.json', { filterType: 'microsoftIsDeleted', filterValues: 'yes' }))[0],
      ).toBe('1001');
      expect(
        errorOf(
          await api.get('/rest/v1/leads.json', { filterType: 'microsoftCreatedDate', filterValues: 'yesterday' }),
        )[0],
      ).toBe('1001');
    });

    it('refuses a write to them per record; the other records of the call are written', async () => {
      const e = await api.post<{ id?: number; status: string; reasons?: { code: string; message: string }[] }>(
        '/rest/v1/leads.json',
        {
          action: 'updateOnly',
          lookupField: 'id',
          input: [
            { id: contact.id, microsoftType: 'Lead' },
            { id: local, firstName: 'Morgan' },
            { id: lead, microsoftIsDeleted: false },
          ],
        },
      );
      expect(e.result).toEqual([
        { status: 'skipped', reasons: [{ code: '1003', message: "Field 'microsoftType' is read-only" }] },
        { id: local, status: 'updated' },
        { status: 'skipped', reasons: [{ code: '1003', message: "Field 'microsoftIsDeleted' is read-only" }] },
      ]);
      const after = await api.get<Lead>('/rest/v1/leads.json', {
        filterType: 'id',
        filterValues: `${contact.id},${lead}`,
        fields: FIELDS,
      });
      expect(after.result!.map((l) => [l.microsoftType, l.microsoftIsDeleted])).toEqual([
        ['Contact', false],
        ['Lead', true],
      ]);
    });
  });
}
