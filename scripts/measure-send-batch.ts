/**
 * Measures the sender's change sets per $batch against the emulator: N person changes drained with
 * batch sizes 10/50/100/200; prints persons per second and $batch requests.
 *   npx tsx scripts/measure-send-batch.ts [changes=2000]
 */
import { silentLogger } from '../src/config/logger.js';
import { setPersonFieldsLocally } from '../src/store/records/person-edit.js';
import { createOutboxWriter } from '../src/sync/sender-loop.js';
import { drainOutbox } from '../src/sync/sender.js';
import { openWorld } from '../test/sync/world.js';

const changes = Number(process.argv[2] ?? 2000);
const w = await openWorld('pglite', { seed: 300 });
try {
  await w.cycle();
  const persons = (
    await w.db.query<{ id: string }>(
      `SELECT id::text FROM persons WHERE dynamics_type = 'Contact' ORDER BY id LIMIT $1`,
      [changes],
    )
  ).rows.map((r) => Number(r.id));
  const writer = createOutboxWriter(w.session.connection, silentLogger());
  let round = 0;
  for (const size of [10, 50, 100, 200]) {
    round++;
    for (const id of persons)
      await setPersonFieldsLocally(w.db, {
        personId: id,
        values: { title: `Title ${round} ${id}` },
        reason: 'measure',
      });
    w.admin.resetRequestCounts();
    const t0 = performance.now();
    const r = await drainOutbox({ db: w.db, writer, logger: silentLogger(), batchSize: size });
    const s = (performance.now() - t0) / 1000;
    console.log(
      `batch ${String(size).padStart(3)}: ${persons.length} persons in ${s.toFixed(2)} s = ${(persons.length / s).toFixed(0)}/s, ${r.batches} $batch requests, confirmed ${r.confirmed}`,
    );
  }
} finally {
  await w.close();
}
