/** GET /api/sync-errors and its CSV export, over real sync errors (accounts corrupted in the emulator). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture({ corruptAccounts: 3 });
  c = await signedInClient(f.deps());
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

describe('GET /api/sync-errors', () => {
  it('lists the records the sync could not apply, searchable by text and table', async () => {
    const all = (await c.send({ url: '/api/sync-errors' })).json();
    expect(all.total).toBe(3);
    expect(all.items.map((e: { recordId: string }) => e.recordId).sort()).toEqual([...f.corruptedAccounts].sort());
    expect(all.items[0]).toMatchObject({
      entity: 'account',
      code: 'unknown_option',
      direction: 'from_dynamics',
      runId: 1,
    });
    expect(all.nextCursor).toBeNull();

    expect((await c.send({ url: '/api/sync-errors?q=INDUSTRYCODE' })).json().total).toBe(3);
    expect((await c.send({ url: `/api/sync-errors?q=${f.corruptedAccounts[0]}` })).json().total).toBe(1);
    expect((await c.send({ url: '/api/sync-errors?q=%25' })).json().total).toBe(0); // % is text, not a wildcard
    expect((await c.send({ url: '/api/sync-errors?entity=contact' })).json().total).toBe(0);
    expect((await c.send({ url: '/api/sync-errors?entity=account&q=option' })).json().total).toBe(3);
  });

  it('pages with the cursor it gives out', async () => {
    const first = (await c.send({ url: '/api/sync-errors?limit=2' })).json();
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).toEqual(expect.any(String));
    const second = (await c.send({ url: `/api/sync-errors?limit=2&cursor=${first.nextCursor}` })).json();
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    const ids = [...first.items, ...second.items].map((e: { id: number }) => e.id);
    expect(new Set(ids).size).toBe(3);
  });

  it('refuses bad filters with 400', async () => {
    for (const url of [
      '/api/sync-errors?entity=invoice',
      '/api/sync-errors?limit=0',
      '/api/sync-errors?limit=x',
      '/api/sync-errors?cursor=nonsense',
    ]) {
      const res = await c.send({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.code).toMatch(/^invalid_/);
    }
  });
});

describe('GET /api/sync-errors.csv', () => {
  it('downloads the matching errors as CSV with a header row', async () => {
    const res = await c.send({ url: '/api/sync-errors.csv?q=industrycode' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="dynasync-sync-errors-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]!.replaceAll('"', '')).toBe(
      'id,occurred_at,entity,record_id,operation,direction,code,message,person_id,run_id',
    );
    expect(lines).toHaveLength(4);
    for (const id of f.corruptedAccounts) expect(res.body).toContain(id);

    const none = await c.send({ url: '/api/sync-errors.csv?entity=systemuser' });
    expect(none.body.trimEnd().split('\r\n')).toHaveLength(1);
  });
});
