/**
 * Issue 9 §1: the checkpoint write of a re-baseline has the version check every other checkpoint
 * write has (a stale version is refused, nothing changes), and a run starts at the time it is given.
 */
import { expect, it } from 'vitest';
import { getCheckpoint } from '../../src/store/checkpoints.js';
import { loadCheckpoint, rebaseline, startRun } from '../../src/sync/state.js';
import { describeEachBackend } from '../helpers/db.js';

describeEachBackend('engine state writes', ({ db }) => {
  it('re-baselines only from the version it read', async () => {
    const first = await loadCheckpoint(db(), 'contact', 'hash-a');
    const fresh = await rebaseline(db(), 'contact', 'hash-a', first.version);
    expect(fresh).toMatchObject({ phase: 'initial', link: null, generation: first.generation + 1 });
    await expect(rebaseline(db(), 'contact', 'hash-a', first.version)).rejects.toThrow(/checkpoint/i);
    expect(await getCheckpoint(db(), 'contact')).toMatchObject({
      version: fresh.version,
      generation: fresh.generation,
    });
  });

  it('starts a run at the time given', async () => {
    const at = new Date('2026-01-02T03:04:05.000Z');
    const id = await startRun(db(), 'once', at);
    const r = await db().query<{ started_at: Date }>('SELECT started_at FROM sync_runs WHERE id = $1', [id]);
    expect(r.rows[0]!.started_at.toISOString()).toBe(at.toISOString());
  });
});
