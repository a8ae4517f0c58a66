/**
 * Wraps a Db so every statement's time is added up by its first words (COPY, the upsert, the
 * activity log...): where the database part of a cycle goes, measured from the client side.
 */
import type { Db, SqlClient } from '../../src/store/db/index.js';

export type SqlTimes = Record<string, { count: number; ms: number }>;

const label = (sql: string): string => sql.replace(/\s+/g, ' ').trim().slice(0, 60);

export function timedDb(db: Db): { db: Db; times: () => SqlTimes } {
  const times: SqlTimes = {};
  const add = (key: string, t0: number) => {
    const e = (times[key] ??= { count: 0, ms: 0 });
    e.count++;
    e.ms += performance.now() - t0;
  };
  const wrap = <C extends SqlClient>(c: C): SqlClient => ({
    query: async (text, params) => {
      const t0 = performance.now();
      try {
        return await c.query(text, params);
      } finally {
        add(label(text), t0);
      }
    },
    copyRows: async (table, columns, rows) => {
      const t0 = performance.now();
      try {
        return await c.copyRows(table, columns, rows);
      } finally {
        add(`COPY ${table}`, t0);
      }
    },
  });
  const timed: Db = {
    ...wrap(db),
    kind: db.kind,
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: () => db.close(),
  };
  const rounded = () =>
    Object.fromEntries(
      Object.entries(times)
        .sort((a, b) => b[1].ms - a[1].ms)
        .map(([k, v]) => [k, { count: v.count, ms: Math.round(v.ms) }]),
    );
  return { db: timed, times: rounded };
}
