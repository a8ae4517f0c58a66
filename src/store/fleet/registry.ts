/**
 * The fleet registry: which organizations this PostgreSQL database holds, each a named Dynamics
 * connection with its own lead database in its own schema (ARCHITECTURE.md, "Many organizations").
 * It lives in its own small schema, `dynasync_fleet`, beside the organizations' schemas; the
 * per-organization tables and migrations are untouched. A database that never had a registry is one
 * organization in `public`: the first `org add` registers it as `default`, keeping its data there.
 */
import { FatalError, InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { ADVISORY_LOCK } from '../db/advisory-locks.js';
import type { SqlClient } from '../db/types.js';

export const FLEET_SCHEMA = 'dynasync_fleet';
export const DEFAULT_ORG = 'default';
const TABLE = `${FLEET_SCHEMA}.organizations`;

export interface Organization {
  readonly name: string;
  readonly schema: string;
  readonly intervalSeconds: number;
  readonly createdAt: Date;
}

interface OrgRow {
  name: string;
  schema_name: string;
  interval_seconds: number;
  created_at: Date;
}

const fromRow = (r: OrgRow): Organization => ({
  name: r.name,
  schema: r.schema_name,
  intervalSeconds: r.interval_seconds,
  createdAt: r.created_at,
});

const ORG_NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Lower-case letters, digits and hyphens: the name goes into a schema name and into URLs. */
export function assertOrgName(name: string): string {
  if (!ORG_NAME.test(name))
    throw new InvalidInputError(
      'invalid_org_name',
      `Organization name ${JSON.stringify(name)} must be 1-40 lower-case letters, digits or hyphens, starting with a letter`,
    );
  return name;
}

/** `org_<name>`, hyphens as underscores (names have no underscore, so two names never share one). */
export const schemaForOrg = (name: string): string => `org_${assertOrgName(name).replaceAll('-', '_')}`;

/** True once the registry exists (a database without one is the single organization in `public`). */
export async function hasRegistry(c: SqlClient): Promise<boolean> {
  const r = await c.query<{ t: string | null }>(`SELECT to_regclass($1)::text AS t`, [TABLE]);
  return r.rows[0]?.t != null;
}

/**
 * Creates the registry if it is missing, under a transaction-scoped advisory lock (two processes
 * starting at once). When it is created in a database whose `public` schema already holds a lead
 * database, that one becomes the organization `default`: nothing is copied, nothing is lost.
 */
export async function ensureRegistry(
  db: { transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> },
  defaultIntervalSeconds: number,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [ADVISORY_LOCK.fleet, FLEET_SCHEMA]);
    const existed = await hasRegistry(tx);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${FLEET_SCHEMA}`);
    for (const ddl of REGISTRY_DDL) await tx.query(ddl);
    if (existed) return;
    const legacy = await tx.query<{ t: string | null }>(`SELECT to_regclass('public.connection')::text AS t`);
    if (legacy.rows[0]?.t != null)
      await tx.query(`INSERT INTO ${TABLE} (name, schema_name, interval_seconds) VALUES ($1, 'public', $2)`, [
        DEFAULT_ORG,
        defaultIntervalSeconds,
      ]);
  });
}

/**
 * The registry's two tables, created if missing (hand-written: they live outside the
 * organizations' schemas, which drizzle-kit's migrations build). `org_state` is what the workers
 * publish after each job, so the fleet view reads one table, not a thousand schemas.
 */
const REGISTRY_DDL = [
  `CREATE TABLE IF NOT EXISTS ${TABLE} (
    name text PRIMARY KEY,
    schema_name text NOT NULL UNIQUE,
    interval_seconds integer NOT NULL CHECK (interval_seconds >= 1),
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE IF NOT EXISTS ${FLEET_SCHEMA}.org_state (
    name text PRIMARY KEY REFERENCES ${TABLE} (name) ON DELETE CASCADE,
    due_at timestamptz,
    started_at timestamptz,
    ended_at timestamptz,
    status text,
    error text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    throttled_ms bigint NOT NULL DEFAULT 0,
    lateness_ms bigint,
    worker text,
    jobs bigint NOT NULL DEFAULT 0
  )`,
];

export async function listOrgs(c: SqlClient): Promise<Organization[]> {
  if (!(await hasRegistry(c))) return [];
  const r = await c.query<OrgRow>(`SELECT * FROM ${TABLE} ORDER BY name`);
  return r.rows.map(fromRow);
}

export async function findOrg(c: SqlClient, name: string): Promise<Organization | null> {
  if (!(await hasRegistry(c))) return null;
  const r = await c.query<OrgRow>(`SELECT * FROM ${TABLE} WHERE name = $1`, [name]);
  return r.rows[0] ? fromRow(r.rows[0]) : null;
}

export async function getOrg(c: SqlClient, name: string): Promise<Organization> {
  const org = await findOrg(c, name);
  if (!org)
    throw new NotFoundError(
      'org_not_found',
      `No organization named ${JSON.stringify(name)} (see \`dynasync org list\`)`,
    );
  return org;
}

export async function insertOrg(c: SqlClient, name: string, intervalSeconds: number): Promise<Organization> {
  assertInterval(intervalSeconds);
  const r = await c.query<OrgRow>(
    `INSERT INTO ${TABLE} (name, schema_name, interval_seconds) VALUES ($1, $2, $3)
     ON CONFLICT DO NOTHING RETURNING *`,
    [assertOrgName(name), schemaForOrg(name), intervalSeconds],
  );
  if (!r.rows[0])
    throw new InvalidInputError('org_exists', `An organization named ${JSON.stringify(name)} already exists`);
  return fromRow(r.rows[0]);
}

export async function setOrgInterval(c: SqlClient, name: string, intervalSeconds: number): Promise<void> {
  assertInterval(intervalSeconds);
  const r = await c.query(`UPDATE ${TABLE} SET interval_seconds = $2 WHERE name = $1`, [name, intervalSeconds]);
  if (r.rowCount === 0) throw new NotFoundError('org_not_found', `No organization named ${JSON.stringify(name)}`);
}

/**
 * Unregisters the organization and drops its schema with everything in it, in one transaction.
 * `public` (a database's original lead database) is only unregistered, never dropped.
 */
export async function deleteOrg(c: SqlClient, name: string): Promise<Organization> {
  const org = await getOrg(c, name);
  await c.query(`DELETE FROM ${TABLE} WHERE name = $1`, [name]);
  if (org.schema !== 'public') await c.query(`DROP SCHEMA IF EXISTS "${org.schema}" CASCADE`);
  return org;
}

function assertInterval(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new InvalidInputError(
      'invalid_interval',
      `The interval must be a whole number of seconds ≥ 1, got ${seconds}`,
    );
}

/**
 * Which organization a command works on: the one named, else the only one. Null when the
 * database has no registry or an empty one (the single organization in `public`, as before).
 */
export async function resolveOrg(c: SqlClient, requested: string | undefined): Promise<Organization | null> {
  const orgs = await listOrgs(c);
  if (requested !== undefined) {
    const found = orgs.find((o) => o.name === requested);
    if (found) return found;
    if (orgs.length === 0 && requested === DEFAULT_ORG) return null;
    throw new NotFoundError(
      'org_not_found',
      `No organization named ${JSON.stringify(requested)} (see \`dynasync org list\`)`,
    );
  }
  if (orgs.length <= 1) return orgs[0] ?? null;
  throw new FatalError(
    'org_required',
    `This database holds ${orgs.length} organizations (${orgs
      .slice(0, 10)
      .map((o) => o.name)
      .join(', ')}${orgs.length > 10 ? ', …' : ''}): name one with --org NAME`,
  );
}
