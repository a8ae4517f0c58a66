/**
 * What the sync-side entries share: configuration from the environment (as `dynasync` reads it),
 * the lead database, the stored Dynamics session, and the plan of each synced table.
 */
import { createLogger, loadConfig } from '../../src/config/index.js';
import { configureBudget } from '../../src/dataverse/index.js';
import { CYCLE_ORDER } from '../../src/domain/index.js';
import { buildCustomPlan, buildPlan, type EntityPlan } from '../../src/mapping/index.js';
import { listEnabledCustomTables } from '../../src/store/custom-tables-repo.js';
import { getSelection, listCatalog } from '../../src/store/fields-repo.js';
import { openDb, type Db } from '../../src/store/db/index.js';
import { loadSecretBox } from '../../src/store/secrets.js';
import { openSession, type SyncSession } from '../../src/sync/session.js';
import { loadSelection } from '../../src/sync/state.js';

export async function openEngine() {
  const config = loadConfig();
  // As main.ts does: the sync user's budget (share, limits) for every client of the process.
  if (config.dataverseBudget) configureBudget(config.dataverseBudget);
  const logger = createLogger({ level: config.logLevel });
  const db: Db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const box = loadSecretBox({ secretKey: config.secretKey, dataDir: config.dataDir, logger });
  const session: SyncSession = await openSession(db, box, logger, config.pageSize);
  return { config, logger, db, session };
}

/** The plans a cycle would use now, in cycle order: the standard tables, then the enabled custom tables. */
export async function currentPlans(db: Db): Promise<EntityPlan[]> {
  const plans: EntityPlan[] = [];
  for (const entity of CYCLE_ORDER) {
    const { catalog, selection } = await loadSelection(db, entity);
    plans.push(buildPlan(entity, catalog, selection));
  }
  for (const t of await listEnabledCustomTables(db))
    plans.push(buildCustomPlan(t, await listCatalog(db, t.name), await getSelection(db, t.name)));
  return plans;
}
