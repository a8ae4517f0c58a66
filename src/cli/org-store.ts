/**
 * Which lead database a command opens: the organization named by `--org`, else the only one. On
 * PGlite (one organization, no registry) `--org` may only name `default`; on PostgreSQL without a
 * registry the database is the single organization in `public`, exactly as before organizations.
 */
import type { Config, Logger } from '../config/index.js';
import { FatalError } from '../domain/index.js';
import { openDb } from '../store/db/index.js';
import type { Db } from '../store/db/types.js';
import { DEFAULT_ORG, openFleetDb, resolveOrg, type FleetDb, type Organization } from '../store/fleet/index.js';

export const needsPostgres = (what: string): FatalError =>
  new FatalError(
    'org_needs_postgres',
    `${what} needs PostgreSQL (set DATABASE_URL): the embedded database (PGlite) holds one organization`,
  );

export async function withFleetDb<T>(config: Config, logger: Logger, fn: (f: FleetDb) => Promise<T>): Promise<T> {
  if (!config.databaseUrl) throw needsPostgres('Organizations');
  const fleet = openFleetDb(config.databaseUrl, logger);
  try {
    return await fn(fleet);
  } finally {
    await fleet.close();
  }
}

/** The schema to open for this command (undefined: `public`, the single organization). */
export async function orgSchema(
  config: Config,
  logger: Logger,
  requested: string | undefined,
): Promise<string | undefined> {
  if (!config.databaseUrl) {
    if (requested !== undefined && requested !== DEFAULT_ORG) throw needsPostgres(`--org ${requested}`);
    return undefined;
  }
  const org = await withFleetDb(config, logger, (f) => resolveOrg(f, requested));
  return org && org.schema !== 'public' ? org.schema : undefined;
}

export function openOrgDb(config: Config, logger: Logger, org: Organization, maxConnections?: number): Promise<Db> {
  if (!config.databaseUrl) throw needsPostgres('Organizations');
  return openDb({
    databaseUrl: config.databaseUrl,
    logger,
    ...(org.schema === 'public' ? {} : { schema: org.schema }),
    ...(maxConnections ? { maxConnections } : {}),
  });
}
