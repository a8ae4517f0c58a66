/**
 * Issue 4 §2: /metrics (records synced by table and operation, cycle durations, sync errors, time
 * held back by Dataverse throttling, pending changes) sourced from the lead database, so a restarted
 * process shows the same totals; /docs describes every /identity, /rest and /api route.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from '../../src/api/server.js';
import { listRuns } from '../../src/store/runs.js';
import { backends } from '../helpers/db.js';
import { apiDeps, openApiWorld, type ApiWorld } from './fixture.js';

/** Samples of one metric family as `labels → value`, labels written `k=v,k=v` in exposition order. */
function samples(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (m && m[1] === name) out.set((m[2] ?? '').replaceAll('"', ''), Number(m[3]));
  }
  return out;
}

const scrape = async (api: ApiWorld, app = api.app): Promise<string> => {
  const res = await app.inject({ url: '/metrics' });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.body;
};

for (const backend of backends) {
  describe(`metrics [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    it('counts what the recorded cycles did, keeps the totals across a restart, and never counts a cycle twice', async () => {
      api = await openApiWorld(backend);
      const [contact] = api.w.emu.ctx.data.ids('contact', 1);
      api.w.admin.corruptRecord('contact', contact!, 'emailaddress1', 'not an email');
      const [account] = api.w.emu.ctx.data.ids('account', 1);
      await api.w.rep.update('accounts', account!, { address1_city: 'Brest' });
      await api.w.cycle();

      const runs = await listRuns(api.w.db);
      const sum = (table: string, op: 'inserted' | 'updated' | 'deleted' | 'skipped') =>
        runs.reduce((n, r) => n + Number(r.stats[table]?.[op] ?? 0), 0);
      const text = await scrape(api);
      const records = samples(text, 'dynasync_records_synced_total');
      expect(records.get('table=contact,operation=inserted')).toBe(sum('contact', 'inserted'));
      expect(records.get('table=account,operation=inserted')).toBe(sum('account', 'inserted'));
      expect(records.get('table=account,operation=updated')).toBe(1);
      expect(records.get('table=contact,operation=skipped')).toBe(1);
      const cycles = samples(text, 'dynasync_cycle_duration_seconds_count');
      expect([...cycles.values()].reduce((a, b) => a + b, 0)).toBe(runs.length);
      expect(samples(text, 'dynasync_cycle_duration_seconds_bucket').get('le=+Inf,status=success')).toBe(
        runs.filter((r) => r.status === 'success').length,
      );
      const errors = samples(text, 'dynasync_sync_errors_total');
      const stored = (
        await api.w.db.query<{ entity: string; code: string; n: number }>(
          'SELECT entity, code, count(*)::int AS n FROM sync_errors GROUP BY entity, code',
        )
      ).rows;
      expect(stored.length).toBeGreaterThan(0);
      for (const e of stored) expect(errors.get(`table=${e.entity},code=${e.code}`)).toBe(e.n);
      const contacts = (
        await api.w.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM persons WHERE dynamics_type = 'Contact'`)
      ).rows[0]!.n;
      expect(samples(text, 'dynasync_records_stored').get('table=contact')).toBe(contacts);

      // A second scrape adds nothing; a new process on the same database starts from the same totals.
      expect(samples(await scrape(api), 'dynasync_records_synced_total')).toEqual(records);
      const restarted = await createServer(apiDeps(api.w.db, { secretBox: api.w.box }));
      try {
        const again = await scrape(api, restarted);
        expect(samples(again, 'dynasync_records_synced_total')).toEqual(records);
        expect(samples(again, 'dynasync_sync_errors_total')).toEqual(errors);
      } finally {
        await restarted.close();
      }
    });

    it('shows pending changes waiting in Dynamics and the time spent held back by throttling', async () => {
      api = await openApiWorld(backend);
      for (const id of api.w.emu.ctx.data.ids('account', 2))
        await api.w.rep.update('accounts', id, { address1_city: 'Rennes' });
      const pending = samples(await scrape(api), 'dynasync_pending_changes');
      expect(pending).toEqual(
        new Map([
          ['table=systemuser', 0],
          ['table=account', 2],
          ['table=contact', 0],
          ['table=lead', 0],
          ['table=opportunity', 0],
          ['table=connection', 0],
        ]),
      );

      // Dataverse allows 2 requests a second from now on: the next cycle meets 429s and waits.
      api.w.admin.setLimits({ requests: 2, windowMs: 1000 });
      expect((await api.w.cycle()).status).toBe('success');
      const throttled = samples(await scrape(api), 'dynasync_dataverse_throttled_seconds_total').get('');
      expect(throttled).toBeGreaterThan(0);
    });
  });
}

/** [path, method] of every route, from fastify's route tree (each line's segment extends its parent's). */
function routeList(tree: string): (readonly [string, string])[] {
  const stack: string[] = [];
  const out: (readonly [string, string])[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│├└─\s]*)(\S+) \(([^)]+)\)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    for (const method of m[3]!.split(', '))
      if (method !== 'HEAD') out.push([stack.join(''), method.toLowerCase()] as const);
  }
  return out;
}

describe('docs', () => {
  it('serves an OpenAPI 3 document describing every /identity, /rest and /api route', async () => {
    const { openTestDb } = await import('../helpers/db.js');
    const db = await openTestDb({ backend: 'pglite' });
    const app = await createServer(apiDeps(db));
    try {
      const res = await app.inject({ url: '/docs' });
      expect(res.statusCode).toBe(200);
      const doc = res.json() as { openapi: string; paths: Record<string, Record<string, unknown>> };
      expect(doc.openapi).toMatch(/^3\./);
      const routes = routeList(app.printRoutes({ commonPrefix: false })).filter(([path]) =>
        /^\/(identity|rest\/v1|api|metrics|docs)(\/|$)/.test(path),
      );
      expect(routes.length).toBeGreaterThan(25);
      for (const [path, method] of routes) {
        const openApiPath = path.replace(/:([a-z]+)/gi, '{$1}');
        expect(doc.paths[openApiPath]?.[method], `${method.toUpperCase()} ${path}`).toBeDefined();
      }
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const method of Object.keys(ops)) {
          expect(
            app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{([a-z]+)\}/gi, ':$1') }),
            `${method} ${path}`,
          ).toBe(true);
        }
      }
    } finally {
      await app.close();
      await db.dispose();
    }
  });
});
