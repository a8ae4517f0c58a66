/**
 * Which custom tables can sync (reference 1.5): the sync user can read it, its name has at most 33
 * characters, change tracking is on (reads are deltas), and it links to a lead, contact or account
 * directly or through one more custom table that does (a polymorphic lookup counts for each of its
 * targets). Every refusal says why.
 */
import { CUSTOM_LINK_TARGETS, CUSTOM_TABLE_MAX_NAME, FatalError, type CustomTableLink } from '../domain/index.js';
import type { CustomTableInfo, SourceReader } from './ports.js';

export interface CustomTableCandidate {
  readonly info: CustomTableInfo;
  /** Direct lookups to contact, lead or account (a polymorphic lookup: one per such target). */
  readonly links: readonly CustomTableLink[];
  /** Level 2: the lookup to a custom table that links directly. */
  readonly via: CustomTableLink | null;
  readonly depth: 1 | 2 | null;
  /** Why it cannot be enabled; empty when it can. */
  readonly reasons: readonly string[];
}

const STANDARD = new Set<string>(CUSTOM_LINK_TARGETS);

export async function discoverCustomTables(source: SourceReader, userId: string): Promise<CustomTableCandidate[]> {
  if (!source.customTables || !source.lookupRelationships)
    throw new FatalError('not_supported', 'This Dynamics client cannot list custom tables.');
  const lookups = source.lookupRelationships.bind(source);
  const [tables, privileges] = await Promise.all([source.customTables(), source.privileges(userId)]);
  const relations = await Promise.all(tables.map((t) => lookups(t.logicalName)));
  const direct = new Map(tables.map((t, i) => [t.logicalName, linksTo(relations[i]!, STANDARD)]));
  const readable = (t: CustomTableInfo) => privileges.has(`prvRead${t.schemaName}`);
  const custom = new Map(tables.map((t) => [t.logicalName, t]));
  return tables.map((info, i) => {
    const links = direct.get(info.logicalName)!;
    const via =
      links.length > 0
        ? null
        : (linksTo(relations[i]!, new Set(custom.keys())).find(
            (l) => l.target !== info.logicalName && direct.get(l.target)!.length > 0,
          ) ?? null);
    const depth = links.length > 0 ? 1 : via ? 2 : null;
    const reasons: string[] = [];
    if (info.logicalName.length > CUSTOM_TABLE_MAX_NAME)
      reasons.push(`its name has ${info.logicalName.length} characters (at most ${CUSTOM_TABLE_MAX_NAME})`);
    if (!readable(info)) reasons.push(`the sync user cannot read it (no prvRead${info.schemaName} privilege)`);
    if (!info.changeTrackingEnabled) reasons.push('change tracking is off (turn on "Track changes" for the table)');
    if (depth === null)
      reasons.push('it does not link to a lead, contact or account, directly or through one more table');
    if (via && !readable(custom.get(via.target)!))
      reasons.push(`the sync user cannot read ${via.target}, the table it links through`);
    return { info, links, via, depth, reasons };
  });
}

/**
 * Lookups to the given tables. ManyToOneRelationships lists a polymorphic lookup (Customer: account
 * or contact; a multi-table lookup) once per target: each target among the given tables is a link
 * of its own, marked with all the lookup's targets, and a record takes the one its value points at
 * (the lookuplogicalname annotation of the row).
 */
function linksTo(relations: readonly CustomTableLink[], tables: ReadonlySet<string>): CustomTableLink[] {
  const targetsOf = new Map<string, string[]>();
  for (const r of relations) targetsOf.set(r.column, [...(targetsOf.get(r.column) ?? []), r.target]);
  return relations
    .filter((r) => tables.has(r.target))
    .map((r) => {
      const all = [...new Set(targetsOf.get(r.column)!)].sort();
      return all.length > 1
        ? { column: r.column, target: r.target, targets: all }
        : { column: r.column, target: r.target };
    })
    .sort((a, b) => a.column.localeCompare(b.column) || a.target.localeCompare(b.target));
}
