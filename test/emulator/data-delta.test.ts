import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDataPlaneServer, type TestServer } from './helpers/data-plane-server.js';

interface Page {
  '@odata.context': string;
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  value: Record<string, unknown>[];
}

let s: TestServer;
beforeEach(async () => {
  s = await startDataPlaneServer({ seed: 30 });
});
afterEach(() => s.close());

const TRACK = { Prefer: 'odata.track-changes' };
const json = async (res: Response): Promise<Page> => (await res.json()) as Page;

/** Reads all pages of a tracked initial read or a delta; returns rows and the final deltaLink. */
async function readAll(
  url: string,
  prefer: string,
): Promise<{ rows: Record<string, unknown>[]; deltaLink: string; pages: Page[] }> {
  const pages: Page[] = [];
  let next: string | undefined = url;
  while (next) {
    const res = await s.get(next, { Prefer: prefer });
    expect(res.status).toBe(200);
    const p = await json(res);
    pages.push(p);
    next = p['@odata.nextLink'];
  }
  for (const p of pages.slice(0, -1)) expect(p['@odata.deltaLink']).toBeUndefined();
  const deltaLink = pages[pages.length - 1]!['@odata.deltaLink']!;
  expect(deltaLink).toBeDefined();
  return { rows: pages.flatMap((p) => p.value), deltaLink, pages };
}

const rep = () => s.principal('rep@contoso.test');

describe('change tracking', () => {
  it('initial tracked read gives a deltaLink shaped like Dataverse', async () => {
    const res = await s.get('accounts?$select=name,telephone1', TRACK);
    expect(res.headers.get('preference-applied')).toBe('odata.track-changes');
    const p = await json(res);
    expect(p.value).toHaveLength(30);
    expect(p['@odata.deltaLink']).toMatch(
      new RegExp(
        `^${s.api.replace(/[.?]/g, '\\$&')}accounts\\?\\$select=name,telephone1&\\$deltatoken=\\d+%21\\d\\d%2f\\d\\d%2f\\d{4}%20\\d\\d%3a\\d\\d%3a\\d\\d$`,
      ),
    );
  });

  it('a delta returns creates and updates (current values) first, then deletes, and a fresh deltaLink', async () => {
    const { deltaLink } = await readAll('accounts?$select=name', 'odata.track-changes');
    const [a, b, c] = s.data.ids('account', 3);
    s.data.update(rep(), 'account', a!, { name: 'First update' });
    s.data.update(rep(), 'account', a!, { name: 'Second update' });
    s.data.remove(rep(), 'account', b!);
    const created = s.data.create(rep(), 'account', { name: 'Brand new' });
    const ghost = s.data.create(rep(), 'account', { name: 'Short-lived' });
    s.data.remove(rep(), 'account', ghost);
    s.data.update(rep(), 'account', c!, { telephone1: '555-0100' });

    const res = await s.get(deltaLink);
    const p = await json(res);
    expect(p['@odata.context']).toBe(`${s.api}$metadata#accounts(name)/$delta`);
    const upserts = p.value.filter((r) => !('reason' in r));
    const deletes = p.value.filter((r) => r.reason === 'deleted');
    expect(upserts.map((r) => r.accountid)).toEqual([a, created, c]);
    expect(upserts[0]!.name).toBe('Second update');
    expect(p.value.indexOf(deletes[0]!)).toBe(upserts.length);
    expect(deletes).toEqual([
      { '@odata.context': `${s.api}$metadata#accounts/$deletedEntity`, id: b, reason: 'deleted' },
      { '@odata.context': `${s.api}$metadata#accounts/$deletedEntity`, id: ghost, reason: 'deleted' },
    ]);
    expect(p['@odata.deltaLink']).not.toBe(deltaLink);

    const again = await json(await s.get(p['@odata.deltaLink']!));
    expect(again.value).toEqual([]);
    expect(again['@odata.deltaLink']).toBeDefined();
  });

  it('counts pending changes with $count?$deltatoken', async () => {
    const { deltaLink } = await readAll('accounts?$select=name', 'odata.track-changes');
    const token = new URL(deltaLink).searchParams.get('$deltatoken')!;
    const ids = s.data.ids('account', 2);
    s.data.update(rep(), 'account', ids[0]!, { name: 'x' });
    s.data.remove(rep(), 'account', ids[1]!);
    const res = await s.get(`accounts/$count?$deltatoken=${encodeURIComponent(token)}`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('2');
  });

  it('pages a large delta with nextLinks and puts the deltaLink on the last page only', async () => {
    const { deltaLink } = await readAll('contacts?$select=lastname', 'odata.track-changes');
    const ids = s.data.ids('contact', 25);
    for (const id of ids) s.data.update(rep(), 'contact', id, { jobtitle: 'Changed' });
    for (const id of ids.slice(0, 5)) s.data.remove(rep(), 'contact', id);
    const { rows, pages } = await readAll(deltaLink, 'odata.maxpagesize=7');
    expect(pages.length).toBe(Math.ceil(25 / 7));
    expect(rows.filter((r) => r.reason === 'deleted').map((r) => r.id)).toEqual(ids.slice(0, 5));
    expect(rows.filter((r) => !r.reason).map((r) => r.contactid)).toEqual(ids.slice(5));
  });

  it('a tracked initial read that pages keeps its start version: writes made while paging show up in the next delta', async () => {
    const first = await json(
      await s.get('contacts?$select=lastname', { Prefer: 'odata.track-changes,odata.maxpagesize=100' }),
    );
    const ids = s.data.ids('contact');
    s.data.update(rep(), 'contact', ids[0]!, { lastname: 'Changed while paging' });
    let next = first['@odata.nextLink'];
    let deltaLink: string | undefined;
    while (next) {
      const p = await json(await s.get(next, { Prefer: 'odata.track-changes,odata.maxpagesize=100' }));
      next = p['@odata.nextLink'];
      deltaLink = p['@odata.deltaLink'];
    }
    const delta = await json(await s.get(deltaLink!));
    expect(delta.value.map((r) => [r.contactid, r.lastname])).toEqual([[ids[0], 'Changed while paging']]);
  });

  it('changes made while paging through a delta land in the next delta, not half in this one', async () => {
    const { deltaLink } = await readAll('contacts?$select=lastname', 'odata.track-changes');
    const ids = s.data.ids('contact', 10);
    for (const id of ids) s.data.update(rep(), 'contact', id, { lastname: 'Round 1' });
    const p1 = await json(await s.get(deltaLink, { Prefer: 'odata.maxpagesize=5' }));
    s.data.update(rep(), 'contact', ids[7]!, { lastname: 'Round 2' });
    const p2 = await json(await s.get(p1['@odata.nextLink']!, { Prefer: 'odata.maxpagesize=5' }));
    expect(p2['@odata.nextLink']).toBeUndefined();
    const seen = [...p1.value, ...p2.value].map((r) => r.contactid);
    expect(seen).toEqual(ids.filter((id) => id !== ids[7]));
    const p3 = await json(await s.get(p2['@odata.deltaLink']!));
    expect(p3.value.map((r) => [r.contactid, r.lastname])).toEqual([[ids[7], 'Round 2']]);
  });

  it('refuses $filter, $orderby, $top and $expand with track-changes', async () => {
    for (const [opt, value] of [
      ['$filter', "name eq 'x'"],
      ['$orderby', 'name'],
      ['$top', '5'],
      ['$expand', 'primarycontactid'],
    ]) {
      const res = await s.get(`accounts?$select=name&${opt}=${encodeURIComponent(value!)}`, TRACK);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.message).toBe(`The "${opt}" query parameter isn't supported when Change Tracking is enabled.`);
    }
  });

  it('expires tokens older than the organization expiry (emulator clock)', async () => {
    const { deltaLink } = await readAll('accounts?$select=name', 'odata.track-changes');
    s.clock.advance(6 * 86_400_000);
    const ok = await s.get(deltaLink);
    expect(ok.status).toBe(200);
    s.clock.advance(2 * 86_400_000);
    const res = await s.get(deltaLink);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      error: {
        code: '0x80044352',
        message: 'Version stamp associated with the client has expired. Please perform a full sync.',
      },
    });
    const fresh = await json(
      await ok
        .clone()
        .json()
        .then((p) => s.get((p as Page)['@odata.deltaLink']!)),
    );
    expect(fresh.value).toEqual([]);
  });

  it('expireDeltaTokens expires every token issued so far, per table or all', async () => {
    const accounts = await readAll('accounts?$select=name', 'odata.track-changes');
    const contacts = await readAll('contacts?$select=lastname', 'odata.track-changes');
    s.data.expireDeltaTokens('account');
    expect((await s.get(accounts.deltaLink)).status).toBe(400);
    expect((await s.get(contacts.deltaLink)).status).toBe(200);
    const renewed = await readAll('accounts?$select=name', 'odata.track-changes');
    expect((await s.get(renewed.deltaLink)).status).toBe(200);
    s.data.expireDeltaTokens();
    const res = await s.get(contacts.deltaLink);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('0x80044352');
  });

  it('fails clearly when the table has change tracking off', async () => {
    const off = await startDataPlaneServer({ seed: 'none', changeTrackingDisabled: ['lead'] });
    try {
      const res = await off.get('leads?$select=subject', TRACK);
      expect(res.status).toBe(400);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('0x80044353');
      expect(body.error.message).toContain("Change tracking is not enabled for the entity 'lead'");
      expect((await off.get('accounts?$select=name', TRACK)).status).toBe(200);
    } finally {
      await off.close();
    }
  });

  it('rejects a malformed delta token', async () => {
    const res = await s.get('accounts?$select=name&$deltatoken=garbage');
    expect(res.status).toBe(400);
  });
});
