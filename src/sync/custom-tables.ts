/**
 * Enabling custom tables for sync (`dynasync tables`, the Custom tables page): list the custom
 * tables with why each can or cannot sync, enable one (refused while a cycle runs; its first read
 * is a full read of that table only), disable one, and choose its columns as for other tables.
 */
import {
  InvalidInputError,
  NotFoundError,
  RetriableError,
  availabilityOf,
  type CatalogField,
  type CustomTableConfig,
  type CustomTableLink,
  type CustomTableName,
  type SelectedField,
} from '../domain/index.js';
import type { Db } from '../store/db/types.js';
import {
  customTablesVia,
  cycleRunning,
  deleteCustomTable,
  getEnabledCustomTable,
  insertCustomTable,
  listEnabledCustomTables,
} from '../store/custom-tables-repo.js';
import { getSelection, listCatalog, replaceCatalog, replaceSelection } from '../store/fields-repo.js';
import { fetchCatalog } from './catalog.js';
import { discoverCustomTables, type CustomTableCandidate } from './custom-eligibility.js';
import { fieldRows, type FieldRow } from './fields.js';
import type { SourceReader } from './ports.js';

export interface CustomTableRow {
  readonly name: string;
  readonly displayName: string;
  readonly entitySet: string;
  readonly enabled: boolean;
  /** Whether it can be enabled now (false with reasons). */
  readonly eligible: boolean;
  readonly reasons: readonly string[];
  readonly depth: 1 | 2 | null;
  /**
   * `new_contactid → contact`, `new_registrationid → new_event_registration` for level 2, and
   * `new_customerid → account | contact (per record)` for a polymorphic lookup.
   */
  readonly links: readonly string[];
}

export async function listCustomTables(db: Db, source: SourceReader, userId: string): Promise<CustomTableRow[]> {
  const [candidates, enabled] = await Promise.all([discoverCustomTables(source, userId), listEnabledCustomTables(db)]);
  const on = new Set<string>(enabled.map((t) => t.name));
  return candidates.map((c) => {
    const reasons = [...c.reasons];
    if (reasons.length === 0 && c.via && !on.has(c.via.target))
      reasons.push(`enable ${c.via.target} first (it links through it)`);
    return {
      name: c.info.logicalName,
      displayName: c.info.displayName,
      entitySet: c.info.entitySetName,
      enabled: on.has(c.info.logicalName),
      eligible: reasons.length === 0,
      reasons,
      depth: c.depth,
      links: linkLabels(c),
    };
  });
}

/** One label per link column: a polymorphic lookup lists the targets that count, once. */
function linkLabels(c: CustomTableCandidate): string[] {
  const byColumn = new Map<string, CustomTableLink[]>();
  for (const l of [...c.links, ...(c.via ? [c.via] : [])])
    byColumn.set(l.column, [...(byColumn.get(l.column) ?? []), l]);
  return [...byColumn].map(([column, links]) =>
    links[0]!.targets
      ? `${column} → ${links.map((l) => l.target).join(' | ')} (per record)`
      : `${column} → ${links[0]!.target}`,
  );
}

/** Enables a table with its readable custom columns (or the given ones) selected. */
export async function enableCustomTable(
  db: Db,
  source: SourceReader,
  userId: string,
  name: string,
  columns?: readonly string[],
): Promise<FieldRow[]> {
  await refuseDuringCycle(db, `enabled`);
  const candidate = (await discoverCustomTables(source, userId)).find((c) => c.info.logicalName === name);
  if (!candidate) throw new NotFoundError('unknown_table', `Dynamics has no custom table named '${name}'.`);
  if (candidate.reasons.length > 0)
    throw new InvalidInputError('table_not_eligible', `${name} cannot sync: ${candidate.reasons.join('; ')}.`);
  if (candidate.via && !(await getEnabledCustomTable(db, candidate.via.target)))
    throw new InvalidInputError(
      'intermediate_not_enabled',
      `${name} links to a lead, contact or account through ${candidate.via.target}: enable ${candidate.via.target} first.`,
    );
  const catalog = await fetchCatalog(source, name, userId);
  const chosen = columns && columns.length > 0 ? [...columns] : defaultColumns(catalog, candidate);
  const selection = select(name, catalog, chosen);
  await db.transaction(async (tx) => {
    await insertCustomTable(tx, toConfig(candidate));
    await replaceCatalog(tx, name, catalog);
    await replaceSelection(tx, name, selection);
  });
  return fieldRows(name, catalog, selection);
}

export async function disableCustomTable(db: Db, name: string): Promise<void> {
  await refuseDuringCycle(db, 'disabled');
  if (!(await getEnabledCustomTable(db, name))) throw new NotFoundError('not_enabled', `${name} is not enabled.`);
  const under = await customTablesVia(db, name);
  if (under.length > 0)
    throw new InvalidInputError('table_in_use', `${under.join(', ')} link(s) through ${name}: disable them first.`);
  await db.transaction((tx) => deleteCustomTable(tx, name));
}

/** The columns of an enabled table; `add`/`remove` change the selection (the table then reads in full). */
export async function saveCustomColumns(
  db: Db,
  source: SourceReader,
  userId: string,
  name: string,
  change: { add?: readonly string[]; remove?: readonly string[] },
): Promise<FieldRow[]> {
  if (!(await getEnabledCustomTable(db, name))) throw new NotFoundError('not_enabled', `${name} is not enabled.`);
  const catalog = await fetchCatalog(source, name, userId);
  const current = (await getSelection(db, name)).map((s) => s.logicalName);
  const removed = new Set(change.remove ?? []);
  const chosen = [...new Set([...current, ...(change.add ?? [])])].filter((n) => !removed.has(n));
  const selection = select(name, catalog, chosen, change.add ?? []);
  await db.transaction(async (tx) => {
    await replaceCatalog(tx, name, catalog);
    await replaceSelection(tx, name, selection);
  });
  return fieldRows(name, catalog, selection);
}

export async function listCustomColumns(db: Db, name: string): Promise<FieldRow[]> {
  if (!(await getEnabledCustomTable(db, name))) throw new NotFoundError('not_enabled', `${name} is not enabled.`);
  const [catalog, selection] = await Promise.all([listCatalog(db, name), getSelection(db, name)]);
  return fieldRows(name, catalog, selection);
}

async function refuseDuringCycle(db: Db, what: string): Promise<void> {
  if (await cycleRunning(db))
    throw new RetriableError(
      'cycle_running',
      `A sync cycle is running: a custom table can be ${what} between cycles only. Try again when it ends (dynasync status).`,
    );
}

/** Readable custom columns and the primary name: what an admin adds a custom table for. */
function defaultColumns(catalog: readonly CatalogField[], c: CustomTableCandidate): string[] {
  return catalog
    .filter((f) => f.readable && (f.isCustom || f.logicalName === c.info.primaryNameAttribute))
    .map((f) => f.logicalName);
}

/** Checks every newly chosen column as field selection does (only readable columns). */
function select(
  name: string,
  catalog: readonly CatalogField[],
  chosen: readonly string[],
  checked: readonly string[] = chosen,
): SelectedField[] {
  const byName = new Map(catalog.map((f) => [f.logicalName, f]));
  const problems = checked.flatMap((col) => {
    const f = byName.get(col);
    if (!f) return [`${name}.${col} does not exist in Dynamics`];
    const a = availabilityOf(f);
    return a === 'readable' ? [] : [`${name}.${col} cannot be selected (${a.replaceAll('_', ' ')})`];
  });
  if (problems.length > 0) throw new InvalidInputError('field_not_selectable', problems.join('; '));
  return chosen.filter((col) => byName.has(col)).map((col) => ({ entity: name, logicalName: col, localName: col }));
}

const toConfig = (c: CustomTableCandidate): Omit<CustomTableConfig, 'enabledAt'> => ({
  name: c.info.logicalName as CustomTableName,
  entitySet: c.info.entitySetName,
  primaryKey: c.info.primaryIdAttribute,
  primaryName: c.info.primaryNameAttribute,
  displayName: c.info.displayName,
  links: c.links,
  via: c.via,
});
