/**
 * The oracle: what Dynamics holds (read from the emulator over its Web API) against what the lead
 * database holds, record by record and selected field by selected field, plus links, owners and
 * deletion flags. Expected local values are derived from the wire independently of src/mapping:
 * option sets by the emulator's own formatted label, lookups as lower-case GUIDs, the rest as sent.
 */
import { ENTITY_INFO, type SyncEntity } from '../../../src/domain/index.js';
import type { LeadSnapshot, SelectedColumn, StoredRecord } from './lead-db.js';
import { FORMATTED, LOOKUP_TARGET, type Row, type RowSource } from './web-api.js';

export interface Mismatch {
  readonly entity: string;
  readonly id: string;
  readonly what: string;
  readonly expected: unknown;
  readonly actual: unknown;
}

export interface Comparison {
  /** Live Dynamics records compared. */
  readonly records: number;
  readonly fieldsCompared: number;
  /** Lead records of rows gone from Dynamics, all flagged deleted. */
  readonly deletedChecked: number;
  readonly mismatches: readonly Mismatch[];
}

const OPTION_TYPES = new Set(['Picklist', 'State', 'Status']);
const LOOKUP_TYPES = new Set(['Lookup', 'Customer', 'Owner']);
const wireOf = (c: SelectedColumn): string =>
  LOOKUP_TYPES.has(c.attributeType) ? `_${c.logicalName}_value` : c.logicalName;

export function expectedLocal(row: Row, c: SelectedColumn): unknown {
  const wire = wireOf(c);
  const raw = row[wire];
  if (raw === null || raw === undefined) return null;
  if (OPTION_TYPES.has(c.attributeType)) return row[`${wire}${FORMATTED}`];
  if (LOOKUP_TYPES.has(c.attributeType)) return String(raw).toLowerCase();
  return raw;
}

type Compared = 'systemuser' | 'account' | 'contact' | 'lead';
const ENTITIES: readonly Compared[] = ['systemuser', 'account', 'contact', 'lead'];

/** The lead records an entity's rows must match: contacts and leads share `persons`, told apart by type. */
function storedOf(snap: LeadSnapshot, entity: Compared): Map<string, StoredRecord> {
  if (entity === 'systemuser') return new Map(snap.salesPersons);
  if (entity === 'account') return new Map(snap.companies);
  const type = entity === 'contact' ? 'Contact' : 'Lead';
  return new Map([...snap.persons].filter(([, r]) => r.type === type));
}

/** Leads qualified into a contact the lead database holds: their person is that contact's, checked there. */
const qualifiedLeads = (snap: LeadSnapshot): Set<string> =>
  new Set([...snap.persons.values()].filter((r) => r.type === 'Contact' && r.leadId).map((r) => r.leadId!));

const lower = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v.toLowerCase() : null);

export interface CompareOptions {
  /** Records whose Dynamics row is known to be unstorable (bad input): compared for presence only. */
  readonly skipFieldsOf?: ReadonlySet<string>;
}

export async function compareWithEmulator(
  api: RowSource,
  snap: LeadSnapshot,
  opts: CompareOptions = {},
): Promise<Comparison> {
  const mismatches: Mismatch[] = [];
  let records = 0;
  let fieldsCompared = 0;
  let deletedChecked = 0;
  const merged = qualifiedLeads(snap);
  for (const entity of ENTITIES) {
    const info = ENTITY_INFO[entity as SyncEntity];
    const columns = (snap.selection.get(entity) ?? []).filter((c) => c.readable);
    const select = new Set([...info.systemColumns, ...columns.map(wireOf)]);
    const rows = await api.readAll(info.entitySet, [...select]);
    const stored = storedOf(snap, entity);
    const alive = new Set<string>();
    const miss = (id: string, what: string, expected: unknown, actual: unknown) =>
      mismatches.push({ entity, id, what, expected, actual });
    for (const row of rows) {
      const id = String(row[info.primaryKey]).toLowerCase();
      alive.add(id);
      records++;
      if (entity === 'lead' && merged.has(id)) continue;
      const rec = stored.get(id);
      if (!rec) {
        miss(id, 'record', 'present', 'missing');
        continue;
      }
      if (rec.deleted) miss(id, 'dynamics_deleted', false, true);
      if (opts.skipFieldsOf?.has(id)) continue;
      fieldsCompared += compareFields(row, rec, columns, (what, e, a) => miss(id, what, e, a));
      if (entity !== 'systemuser') {
        const owner = lower(row._ownerid_value);
        if (rec.ownerId !== owner) miss(id, 'owner', owner, rec.ownerId);
      }
      if (entity === 'contact') {
        const target = row[`_parentcustomerid_value${LOOKUP_TARGET}`];
        const account = target === undefined || target === 'account' ? lower(row._parentcustomerid_value) : null;
        if (rec.accountId !== account) miss(id, 'account link', account, rec.accountId);
      }
      if (entity === 'lead' && rec.accountId !== null) miss(id, 'account link', null, rec.accountId); // a lead's company is its own columns
    }
    for (const [id, rec] of stored) {
      if (alive.has(id)) continue;
      deletedChecked++;
      if (!rec.deleted) miss(id, 'dynamics_deleted', true, false);
    }
  }
  return { records, fieldsCompared, deletedChecked, mismatches };
}

function compareFields(
  row: Row,
  rec: StoredRecord,
  columns: readonly SelectedColumn[],
  miss: (what: string, e: unknown, a: unknown) => void,
): number {
  let n = 0;
  for (const c of columns) {
    const expected = expectedLocal(row, c);
    const actual = rec.fields[c.localName] ?? null;
    n++;
    if (JSON.stringify(expected) !== JSON.stringify(actual))
      miss(`field ${c.localName} (${c.logicalName})`, expected, actual);
  }
  return n;
}

/** A short, readable summary for an assertion message. */
export const describeMismatches = (ms: readonly Mismatch[], max = 15): string =>
  ms
    .slice(0, max)
    .map((m) => `${m.entity} ${m.id}: ${m.what} expected ${JSON.stringify(m.expected)} got ${JSON.stringify(m.actual)}`)
    .join('\n') + (ms.length > max ? `\n… and ${ms.length - max} more` : '');
