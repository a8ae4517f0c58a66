/**
 * Baseline "load-only": COPY as many mapped rows as the sync stores into the same database, through
 * the store's own COPY path, with nothing else (no staging, no upsert, no activities). The rows are
 * real: the first page of each table is read and mapped (not timed), then repeated under fresh ids.
 * They go into scratch tables shaped like companies, persons and custom_records (indexes included),
 * dropped after.
 */
import { randomUUID } from 'node:crypto';
import { isCustomTableName } from '../../src/domain/index.js';
import { mapRecord, type MappedRecord } from '../../src/mapping/index.js';
import type { Db } from '../../src/store/db/index.js';
import { emit, ms, options, run } from './common.js';
import { currentPlans, openEngine } from './engine.js';

const TARGET: Record<
  string,
  { table: string; columns: string[]; row: (r: MappedRecord, id: string, now: Date) => unknown[] }
> = {
  systemuser: {
    table: 'sales_persons',
    columns: ['dynamics_id', 'fields', 'seen_generation', 'created_at', 'updated_at'],
    row: (r, id, now) => [id, r.fields, 1, now, now],
  },
  account: {
    table: 'companies',
    columns: [
      'dynamics_id',
      'owner_dynamics_id',
      'fields',
      'dynamics_modified_on',
      'seen_generation',
      'created_at',
      'updated_at',
    ],
    row: (r, id, now) => [id, r.ownerId, r.fields, r.modifiedOn, 1, now, now],
  },
  contact: {
    table: 'persons',
    columns: [
      'dynamics_id',
      'dynamics_type',
      'account_dynamics_id',
      'owner_dynamics_id',
      'email',
      'fields',
      'dynamics_created_on',
      'dynamics_modified_on',
      'seen_generation',
      'created_at',
      'updated_at',
    ],
    row: (r, id, now) => [
      id,
      'Contact',
      r.accountId,
      r.ownerId,
      r.email,
      r.fields,
      r.createdOn,
      r.modifiedOn,
      1,
      now,
      now,
    ],
  },
};

/** An enabled custom table's records: the generic custom_records table, as the sync stores them. */
const customShape = (table: string): (typeof TARGET)[string] => ({
  table: 'custom_records',
  columns: [
    'table_name',
    'dynamics_id',
    'fields',
    'dynamics_modified_on',
    'seen_generation',
    'created_at',
    'updated_at',
  ],
  row: (r, id, now) => [table, id, r.fields, r.modifiedOn, 1, now, now],
});

function* repeated(sample: readonly MappedRecord[], n: number, shape: (typeof TARGET)[string]) {
  const now = new Date();
  for (let i = 0; i < n; i++) yield shape.row(sample[i % sample.length]!, randomUUID(), now);
}

async function scratch(db: Db, table: string): Promise<string> {
  const name = `bench_load_${table}`;
  await db.query(`DROP TABLE IF EXISTS ${name}`);
  await db.query(`CREATE TABLE ${name} (LIKE ${table} INCLUDING ALL)`);
  return name;
}

run(async () => {
  const o = options(['rows']); // JSON: { entity: count }
  const counts = JSON.parse(o.rows ?? '{}') as Record<string, number>;
  const { db, session } = await openEngine();
  try {
    const tables: Record<string, { rows: number; ms: number }> = {};
    let totalMs = 0;
    for (const plan of await currentPlans(db)) {
      const n = counts[plan.entity] ?? 0;
      const shape = TARGET[plan.entity] ?? (isCustomTableName(plan.entity) ? customShape(plan.entity) : undefined);
      if (!shape || n === 0) continue;
      const sample: MappedRecord[] = [];
      for await (const page of session.source.readPages({
        entity: plan.entity,
        entitySet: plan.entitySet,
        select: plan.select,
        link: null,
      })) {
        for (const row of page.rows) {
          const m = mapRecord(plan, row);
          if (m.ok) sample.push(m.record);
        }
        break; // one real page is enough to repeat
      }
      const name = await scratch(db, shape.table);
      const t0 = performance.now();
      const loaded = await db.copyRows(name, shape.columns, repeated(sample, n, shape));
      tables[plan.entity] = { rows: loaded, ms: ms(t0) };
      totalMs += tables[plan.entity]!.ms;
      await db.query(`DROP TABLE ${name}`);
    }
    const rows = Object.values(tables).reduce((a, t) => a + t.rows, 0);
    emit({ totalMs: Math.round(totalMs), rows, rowsPerSec: Math.round(rows / (totalMs / 1000)), tables });
  } finally {
    await db.close();
  }
});
