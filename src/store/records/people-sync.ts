/**
 * Contacts and leads become persons. Before a page is upserted (persons.ts), each row is checked
 * against what the lead database knows, in the page's transaction:
 *
 * - Qualify: a contact whose `originatingleadid` is a lead person takes that person over (same id,
 *   type Contact, activities kept); lead rows of a converted person are ignored afterwards. Either
 *   table may be read first: the lead id is kept on the person (`dynamics_lead_id`).
 * - Sync filter (`new_synctomkto`, when selected): No creates nothing; an existing person stops
 *   updating (kept, stale) with an activity saying so; No → Yes updates it again.
 * - Echo: a row last modified by the sync user is dynasync's own write: its fields are not synced back.
 * - Pending local writes (the outbox) decide collisions by value: an incoming value equal to the
 *   pending one is the write coming back (no activity, the write is done); equal to the value
 *   Dynamics had when the field changed locally means Dynamics did not touch it (the local value
 *   stays and is sent); anything else is a change on both sides: a lead keeps the marketing value,
 *   a contact takes the Dynamics value and says so in the activity log.
 *
 * After the upsert every row's person records its version and the full read's generation.
 */
import { ActivityType, PERSON_TYPES, type PersonEntity } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';
import { applyPersons, type PersonRecord } from './persons.js';
import { emptyStats, lastById, type ApplyContext, type PageStats } from './staging.js';

export interface PeopleRecord extends PersonRecord {
  readonly version: number | null;
  readonly modifiedBy: string | null;
  readonly originatingLeadId: string | null;
}

export const SYNC_FILTER_FIELD = 'new_synctomkto';

interface Known {
  id: number;
  dynamics_id: string | null;
  dynamics_lead_id: string | null;
  dynamics_type: string | null;
  sync_stopped: boolean;
  fields: Record<string, unknown>;
  owner_dynamics_id: string | null;
  account_dynamics_id: string | null;
}

interface Pending {
  id: number;
  person_id: number;
  field: string;
  value: unknown;
  base: unknown;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The lead and contact appliers: reconcile, upsert, then versions and generation. */
export async function applyPeople(
  tx: SqlClient,
  entity: PersonEntity,
  input: readonly PeopleRecord[],
  ctx: ApplyContext,
): Promise<PageStats> {
  const records = lastById(input);
  if (records.length === 0) return emptyStats();
  if (entity === 'contact') await convertQualifiedLeads(tx, records, ctx.now);
  const known = await knownPersons(tx, entity, records);
  const pending = await pendingWrites(
    tx,
    [...known.values()].map((k) => k.id),
  );
  const apply: PersonRecord[] = [];
  const seen: PeopleRecord[] = [];
  const echoes: { person: Known; record: PeopleRecord }[] = [];
  let activities = 0;
  let ignored = 0;
  for (const r of records) {
    const person = known.get(r.id) ?? null;
    if (entity === 'lead' && person && person.dynamics_type !== PERSON_TYPES.lead) {
      ignored++; // the lead was qualified: its person is a contact now
      continue;
    }
    const filter = r.fields[SYNC_FILTER_FIELD];
    if (filter === false) {
      if (person && !person.sync_stopped) activities += await stopSyncing(tx, person, entity, ctx);
      if (person) seen.push(r);
      else ignored++;
      continue;
    }
    if (person && r.modifiedBy !== null && r.modifiedBy === ctx.syncUserId) {
      echoes.push({ person, record: r }); // dynasync's own write: the values are ours already
      seen.push(r);
      continue;
    }
    const { record, logged } = await reconcile(tx, entity, r, person, pending.get(person?.id ?? -1) ?? [], ctx);
    activities += logged;
    apply.push(record);
    seen.push(r);
  }
  const stats = apply.length > 0 ? await applyPersons(tx, apply, ctx, entity) : emptyStats();
  await fillFromEchoes(tx, echoes, pending);
  await markSeen(tx, entity, seen, ctx);
  stats.unchanged += seen.length - apply.length + ignored;
  stats.activities += activities;
  return stats;
}

/**
 * An echo brings nothing to sync back, but a record dynasync created (Sync Person to Microsoft)
 * comes back with what Dynamics filled in itself: defaults (status, Do Not flags), the owner. Those
 * fill the person's empty fields, without an activity (nobody changed them) and never over a local
 * value or a field with a write still pending.
 */
async function fillFromEchoes(
  tx: SqlClient,
  echoes: readonly { person: Known; record: PeopleRecord }[],
  pending: ReadonlyMap<number, Pending[]>,
): Promise<void> {
  const fills: { id: number; fields: Record<string, unknown>; owner: string | null; account: string | null }[] = [];
  for (const { person, record } of echoes) {
    const waiting = new Set((pending.get(person.id) ?? []).map((p) => p.field));
    const fields = Object.fromEntries(
      Object.entries(record.fields).filter(
        ([k, v]) => v !== null && v !== undefined && (person.fields[k] ?? null) === null && !waiting.has(k),
      ),
    );
    const owner = person.owner_dynamics_id === null ? record.ownerId : null;
    const account = person.account_dynamics_id === null ? record.accountId : null;
    if (Object.keys(fields).length > 0 || owner !== null || account !== null)
      fills.push({ id: person.id, fields, owner, account });
  }
  if (fills.length === 0) return; // the usual echo: nothing to fill, no statement
  await tx.query(
    `UPDATE persons p SET fields = p.fields || f.fields, owner_dynamics_id = coalesce(p.owner_dynamics_id, f.owner),
            account_dynamics_id = coalesce(p.account_dynamics_id, f.account)
     FROM jsonb_to_recordset($1::jsonb) AS f(id bigint, fields jsonb, owner uuid, account uuid) WHERE p.id = f.id`,
    [JSON.stringify(fills)],
  );
}

/** A contact created by qualifying a lead takes over the lead's person (and its pending writes). */
async function convertQualifiedLeads(tx: SqlClient, records: readonly PeopleRecord[], now: Date): Promise<void> {
  const pairs = records.filter((r) => r.originatingLeadId !== null);
  if (pairs.length === 0) return;
  const moved = await tx.query<{ id: number }>(
    `UPDATE persons p SET dynamics_id = q.contact_id, dynamics_type = 'Contact', updated_at = $3
     FROM unnest($1::uuid[], $2::uuid[]) AS q(contact_id, lead_id)
     WHERE p.dynamics_lead_id = q.lead_id AND p.dynamics_type = 'Lead'
       AND NOT EXISTS (SELECT 1 FROM persons c WHERE c.dynamics_id = q.contact_id)
     RETURNING p.id`,
    [pairs.map((r) => r.id), pairs.map((r) => r.originatingLeadId), now],
  );
  if (moved.rowCount === 0) return;
  // Pending writes follow the person to its contact; fields a contact does not sync are dropped at send time.
  await tx.query(
    `UPDATE outbox o SET dynamics_id = p.dynamics_id, entity = 'contact' FROM persons p
     WHERE p.id = o.person_id AND o.person_id = ANY($1::bigint[]) AND o.op = 'update'`,
    [moved.rows.map((r) => r.id)],
  );
}

/** The persons of the page's rows, by row id (a lead's person may be a contact now). */
async function knownPersons(
  tx: SqlClient,
  entity: PersonEntity,
  records: readonly PeopleRecord[],
): Promise<Map<string, Known>> {
  const ids = records.map((r) => r.id);
  const res = await tx.query<Known>(
    `SELECT id, dynamics_id, dynamics_lead_id, dynamics_type, sync_stopped, fields, owner_dynamics_id, account_dynamics_id FROM persons
     WHERE dynamics_id = ANY($1::uuid[]) ${entity === 'lead' ? 'OR dynamics_lead_id = ANY($1::uuid[])' : ''}`,
    [ids],
  );
  const out = new Map<string, Known>();
  for (const k of res.rows) {
    if (k.dynamics_id) out.set(k.dynamics_id, k);
    if (entity === 'lead' && k.dynamics_lead_id && k.dynamics_type !== PERSON_TYPES.lead)
      out.set(k.dynamics_lead_id, k);
  }
  return out;
}

async function pendingWrites(tx: SqlClient, personIds: readonly number[]): Promise<Map<number, Pending[]>> {
  const out = new Map<number, Pending[]>();
  if (personIds.length === 0) return out;
  const res = await tx.query<Pending>(
    `SELECT id, person_id, field, value, base FROM outbox
     WHERE person_id = ANY($1::bigint[]) AND state = 'pending' AND op = 'update'`,
    [personIds],
  );
  for (const p of res.rows) {
    const list = out.get(Number(p.person_id)) ?? [];
    list.push(p);
    out.set(Number(p.person_id), list);
  }
  return out;
}

async function reconcile(
  tx: SqlClient,
  entity: PersonEntity,
  r: PeopleRecord,
  person: Known | null,
  pending: readonly Pending[],
  ctx: ApplyContext,
): Promise<{ record: PersonRecord; logged: number }> {
  if (person?.sync_stopped) {
    await tx.query('UPDATE persons SET sync_stopped = false WHERE id = $1', [person.id]);
  }
  if (pending.length === 0 || !person) return { record: r, logged: 0 };
  const fields = { ...r.fields };
  const done: number[] = [];
  let logged = 0;
  for (const p of pending) {
    if (!(p.field in fields)) continue;
    const incoming = fields[p.field];
    if (same(incoming, p.value)) {
      done.push(p.id); // Dynamics holds the local value: the write came back, or both agree
    } else if (same(incoming, p.base) || entity === 'lead') {
      delete fields[p.field]; // marketing's value stays and is sent
    } else {
      done.push(p.id);
      logged += await dynamicsWins(tx, person.id, p, incoming, ctx);
    }
  }
  if (done.length > 0) await tx.query('DELETE FROM outbox WHERE id = ANY($1::bigint[])', [done]);
  return { record: { ...r, fields }, logged };
}

/** A contact changed on both sides: the Dynamics value replaces the local one, and the log says so. */
export async function dynamicsWins(
  tx: SqlClient,
  personId: number,
  p: { field: string; value: unknown },
  incoming: unknown,
  ctx: { now: Date; runId?: number | null },
): Promise<number> {
  const json = JSON.stringify(incoming ?? null);
  await tx.query(
    `UPDATE persons SET fields = jsonb_set(fields, ARRAY[$2::text], $3::jsonb, true), updated_at = $4,
            email = CASE WHEN $2 = 'email' THEN $3::jsonb #>> '{}' ELSE email END
     WHERE id = $1`,
    [personId, p.field, json, ctx.now],
  );
  await tx.query(
    `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes, run_id)
     VALUES ($1, ${ActivityType.ChangeDataValue}, $2, $3,
             jsonb_build_object('field', $3::text, 'oldValue', $4::jsonb, 'newValue', $5::jsonb, 'source', 'dynamics',
               'entity', 'contact', 'reason', 'Changed in Dynamics and in the lead database: Dynamics wins for a contact; the local change was not sent'),
             $6)`,
    [personId, ctx.now, p.field, JSON.stringify(p.value ?? null), json, ctx.runId ?? null],
  );
  return 1;
}

async function stopSyncing(tx: SqlClient, person: Known, entity: PersonEntity, ctx: ApplyContext): Promise<number> {
  await tx.query(
    `UPDATE persons SET sync_stopped = true, fields = jsonb_set(fields, ARRAY[$2::text], 'false'::jsonb, true), updated_at = $3
     WHERE id = $1`,
    [person.id, SYNC_FILTER_FIELD, ctx.now],
  );
  await tx.query(
    `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes, run_id)
     VALUES ($1, ${ActivityType.ChangeDataValue}, $2, $3,
             jsonb_build_object('field', $3::text, 'oldValue', $4::jsonb, 'newValue', 'false'::jsonb, 'source', 'dynamics',
               'entity', $5::text, 'reason', 'Sync to Marketo is No in Dynamics: this person stopped syncing (kept, not updated)'),
             $6)`,
    [
      person.id,
      ctx.now,
      SYNC_FILTER_FIELD,
      JSON.stringify(person.fields[SYNC_FILTER_FIELD] ?? null),
      entity,
      ctx.runId,
    ],
  );
  return 1;
}

/**
 * Versions (the next write's If-Match), the lead id, and the full read's generation for every row's
 * person; the created date too when unknown (a pushed person whose create echo arrives first).
 */
async function markSeen(
  tx: SqlClient,
  entity: PersonEntity,
  seen: readonly PeopleRecord[],
  ctx: ApplyContext,
): Promise<void> {
  if (seen.length === 0) return;
  await tx.query(
    `UPDATE persons p SET
       dynamics_version = GREATEST(coalesce(p.dynamics_version, 0), coalesce(s.version, 0)),
       seen_generation = $4,
       dynamics_created_on = coalesce(p.dynamics_created_on, s.created_on),
       dynamics_lead_id = coalesce(p.dynamics_lead_id, CASE WHEN $5 = 'lead' THEN s.id ELSE
         (SELECT s.lead_id WHERE NOT EXISTS (SELECT 1 FROM persons x WHERE x.dynamics_lead_id = s.lead_id)) END)
     FROM unnest($1::uuid[], $2::bigint[], $3::uuid[], $6::timestamptz[]) AS s(id, version, lead_id, created_on)
     WHERE p.dynamics_id = s.id`,
    [
      seen.map((r) => r.id),
      seen.map((r) => r.version),
      seen.map((r) => r.originatingLeadId),
      ctx.generation,
      entity,
      seen.map((r) => r.createdOn),
    ],
  );
}
