/**
 * Creates in the sender ("Sync Person to Microsoft", store/records/push.ts). A queued create is a
 * POST in its own change set carrying the primary key dynasync chose at push time, the person's
 * current values of the selected columns the sync user may create (catalog `canCreate`), and the
 * owner as `ownerid@odata.bind`. Never an account link: a contact is created without one.
 *
 * Exactly once in effect: a resend after a kill (the earlier POST applied, its confirmation lost)
 * answers the duplicate-key error (0x80040237). That is success: the record is re-read, and fields
 * whose local value differs from it (changed locally since that earlier send) are queued as
 * ordinary updates. No second record can exist, since the key is the same.
 */
import { ENTITY_INFO, type CatalogField, type PersonEntity } from '../domain/index.js';
import { isDuplicateKey, type BatchAnswer, type BatchWrite } from '../dataverse/index.js';
import { convertValue, isWritableType, toWireValue } from '../mapping/index.js';
import type { Db } from '../store/db/types.js';
import { confirmCreate, createFoundExisting, type CreatedRecord } from '../store/outbox-create.js';
import { failWrites, type OutboxRow } from '../store/outbox.js';
import type { FieldChange } from '../store/outbox.js';
import type { OutboxWriterPort } from './sender.js';
import { loadSelection } from './state.js';

export type CreatePlan = ReadonlyMap<string, CatalogField>;

/** Selected columns the sync user may set on create, by local name. */
export async function createPlan(db: Db, entity: PersonEntity): Promise<CreatePlan> {
  const { catalog, selection } = await loadSelection(db, entity);
  const byName = new Map(catalog.map((c) => [c.logicalName, c]));
  const out = new Map<string, CatalogField>();
  for (const s of selection) {
    const f = byName.get(s.logicalName);
    if (f && isWritableType(f) && f.canCreate !== false) out.set(s.localName, f);
  }
  return out;
}

interface CreateValue {
  readonly owner: string | null;
  readonly fields: Record<string, unknown>;
}

/** The create's body: the chosen key, the fields that have a value, and the owner. */
export function createBody(row: OutboxRow, plan: CreatePlan): Record<string, unknown> {
  const { owner, fields } = row.value as CreateValue;
  const body: Record<string, unknown> = { [ENTITY_INFO[row.entity].primaryKey]: row.dynamicsId };
  for (const [local, f] of plan) {
    const wire = toWireValue(f, fields[local]);
    if (wire !== undefined && wire !== null) body[f.logicalName] = wire;
  }
  // A lead's Topic is required in Dynamics; a person without one gets its name (Marketo does the same).
  if (row.entity === 'lead' && typeof body.subject !== 'string') body.subject = topicOf(fields);
  if (owner) body['ownerid@odata.bind'] = `/systemusers(${owner})`;
  return body;
}

const topicOf = (fields: Record<string, unknown>): string => {
  const name = [fields.firstName, fields.lastName].filter((v) => typeof v === 'string' && v.trim()).join(' ');
  return (name || (typeof fields.email === 'string' && fields.email) || 'Lead from the lead database').slice(0, 200);
};

export function createWrite(row: OutboxRow, plan: CreatePlan): BatchWrite {
  return {
    method: 'POST',
    target: `${ENTITY_INFO[row.entity].entitySet}?$select=versionnumber,createdon,modifiedon`,
    body: createBody(row, plan),
    headers: { Prefer: 'return=representation' },
  };
}

const versionOf = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const created = (r: Record<string, unknown> | null): CreatedRecord => ({
  version: versionOf(r?.versionnumber),
  createdOn: text(r?.createdon),
  modifiedOn: text(r?.modifiedon),
});
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export type CreateOutcome = 'confirmed' | 'failed' | 'retry';

/** What one create's answer means, stored in one transaction. */
export async function settleCreate(
  db: Db,
  writer: OutboxWriterPort,
  row: OutboxRow,
  plan: CreatePlan,
  answer: BatchAnswer,
): Promise<CreateOutcome> {
  if (answer.status >= 200 && answer.status < 300) {
    await db.transaction((tx) => confirmCreate(tx, row, created(answer.body as Record<string, unknown> | null)));
    return 'confirmed';
  }
  if (isDuplicateKey(answer)) return settleExisting(db, writer, row, plan);
  await refuseCreate(db, row, answer);
  return 'failed';
}

async function settleExisting(
  db: Db,
  writer: OutboxWriterPort,
  row: OutboxRow,
  plan: CreatePlan,
): Promise<CreateOutcome> {
  const info = ENTITY_INFO[row.entity];
  const columns = [...plan.values()];
  const current = await writer.readRow(info.entitySet, row.dynamicsId, [
    'versionnumber',
    'createdon',
    'modifiedon',
    ...columns.map((c) => c.logicalName),
  ]);
  if (current === null) return 'retry'; // deleted between the two sends: a fresh create is right
  const { fields } = row.value as CreateValue;
  const differing: FieldChange[] = [];
  for (const [local, f] of plan) {
    const theirs = localOf(f, current[f.logicalName]);
    // A field without a local value was left out of the create (or defaulted, like a lead's Topic).
    if (fields[local] !== null && fields[local] !== undefined && !same(theirs, fields[local]))
      differing.push({ field: local, value: fields[local], old: theirs });
  }
  await db.transaction((tx) => createFoundExisting(tx, row, created(current), differing));
  return 'confirmed';
}

function localOf(field: CatalogField, wire: unknown): unknown {
  try {
    return convertValue(field, wire);
  } catch {
    return wire;
  }
}

async function refuseCreate(db: Db, row: OutboxRow, answer: BatchAnswer): Promise<void> {
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  const code = answer.status === 403 ? 'privilege_denied' : error?.code || `http_${answer.status}`;
  const message =
    `Dynamics refused the create of ${row.entity} ${row.dynamicsId} (person ${row.personId}): ` +
    `HTTP ${answer.status}${error?.code ? ` ${error.code}` : ''} ${error?.message ?? ''}`.trim();
  await db.transaction((tx) =>
    failWrites(tx, row.personId, [row], {
      entity: row.entity,
      recordId: row.dynamicsId,
      operation: 'create',
      code,
      message,
    }),
  );
}
