/**
 * Issue 13 §1: one PostgreSQL schema per organization against an organization key on every table,
 * with N organizations present (default 1,000). Prints JSON: per-organization creation time,
 * catalog size, and with every organization present a typical status query and a 1,000-row
 * company page upsert, for both layouts. The organization-key layout is the same tables once with
 * an `org_id` column leading every key (what the key variant would have to be).
 *
 *   DATABASE_URL=postgres://… npx tsx scripts/measure-fleet-layout.ts [N] [rowsPerOrg]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { silentLogger } from '../src/config/index.js';
import { openDb } from '../src/store/db/index.js';

const N = Number(process.argv[2] ?? 1000);
const ROWS = Number(process.argv[3] ?? 50);
const server = process.env.DATABASE_URL;
if (!server) throw new Error('DATABASE_URL is required');

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))]!;
const ms = (t0: number) => performance.now() - t0;
const round = (x: number) => Math.round(x * 100) / 100;

async function timed(times: number, fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  const xs: number[] = [];
  for (let i = 0; i < times; i++) {
    const t0 = performance.now();
    await fn();
    xs.push(ms(t0));
  }
  return { p50: round(pct(xs, 50)), p95: round(pct(xs, 95)) };
}

const page = (orgId: number | null) =>
  Array.from({ length: 1000 }, (_, i) => [
    orgId,
    randomUUID(),
    JSON.stringify({ name: `Account ${i}`, city: 'Paris' }),
  ]);

async function catalog(c: pg.Client) {
  const r = await c.query<{ rels: number; bytes: string }>(
    `SELECT (SELECT count(*) FROM pg_class)::int AS rels,
            (SELECT sum(pg_total_relation_size(oid)) FROM pg_class WHERE relnamespace = 'pg_catalog'::regnamespace)::text AS bytes`,
  );
  return { relations: r.rows[0]!.rels, catalogMb: round(Number(r.rows[0]!.bytes) / 1024 / 1024) };
}

const name = `dynasync_layout_${randomBytes(3).toString('hex')}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
const c = new pg.Client({ connectionString: url.toString() });
await c.connect();
const out: Record<string, unknown> = { organizations: N, companyRowsPerOrg: ROWS };
try {
  const empty = await catalog(c);
  // Schema per organization: `org add` = a schema with every migration.
  const create: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const db = await openDb({
      databaseUrl: url.toString(),
      schema: `org_${i}`,
      logger: silentLogger(),
      maxConnections: 1,
    });
    create.push(ms(t0));
    if (ROWS > 0)
      await db.query(
        `INSERT INTO companies (dynamics_id, fields) SELECT gen_random_uuid(), '{"name":"x"}'::jsonb FROM generate_series(1, $1)`,
        [ROWS],
      );
    await db.close();
  }
  const perSchema = await catalog(c);
  await c.query(`SET search_path = org_0`);
  const rows = page(null);
  const upsert = `INSERT INTO companies (dynamics_id, fields) SELECT * FROM unnest($1::uuid[], $2::jsonb[])
    ON CONFLICT (dynamics_id) DO UPDATE SET fields = EXCLUDED.fields WHERE companies.fields IS DISTINCT FROM EXCLUDED.fields`;
  const status = `SELECT (SELECT count(*) FROM companies WHERE NOT dynamics_deleted)::int AS companies,
      (SELECT count(*) FROM persons)::int AS persons, (SELECT max(id) FROM sync_runs) AS last_run,
      (SELECT count(*) FROM checkpoints)::int AS checkpoints`;
  out.schemaPerOrg = {
    createMs: { p50: round(pct(create, 50)), p95: round(pct(create, 95)), max: round(Math.max(...create)) },
    catalog: {
      relationsAdded: perSchema.relations - empty.relations,
      catalogMb: round(perSchema.catalogMb - empty.catalogMb),
    },
  };
  // Organization key: one set of tables, org_id leading every key, N organizations' rows in them.
  await c.query(`SET search_path = public`);
  // The same columns and defaults as an organization's companies, the key led by org_id.
  await c.query(`CREATE TABLE companies (LIKE org_0.companies INCLUDING DEFAULTS, org_id int NOT NULL)`);
  await c.query(`ALTER TABLE companies ADD PRIMARY KEY (id), ADD UNIQUE (org_id, dynamics_id)`);
  await c.query(
    `CREATE TABLE persons (id bigserial PRIMARY KEY, org_id int NOT NULL, dynamics_id uuid, UNIQUE (org_id, dynamics_id))`,
  );
  await c.query(`CREATE TABLE sync_runs (id bigserial PRIMARY KEY, org_id int NOT NULL, status text)`);
  await c.query(`CREATE INDEX ON sync_runs (org_id, id)`);
  await c.query(`CREATE TABLE checkpoints (org_id int NOT NULL, entity text NOT NULL, PRIMARY KEY (org_id, entity))`);
  await c.query(
    `INSERT INTO companies (org_id, dynamics_id, fields) SELECT o, gen_random_uuid(), '{"name":"x"}'::jsonb
     FROM generate_series(0, $1 - 1) o, generate_series(1, $2)`,
    [N, ROWS],
  );
  await c.query('ANALYZE public.companies, public.persons, public.sync_runs, public.checkpoints');
  const keyUpsert = `INSERT INTO companies (org_id, dynamics_id, fields) SELECT 0, * FROM unnest($1::uuid[], $2::jsonb[])
    ON CONFLICT (org_id, dynamics_id) DO UPDATE SET fields = EXCLUDED.fields WHERE companies.fields IS DISTINCT FROM EXCLUDED.fields`;
  const keyStatus = `SELECT (SELECT count(*) FROM companies WHERE org_id = 0 AND NOT dynamics_deleted)::int AS companies,
      (SELECT count(*) FROM persons WHERE org_id = 0)::int AS persons, (SELECT max(id) FROM sync_runs WHERE org_id = 0) AS last_run,
      (SELECT count(*) FROM checkpoints WHERE org_id = 0)::int AS checkpoints`;
  // Alternated, so the shared machine's load falls on both alike. Each page: 1,000 new rows
  // (insert), then the same page again (the no-change upsert of an idle cycle's re-read).
  const run = async (schema: string, sql: string, statusSql: string) => {
    await c.query(`SET search_path = ${schema}`);
    const fresh = page(null);
    const args = [fresh.map((r) => r[1]), fresh.map((r) => r[2])];
    return {
      insert: (await timed(1, () => c.query(sql, args))).p50,
      same: (await timed(1, () => c.query(sql, args))).p50,
      status: (await timed(5, () => c.query(statusSql))).p50,
    };
  };
  const a: { insert: number; same: number; status: number }[] = [];
  const b: typeof a = [];
  void rows;
  for (let i = 0; i < 15; i++) {
    a.push(await run('org_0', upsert, status));
    b.push(await run('public', keyUpsert, keyStatus));
  }
  const sum = (xs: typeof a) => ({
    statusQueryMsP50: round(
      pct(
        xs.map((x) => x.status),
        50,
      ),
    ),
    pageInsertMsP50: round(
      pct(
        xs.map((x) => x.insert),
        50,
      ),
    ),
    pageSameUpsertMsP50: round(
      pct(
        xs.map((x) => x.same),
        50,
      ),
    ),
  });
  Object.assign(out.schemaPerOrg as object, sum(a));
  out.orgKey = { createMs: 'one INSERT into the registry (no DDL)', ...sum(b) };
} finally {
  await c.end();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
