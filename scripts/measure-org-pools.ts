/**
 * Issue 13 (workers): what a worker's job pays to have its organization's Db ready, with the pool
 * cache off (every job opens a pool and checks the migrations: what workers did before) and on
 * (the pool of the organization's previous job is reused), plus the cached pool after its idle
 * connection was closed (a job of an idle organization: one new connection). Each use runs one
 * small query, as a job's first statement would. Prints JSON (ms: p50 / p95 / max).
 *
 *   DATABASE_URL=postgres://… npx tsx scripts/measure-org-pools.ts [uses]
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { silentLogger } from '../src/config/index.js';
import { openDb } from '../src/store/db/index.js';
import { OrgPools } from '../src/sync/worker/org-pools.js';

const USES = Number(process.argv[2] ?? 15);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');
const logger = silentLogger();
const schema = `measure_pools_${randomBytes(3).toString('hex')}`;

const summary = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => Math.round(s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))]! * 10) / 10;
  return { p50: at(50), p95: at(95), max: at(100), n: s.length };
};

async function measure(maxOpen: number, pauseMs: number): Promise<ReturnType<typeof summary>> {
  const pools = new OrgPools({
    maxOpen,
    idleCloseMs: 600_000,
    open: () => openDb({ databaseUrl: databaseUrl!, logger, schema, maxConnections: 3, idleTimeoutMs: 2000 }),
  });
  const xs: number[] = [];
  try {
    await pools.use('org', (db) => db.query('SELECT 1')); // the first job of the organization: not counted
    for (let i = 0; i < USES; i++) {
      if (pauseMs) await sleep(pauseMs);
      const t0 = performance.now();
      await pools.use('org', (db) => db.query('SELECT count(*) FROM checkpoints'));
      xs.push(performance.now() - t0);
    }
  } finally {
    await pools.closeAll();
  }
  return summary(xs);
}

await (await openDb({ databaseUrl, logger, schema })).close(); // the organization's schema, migrated
try {
  const out = {
    uses: USES,
    noCache: await measure(0, 0),
    cached: await measure(50, 0),
    cachedAfterIdleConnectionClosed: await measure(50, 2500),
  };
  console.log(JSON.stringify(out, null, 2));
} finally {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  await c.query(`DROP SCHEMA ${schema} CASCADE`);
  await c.end();
}
