/** Random picks of synced records, for the demo's simulated sales reps. */
import type { SqlClient } from '../db/types.js';

export async function sampleDynamicsIds(c: SqlClient, table: 'companies' | 'persons', n: number): Promise<string[]> {
  // TABLESAMPLE would skip small tables; ORDER BY random() over live rows is fine at demo sizes.
  const res = await c.query<{ dynamics_id: string }>(
    table === 'companies'
      ? `SELECT dynamics_id FROM companies WHERE NOT dynamics_deleted ORDER BY random() LIMIT $1`
      : `SELECT dynamics_id FROM persons WHERE dynamics_id IS NOT NULL AND NOT dynamics_deleted ORDER BY random() LIMIT $1`,
    [n],
  );
  return res.rows.map((r) => r.dynamics_id);
}

/** The company with the most persons (the demo shows the 5,000-person activity cap on it). */
export async function largestCompany(c: SqlClient): Promise<{ dynamicsId: string; persons: number } | null> {
  const res = await c.query<{ account_dynamics_id: string; n: number }>(
    `SELECT account_dynamics_id, count(*)::int AS n FROM persons WHERE account_dynamics_id IS NOT NULL
     GROUP BY account_dynamics_id ORDER BY n DESC LIMIT 1`,
  );
  const r = res.rows[0];
  return r ? { dynamicsId: r.account_dynamics_id, persons: r.n } : null;
}
