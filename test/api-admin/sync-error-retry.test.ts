/** POST /api/sync-errors/:id/retry: a write Dynamics refused is pending again; an unknown id says so. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failWrites, outboxCounts, pendingWritesByPerson, recordPersonChange } from '../../src/store/outbox.js';
import { signedInClient, type AdminClient } from './client.js';
import { openSyncedFixture, type SyncedFixture } from './fixture.js';

let f: SyncedFixture;
let c: AdminClient;

beforeAll(async () => {
  f = await openSyncedFixture();
  c = await signedInClient(f.deps());
});
afterAll(async () => {
  await c?.app.close();
  await f?.close();
});

describe('POST /api/sync-errors/:id/retry', () => {
  it('re-queues the refused write of that sync error, once', async () => {
    const person = (
      await f.db.query<{ id: string; dynamics_id: string }>(
        `SELECT id::text, dynamics_id FROM persons WHERE dynamics_type = 'Contact' LIMIT 1`,
      )
    ).rows[0]!;
    await f.db.transaction((tx) =>
      recordPersonChange(tx, Number(person.id), [{ field: 'title', value: 'x'.repeat(300), old: null }]),
    );
    const [rows] = await pendingWritesByPerson(f.db, 1);
    const errorId = await f.db.transaction((tx) =>
      failWrites(tx, Number(person.id), rows!, {
        entity: 'contact',
        recordId: person.dynamics_id,
        operation: 'update',
        code: '0x80044331',
        message: 'too long',
      }),
    );
    expect(await outboxCounts(f.db)).toEqual({ pending: 0, failed: 1 });

    const res = await c.send({ method: 'POST', url: `/api/sync-errors/${errorId}/retry` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: errorId, requeued: 1 });
    expect(await outboxCounts(f.db)).toEqual({ pending: 1, failed: 0 });
    const again = await c.send({ method: 'POST', url: `/api/sync-errors/${errorId}/retry` });
    expect(again.statusCode).toBe(404);
    expect(JSON.stringify(again.json())).toMatch(/no refused write/);
  });
});
