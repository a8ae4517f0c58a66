/**
 * Writeback, as `dynasync run` does it: N synced persons (leads and contacts) get a field changed
 * in the lead database through the store call the REST API, the UI and `dynasync person set` use
 * (change + outbox row, one transaction each), then the sender drains the outbox into Dynamics in
 * `$batch` change sets. Then, with the sender loop running as it does beside `run`, single edits are
 * made one at a time and the time until Dynamics serves the new value is measured (read over the
 * Web API as the rep, not through dynasync).
 */
import type { Db } from '../../src/store/db/index.js';
import { createLocalPerson, queuePush, setPersonFieldsLocally } from '../../src/store/records/index.js';
import { createOutboxWriter, startSenderLoop } from '../../src/sync/sender-loop.js';
import { drainOutbox } from '../../src/sync/sender.js';
import { emit, ms, options, run } from './common.js';
import { openEngine } from './engine.js';

run(async () => {
  const o = options(['persons', 'pushes', 'latency-edits', 'rep-token']);
  const { db, logger, session } = await openEngine();
  const wanted = Number(o.persons ?? 10_000);
  const rows = await db.query<{ id: string; dynamics_id: string; dynamics_type: string }>(
    `SELECT id::text, dynamics_id, dynamics_type FROM persons WHERE dynamics_id IS NOT NULL AND NOT dynamics_deleted
     AND dynamics_type IN ('Lead', 'Contact') ORDER BY id LIMIT $1`,
    [wanted],
  );
  const tag = Date.now().toString(36);
  const t0 = performance.now();
  for (const r of rows.rows) {
    await setPersonFieldsLocally(db, {
      personId: Number(r.id),
      values: { title: `Writeback ${tag} ${r.id}` },
      reason: 'bench',
    });
  }
  const changeMs = ms(t0);
  const writer = createOutboxWriter(session.connection, logger);
  const t1 = performance.now();
  const drained = await drainOutbox({ db, writer, logger });
  const drainMs = ms(t1);
  const pushes = await pushPeople(db, Number(o.pushes ?? 1_000), tag);
  const t2 = performance.now();
  const pushDrained = await drainOutbox({ db, writer, logger });
  const pushDrainMs = ms(t2);
  const loop = startSenderLoop({ db, writer, logger });
  let latencies: number[];
  try {
    latencies = await singleEdits(
      db,
      rows.rows.slice(0, Number(o['latency-edits'] ?? 20)),
      o['rep-token']!,
      session.connection.orgUrl,
    );
  } finally {
    await loop.stop();
  }
  await db.close();
  emit({
    persons: rows.rows.length,
    leads: rows.rows.filter((r) => r.dynamics_type === 'Lead').length,
    changeMs,
    drainMs,
    drained,
    pushes: pushes.n,
    pushQueueMs: pushes.ms,
    pushDrainMs,
    pushDrained,
    latencyMs: latencies,
  });
});

/** Marketing-only people made and pushed (Sync Person to Microsoft), 70 % as leads: each one transaction. */
async function pushPeople(db: Db, n: number, tag: string): Promise<{ n: number; ms: number }> {
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const email = `bench-push-${tag}-${i}@example.com`;
    const id = await db.transaction((tx) =>
      createLocalPerson(tx, { email, fields: { firstName: 'Bench', lastName: `Push ${i}` }, sourceType: 'bench' }),
    );
    await queuePush(db, { personId: id, syncAs: i % 10 < 7 ? 'lead' : 'contact', ownerEmail: null, source: 'bench' });
  }
  return { n, ms: ms(t) };
}

/** One edit at a time (the sender loop is up); each timed until Dynamics answers the new value. */
async function singleEdits(
  db: Db,
  persons: readonly { id: string; dynamics_id: string; dynamics_type: string }[],
  repToken: string,
  orgUrl: string,
): Promise<number[]> {
  const out: number[] = [];
  for (const [i, p] of persons.entries()) {
    const title = `Single edit ${Date.now().toString(36)} ${i}`;
    const t = performance.now();
    await setPersonFieldsLocally(db, { personId: Number(p.id), values: { title }, reason: 'bench' });
    const set = p.dynamics_type === 'Lead' ? 'leads' : 'contacts';
    for (;;) {
      const res = await fetch(`${orgUrl}/api/data/v9.2/${set}(${p.dynamics_id})?$select=jobtitle`, {
        headers: { authorization: `Bearer ${repToken}` },
      });
      if (((await res.json()) as { jobtitle?: string }).jobtitle === title) break;
      if (performance.now() - t > 60_000) throw new Error(`person ${p.id}: not in Dynamics after 60 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    out.push(ms(t));
  }
  return out;
}
