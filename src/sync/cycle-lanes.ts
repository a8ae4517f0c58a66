/**
 * Tables read at once during a full read (issue 12 §4). A lane's tables read one after another;
 * lanes read at once; the Dataverse throttle, shared by every request of the sync user, keeps the
 * total inside the three service protection limits.
 *
 * Which tables may overlap, and why:
 * - users, accounts and people are independent: the appliers link them by Dynamics id at read time
 *   (`persons.account_dynamics_id` → companies, `owner_dynamics_id` → sales persons), so a contact
 *   stored before its account links as soon as the account is stored, and an owner likewise. An
 *   account's Change Data Value fans out to the persons stored when its page commits; with the
 *   people read beside it, that is the outcome of one order or the other, both of which a
 *   sequential cycle can produce (and in a first read accounts are inserts: nothing fans out).
 * - contacts and leads share one lane, in that order: both write `persons`, and qualification (a
 *   contact whose originatingleadid is a lead's person takes that person over) needs the other
 *   table's person committed, not in a transaction beside it, or two persons would be made for
 *   one human.
 * - opportunities (their changes fan out to contact-role people) and connections (synced only when
 *   opportunities succeeded in the same cycle) stay after the lanes, as do custom tables (their
 *   records link to persons and companies, level 1 before level 2).
 * A cycle where every table is already read by delta stays sequential: it is a few requests.
 */
import type { SyncEntity } from '../domain/index.js';
import type { EntityPlan } from '../mapping/index.js';
import { getCheckpoint } from '../store/checkpoints.js';
import type { Db } from '../store/db/types.js';
import type { StreamResult } from './stream.js';

export const LANES: readonly (readonly SyncEntity[])[] = [['systemuser'], ['account'], ['contact', 'lead']];

export const inLanes = (entity: SyncEntity): boolean => LANES.some((l) => l.includes(entity));

/** Whether one of the tables is due a full read (no checkpoint, phase initial, or a new selection). */
export async function fullReadDue(db: Db, plans: readonly EntityPlan[]): Promise<boolean> {
  for (const plan of plans) {
    const cp = await getCheckpoint(db, plan.entity);
    if (cp?.blockedReason) continue;
    if (!cp || cp.phase !== 'delta' || cp.selectHash !== plan.selectHash) return true;
  }
  return false;
}

/** Runs the lanes at once; the results in the order of `plans` (the cycle order). */
export async function runLanes(
  plans: readonly EntityPlan[],
  sync: (plan: EntityPlan) => Promise<StreamResult>,
  signal?: AbortSignal,
): Promise<StreamResult[]> {
  const done = new Map<string, StreamResult>();
  await Promise.all(
    LANES.map(async (lane) => {
      for (const entity of lane) {
        const plan = plans.find((p) => p.entity === entity);
        if (!plan || signal?.aborted) continue;
        done.set(entity, await sync(plan));
      }
    }),
  );
  return plans.flatMap((p) => done.get(p.entity) ?? []);
}
