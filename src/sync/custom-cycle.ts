/**
 * The enabled custom tables' part of a cycle, after people (their records link to persons and
 * companies): level-1 tables before the level-2 tables that take their links, each one stream
 * with the same reads, checkpoints and one-transaction pages as the standard tables.
 */
import { CUSTOM_LINK_TARGETS, type CustomTableConfig } from '../domain/index.js';
import { buildCustomPlan } from '../mapping/index.js';
import { listEnabledCustomTables } from '../store/custom-tables-repo.js';
import { getSelection, listCatalog } from '../store/fields-repo.js';
import {
  applyCustomRecords,
  markCustomDeleted,
  markCustomUnseen,
  type CustomLinkPlan,
} from '../store/records/custom-records.js';
import type { Applier } from './appliers.js';
import { syncStream, type StreamDeps, type StreamResult } from './stream.js';

export async function syncCustomTables(deps: StreamDeps): Promise<StreamResult[]> {
  const tables = await listEnabledCustomTables(deps.db);
  const results: StreamResult[] = [];
  for (const table of tables) {
    if (deps.signal?.aborted) break;
    const [catalog, selection] = await Promise.all([
      listCatalog(deps.db, table.name),
      getSelection(deps.db, table.name),
    ]);
    const plan = buildCustomPlan(table, catalog, selection);
    const result = await syncStream({ ...deps, applier: customApplier(linkPlan(table, tables)) }, plan);
    deps.logger.info(
      { runId: deps.runId, entity: table.name, status: result.status },
      `${table.name}: ${result.status}`,
    );
    results.push(result);
  }
  return results;
}

const PERSON_TARGETS = new Set<string>(CUSTOM_LINK_TARGETS.filter((t) => t !== 'account'));

function linkPlan(table: CustomTableConfig, all: readonly CustomTableConfig[]): CustomLinkPlan {
  return {
    table: table.name,
    // A contact link names the person better than a lead link (a contact is the qualified lead).
    personLinks: [...table.links]
      .filter((l) => PERSON_TARGETS.has(l.target))
      .sort((a, b) => (a.target === b.target ? 0 : a.target === 'contact' ? -1 : 1)),
    accountLinks: table.links.filter((l) => l.target === 'account'),
    via: table.via,
    children: all.filter((t) => t.via?.target === table.name).map((t) => t.name),
  };
}

const customApplier = (plan: CustomLinkPlan): Applier => ({
  apply: (tx, records, ctx) => applyCustomRecords(tx, plan, records, ctx),
  markDeleted: (tx, ids, now) => markCustomDeleted(tx, plan.table, ids, now),
  markUnseen: (tx, generation, now) => markCustomUnseen(tx, plan.table, generation, now),
});
