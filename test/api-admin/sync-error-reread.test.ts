/**
 * Retry of errors read from Dynamics: the record is read again by id and applied as a page of the
 * cycle would (sync/reread.ts). Refused again, its error stays open and is seen once more; fixed in
 * Dynamics, it is stored and its error resolved, with the checkpoint untouched; a group re-reads
 * all its records; a table-level read error has nothing to re-read. On PGlite, and on PostgreSQL
 * when DATABASE_URL is set.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { getCheckpoint } from '../../src/store/checkpoints.js';
import { recordSyncError } from '../../src/store/sync-errors.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture({ corruptAccounts: 3 });
  c = await signedInClient(f.deps());
}, 120_000);
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

const errorOf = async (recordId: string) =>
  (
    await f.db.query<{ id: string; occurrences: number; resolved_at: Date | null; resolved_by: string | null }>(
      `SELECT id, occurrences, resolved_at, resolved_by FROM sync_errors WHERE record_id = $1 ORDER BY id DESC LIMIT 1`,
      [recordId],
    )
  ).rows[0]!;
const company = async (dynamicsId: string) =>
  (
    await f.db.query<{ fields: Record<string, unknown> }>('SELECT fields FROM companies WHERE dynamics_id = $1', [
      dynamicsId,
    ])
  ).rows[0];
const group = {
  entity: 'account',
  direction: 'from_dynamics',
  operation: 'create',
  code: 'unknown_option',
  column: 'industrycode',
};

describe('retry of a record read from Dynamics', () => {
  it('is offered: the group and its records are re-readable', async () => {
    const groups = (await c.send({ url: '/api/sync-errors/groups' })).json().groups as {
      key: typeof group;
      rereadable: number;
      retryable: number;
    }[];
    const g = groups.find((x) => x.key.entity === 'account' && x.key.direction === 'from_dynamics')!;
    expect(g).toMatchObject({ rereadable: 3, retryable: 0 });
    Object.assign(group, g.key);
  });

  it('refused again: the error stays open, seen once more, nothing stored', async () => {
    const [id] = f.corruptedAccounts;
    const before = await errorOf(id!);
    const res = await c.send({ method: 'POST', url: `/api/sync-errors/${before.id}/retry` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().reread).toMatchObject({
      stored: [],
      missing: [],
      failed: [{ id, code: 'unknown_option' }],
    });
    const after = await errorOf(id!);
    expect(after).toMatchObject({ id: before.id, resolved_at: null, occurrences: before.occurrences + 1 });
    expect(await company(id!)).toBeUndefined();
  });

  it('fixed in Dynamics: stored through the applier, its error resolved, the checkpoint untouched', async () => {
    const [id] = f.corruptedAccounts;
    createAdmin(f.emulator.ctx).corruptRecord('account', id!, 'industrycode', null);
    const checkpoint = await getCheckpoint(f.db, 'account');
    const before = await errorOf(id!);
    const res = await c.send({ method: 'POST', url: `/api/sync-errors/${before.id}/retry` });
    expect(res.json().reread).toEqual({ stored: [id], failed: [], missing: [] });
    expect((await errorOf(id!)).resolved_at).not.toBeNull();
    const stored = await company(id!);
    expect(stored?.fields).toMatchObject({ company: expect.any(String), industry: null });
    expect(await getCheckpoint(f.db, 'account')).toEqual(checkpoint);
    // Resolved: no retry left for it.
    expect((await c.send({ method: 'POST', url: `/api/sync-errors/${before.id}/retry` })).statusCode).toBe(404);
  });

  it('a group re-reads all its records', async () => {
    const rest = f.corruptedAccounts.slice(1);
    for (const id of rest) createAdmin(f.emulator.ctx).corruptRecord('account', id, 'industrycode', null);
    const res = await c.send({ method: 'POST', url: '/api/sync-errors/groups/retry', payload: group });
    expect(res.statusCode, res.body).toBe(200);
    expect([...res.json().reread.stored].sort()).toEqual([...rest].sort());
    for (const id of rest) expect(await company(id)).toBeDefined();
    const groups = (await c.send({ url: '/api/sync-errors/groups' })).json().groups as { key: typeof group }[];
    expect(groups.find((x) => x.key.entity === 'account' && x.key.direction === 'from_dynamics')).toBeUndefined();
  });

  it('a table-level read error has no record to re-read', async () => {
    const id = await recordSyncError(f.db, {
      entity: 'contact',
      recordId: null,
      operation: 'read',
      direction: 'from_dynamics',
      code: 'column_deleted',
      message: 'A selected column was deleted',
    });
    const res = await c.send({ method: 'POST', url: `/api/sync-errors/${id}/retry` });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('no_failed_write');
  });
});
