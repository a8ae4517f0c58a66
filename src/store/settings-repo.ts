/** Small JSON settings by key (schedule state, admin bits). Values must be JSON-serialisable. */
import type { SqlClient } from './db/types.js';

export async function getSetting<T = unknown>(c: SqlClient, key: string): Promise<T | undefined> {
  const r = await c.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
  return r.rows[0]?.value;
}

export async function setSetting(c: SqlClient, key: string, value: unknown): Promise<void> {
  if (value === undefined) throw new TypeError(`Setting ${key}: undefined is not a JSON value (use deleteSetting)`);
  await c.query(
    `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

export async function deleteSetting(c: SqlClient, key: string): Promise<boolean> {
  const r = await c.query('DELETE FROM settings WHERE key = $1', [key]);
  return r.rowCount > 0;
}

/** Stores the value only when the key has none yet; true when this call stored it (first writer wins). */
export async function setSettingIfAbsent(c: SqlClient, key: string, value: unknown): Promise<boolean> {
  if (value === undefined) throw new TypeError(`Setting ${key}: undefined is not a JSON value`);
  const r = await c.query('INSERT INTO settings (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO NOTHING', [
    key,
    JSON.stringify(value),
  ]);
  return r.rowCount > 0;
}
