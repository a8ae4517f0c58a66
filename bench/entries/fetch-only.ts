/**
 * Baseline "fetch-only": page through every record of every synced table with the sync's own
 * client, plan and page size, and drop each page. Nothing is mapped or stored.
 */
import { createClient } from '../../src/sync/session.js';
import { emit, ms, options, run } from './common.js';
import { currentPlans, openEngine } from './engine.js';

run(async () => {
  const o = options(['prefetch']);
  const { config, logger, db, session } = await openEngine();
  const client = createClient(session.connection, logger, config.pageSize);
  const plans = await currentPlans(db);
  await db.close(); // PGlite: free the data directory for the next process
  const tables: Record<string, { rows: number; pages: number; ms: number }> = {};
  const t0 = performance.now();
  for (const plan of plans) {
    const t1 = performance.now();
    let rows = 0;
    let pages = 0;
    const read = client.readPages({
      entity: plan.entity,
      entitySet: plan.entitySet,
      select: plan.select,
      link: null,
      prefetch: o.prefetch === 'true',
    });
    for await (const page of read) {
      rows += page.rows.length;
      pages++;
    }
    tables[plan.entity] = { rows, pages, ms: ms(t1) };
  }
  const totalMs = ms(t0);
  const rows = Object.values(tables).reduce((a, t) => a + t.rows, 0);
  emit({ totalMs, rows, rowsPerSec: Math.round(rows / (totalMs / 1000)), tables });
});
