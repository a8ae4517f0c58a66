/**
 * The sender: the only writer to Dynamics in the product. It drains the outbox in `$batch`
 * requests, one change set per person (a person's fields are one transaction in Dynamics), each a
 * PATCH with `If-Match: W/"<versionnumber>"` and `Prefer: return=representation` (the answer
 * carries the new version). A write is confirmed, in one transaction, by deleting its outbox rows
 * and storing that version; a process killed before that resends it, and a resent update sets the
 * same values again (changes nothing twice; its stale If-Match answers 412, see below).
 *
 * 412 (someone changed the row since we read it): the row is re-read. A field already holding the
 * local value is done (our own earlier write, or both agree). For a lead marketing wins: the write
 * is resent with the new version. For a contact Dynamics wins where Dynamics changed the field (its
 * value differs from the one the local change started from): the local value is replaced, the
 * write dropped, the activity log says so; other fields are resent.
 *
 * A refused write (validation, privilege, deleted record) becomes a sync error (to_dynamics) and a
 * Sync Error activity; a refused change set of several fields is retried one field per change set,
 * so the person's other fields and other people's writes go on.
 *
 * A queued create (Sync Person to Microsoft) is a POST with the key chosen at push time; see
 * sender-create.ts for why a resend can never make a second record.
 */
import { ENTITY_INFO, type CatalogField, type PersonEntity } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import type { BatchAnswer, BatchWrite } from '../dataverse/index.js';
import { convertValue, isWritableType, toWireValue } from '../mapping/index.js';
import type { Db } from '../store/db/types.js';
import {
  confirmWrites,
  dropWrites,
  failWrites,
  pendingWritesByPerson,
  storeVersion,
  type OutboxRow,
} from '../store/outbox.js';
import { dynamicsWins } from '../store/records/people-sync.js';
import { createPlan, createWrite, settleCreate, type CreatePlan } from './sender-create.js';
import { loadSelection } from './state.js';

export interface OutboxWriterPort {
  batch(sets: readonly (readonly BatchWrite[])[], signal?: AbortSignal): Promise<BatchAnswer[][]>;
  readRow(entitySet: string, id: string, select: readonly string[]): Promise<Record<string, unknown> | null>;
}

export interface SenderDeps {
  readonly db: Db;
  readonly writer: OutboxWriterPort;
  readonly logger: Logger;
  /** Persons (change sets) per `$batch`; see the notes for the measurement behind the default. */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

export interface DrainResult {
  batches: number;
  confirmed: number;
  failed: number;
  conflicts: number;
}

export const DEFAULT_SEND_BATCH = 100;
const MAX_RESENDS = 3;

type WritePlan = ReadonlyMap<string, CatalogField>;

/** Selected columns the sync user may update (catalog flags from the field catalog when present). */
async function writePlan(db: Db, entity: PersonEntity): Promise<WritePlan> {
  const { catalog, selection } = await loadSelection(db, entity);
  const byName = new Map(catalog.map((c) => [c.logicalName, c]));
  const out = new Map<string, CatalogField>();
  for (const s of selection) {
    const f = byName.get(s.logicalName) as (CatalogField & { canUpdate?: boolean }) | undefined;
    if (f && isWritableType(f) && f.canUpdate !== false) out.set(s.localName, f);
  }
  return out;
}

interface ChangeSet {
  readonly person: number;
  readonly entity: PersonEntity;
  readonly dynamicsId: string;
  readonly rows: OutboxRow[];
  readonly body: Record<string, unknown>;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const versionOf = (v: unknown): number | null =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null;

export async function drainOutbox(deps: SenderDeps): Promise<DrainResult> {
  const result: DrainResult = { batches: 0, confirmed: 0, failed: 0, conflicts: 0 };
  const plans: Record<PersonEntity, WritePlan> = {
    lead: await writePlan(deps.db, 'lead'),
    contact: await writePlan(deps.db, 'contact'),
  };
  const createPlans: Record<PersonEntity, CreatePlan> = {
    lead: await createPlan(deps.db, 'lead'),
    contact: await createPlan(deps.db, 'contact'),
  };
  const isolate = new Set<number>();
  const resends = new Map<number, number>();
  const parked = new Set<number>();
  while (!deps.signal?.aborted) {
    const groups = await pendingWritesByPerson(deps.db, deps.batchSize ?? DEFAULT_SEND_BATCH, [...parked]);
    if (groups.length === 0) break;
    // A person with a queued create sends only the create (its later changes are folded into it).
    const creates = groups.flatMap((g) => g.filter((r) => r.op === 'create').slice(0, 1));
    const sets = await changeSets(
      deps.db,
      groups.filter((g) => !g.some((r) => r.op === 'create')),
      plans,
      isolate,
    );
    if (sets.length === 0 && creates.length === 0) continue;
    const answers = await deps.writer.batch(
      [...creates.map((r) => [createWrite(r, createPlans[r.entity])]), ...sets.map((s) => [patchOf(s)])],
      deps.signal,
    );
    result.batches++;
    for (const [i, row] of creates.entries()) {
      const answer = answers[i]?.[0];
      const outcome =
        !answer || answer.status === 429 || answer.status >= 500
          ? 'retry'
          : await settleCreate(deps.db, deps.writer, row, createPlans[row.entity], answer);
      if (outcome === 'retry') parked.add(row.personId);
      else result[outcome]++;
    }
    for (const [i, set] of sets.entries()) {
      const answer = answers[creates.length + i]?.[0];
      if (!answer || answer.status === 429 || answer.status >= 500) {
        parked.add(set.person); // not answered or transient: the next drain sends it again
      } else if (answer.status < 300) {
        await deps.db.transaction((tx) =>
          confirmWrites(
            tx,
            set.person,
            set.rows,
            versionOf((answer.body as Record<string, unknown> | null)?.versionnumber),
          ),
        );
        result.confirmed++;
      } else if (answer.status === 412) {
        const n = (resends.get(set.person) ?? 0) + 1;
        resends.set(set.person, n);
        if (n >= MAX_RESENDS) parked.add(set.person);
        result.conflicts += await resolveConflict(deps, set, plans[set.entity], result);
      } else if (set.rows.length > 1) {
        isolate.add(set.person); // find the refused field: one field per change set next round
      } else {
        await refuse(deps.db, set, answer);
        result.failed++;
      }
    }
  }
  return result;
}

/** Rows whose field is no longer selected or writable are dropped (nothing to write them to). */
async function changeSets(
  db: Db,
  groups: readonly OutboxRow[][],
  plans: Record<PersonEntity, WritePlan>,
  isolate: ReadonlySet<number>,
): Promise<ChangeSet[]> {
  const sets: ChangeSet[] = [];
  const unwritable: OutboxRow[] = [];
  for (const rows of groups) {
    const first = rows[0]!;
    const plan = plans[first.entity];
    const writable = rows.filter((r) => {
      const f = plan.get(r.field);
      const ok = r.op === 'update' && f !== undefined && toWireValue(f, r.value) !== undefined;
      if (!ok) unwritable.push(r);
      return ok;
    });
    const make = (part: OutboxRow[]): ChangeSet => ({
      person: first.personId,
      entity: first.entity,
      dynamicsId: first.dynamicsId,
      rows: part,
      body: Object.fromEntries(
        part.map((r) => [plan.get(r.field)!.logicalName, toWireValue(plan.get(r.field)!, r.value)]),
      ),
    });
    if (writable.length === 0) continue;
    if (isolate.has(first.personId)) for (const r of writable) sets.push(make([r]));
    else sets.push(make(writable));
  }
  if (unwritable.length > 0) await db.transaction((tx) => dropWrites(tx, unwritable));
  return sets;
}

function patchOf(s: ChangeSet): BatchWrite {
  const version = s.rows[0]!.version;
  return {
    method: 'PATCH',
    target: `${ENTITY_INFO[s.entity].entitySet}(${s.dynamicsId})?$select=versionnumber`,
    body: s.body,
    // If-Match makes the PATCH an update only (never an upsert) and, with a version, optimistic.
    headers: { 'If-Match': version === null ? '*' : `W/"${version}"`, Prefer: 'return=representation' },
  };
}

async function resolveConflict(
  deps: SenderDeps,
  set: ChangeSet,
  plan: WritePlan,
  result: DrainResult,
): Promise<number> {
  const info = ENTITY_INFO[set.entity];
  const columns = set.rows.map((r) => plan.get(r.field)!);
  const row = await deps.writer.readRow(info.entitySet, set.dynamicsId, [
    'versionnumber',
    ...columns.map((c) => c.logicalName),
  ]);
  if (row === null) {
    await refuse(deps.db, set, {
      status: 404,
      headers: {},
      body: { error: { code: '0x80040217', message: `${set.entity} ${set.dynamicsId} does not exist in Dynamics` } },
    });
    result.failed++;
    return 0;
  }
  const done: OutboxRow[] = [];
  const lost: { row: OutboxRow; value: unknown }[] = [];
  for (const [i, r] of set.rows.entries()) {
    const current = localOf(columns[i]!, row[columns[i]!.logicalName]);
    if (same(current, r.value)) done.push(r);
    else if (set.entity === 'contact' && !same(current, r.base)) lost.push({ row: r, value: current });
  }
  await deps.db.transaction(async (tx) => {
    await confirmWrites(tx, set.person, done, null);
    for (const l of lost) await dynamicsWins(tx, set.person, l.row, l.value, { now: new Date() });
    await dropWrites(
      tx,
      lost.map((l) => l.row),
    );
    await storeVersion(tx, set.person, versionOf(row.versionnumber));
  });
  return 1;
}

function localOf(field: CatalogField, wire: unknown): unknown {
  try {
    return convertValue(field, wire);
  } catch {
    return wire; // a value we cannot store differs from ours: treated as a Dynamics change
  }
}

async function refuse(db: Db, set: ChangeSet, answer: BatchAnswer): Promise<void> {
  const error = (answer.body as { error?: { code?: string; message?: string } } | null)?.error;
  const code =
    answer.status === 404
      ? 'record_deleted'
      : answer.status === 403
        ? 'privilege_denied'
        : error?.code || `http_${answer.status}`;
  const message =
    `Dynamics refused the update of ${set.entity} ${set.dynamicsId} (${set.rows.map((r) => r.field).join(', ')}): ` +
    `HTTP ${answer.status}${error?.code ? ` ${error.code}` : ''} ${error?.message ?? ''}`.trim();
  await db.transaction((tx) =>
    failWrites(tx, set.person, set.rows, {
      entity: set.entity,
      recordId: set.dynamicsId,
      operation: 'update',
      code,
      message,
    }),
  );
}
