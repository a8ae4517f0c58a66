/** The UI's opportunities: GET /api/opportunities (all, a company's, a person's) and the page itself. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOpportunities, listOpportunityRoles } from '../../src/store/records/index.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

// The small seed synced once for the file (the fixture of the other admin tests).
beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
}, 180_000);
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

type Item = {
  dynamicsId: string;
  name: string;
  stage: string;
  estimatedValue: number;
  company: { dynamicsId: string; name: string } | null;
  role?: string;
};

describe('GET /api/opportunities', () => {
  it('pages through every opportunity with stage, value and company', async () => {
    const all = await listOpportunities(f.db, { kind: 'all' }, { afterId: 0, limit: 1000 });
    const seen: Item[] = [];
    let cursor: string | null = null;
    do {
      const r: { items: Item[]; nextCursor: string | null } = (
        await c.send({ url: `/api/opportunities?limit=20${cursor ? `&cursor=${cursor}` : ''}` })
      ).json();
      seen.push(...r.items);
      cursor = r.nextCursor;
    } while (cursor);
    expect(seen.map((o) => o.dynamicsId)).toEqual(all.map((o) => o.dynamicsId));
    const withCompany = seen.find((o) => o.company?.name)!;
    expect(withCompany).toMatchObject({
      name: expect.any(String),
      stage: expect.stringMatching(/^(Open|Won|Lost)$/),
      estimatedValue: expect.any(Number),
    });

    const ofCompany = (
      await c.send({ url: `/api/opportunities?company=${withCompany.company!.dynamicsId}&limit=200` })
    ).json();
    expect(ofCompany.items.length).toBeGreaterThan(0);
    expect(ofCompany.items.every((o: Item) => o.company?.dynamicsId === withCompany.company!.dynamicsId)).toBe(true);
    expect((await c.send({ url: '/api/opportunities?company=not-a-guid' })).statusCode).toBe(400);
  });

  it("lists a person's opportunities with the person's role", async () => {
    const roles = await f.db.query<{ person_id: string }>(
      `SELECT p.id::text AS person_id FROM opportunity_connections k JOIN persons p ON p.dynamics_id = k.contact_dynamics_id LIMIT 1`,
    );
    const personId = Number(roles.rows[0]!.person_id);
    const expected = await listOpportunityRoles(f.db, { kind: 'persons', values: [personId] });
    const r = (await c.send({ url: `/api/opportunities?person=${personId}` })).json();
    expect(r.items.map((o: Item) => [o.dynamicsId, o.role]).sort()).toEqual(
      expected.map((x) => [x.opportunityDynamicsId, x.role]).sort(),
    );
  });

  it('serves the Opportunities page and its script', async () => {
    const html = await c.send({ url: '/opportunities' });
    expect(html.statusCode).toBe(200);
    expect(html.body).toContain('/assets/pages/opportunities.js');
    expect(html.body).toContain('href="/opportunities"');
    expect((await c.send({ url: '/assets/pages/opportunities.js' })).statusCode).toBe(200);
  });
});
