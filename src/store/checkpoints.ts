/**
 * One checkpoint per stream (table): where its read stands (a nextLink mid-read, the deltaLink
 * between cycles). Saved in the same transaction as the page it follows, so a crash resumes from
 * the last committed page.
 *
 * Every write bumps `version` and names the version it read: a runner holding a stale checkpoint
 * gets CheckpointConflictError instead of silently rewinding another runner's progress.
 */
import type { SqlClient } from './db/types.js';
import { CheckpointConflictError } from './errors.js';

export type CheckpointPhase = 'initial' | 'delta';

export interface CheckpointState {
  readonly stream: string;
  readonly phase: CheckpointPhase;
  readonly link: string | null;
  readonly generation: number;
  readonly selectHash: string;
  readonly blockedReason: string | null;
}

export interface Checkpoint extends CheckpointState {
  readonly version: number;
  readonly updatedAt: Date;
}

interface CheckpointRow {
  stream: string;
  phase: CheckpointPhase;
  link: string | null;
  generation: number;
  select_hash: string;
  version: number;
  blocked_reason: string | null;
  updated_at: Date;
}

const toCheckpoint = (r: CheckpointRow): Checkpoint => ({
  stream: r.stream,
  phase: r.phase,
  link: r.link,
  generation: r.generation,
  selectHash: r.select_hash,
  version: r.version,
  blockedReason: r.blocked_reason,
  updatedAt: r.updated_at,
});

export async function getCheckpoint(c: SqlClient, stream: string): Promise<Checkpoint | null> {
  const r = await c.query<CheckpointRow>('SELECT * FROM checkpoints WHERE stream = $1', [stream]);
  return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
}

export async function listCheckpoints(c: SqlClient): Promise<Checkpoint[]> {
  const r = await c.query<CheckpointRow>('SELECT * FROM checkpoints ORDER BY stream');
  return r.rows.map(toCheckpoint);
}

const INSERT = `
INSERT INTO checkpoints (stream, phase, link, generation, select_hash, blocked_reason, version)
VALUES ($1, $2, $3, $4, $5, $6, 1) ON CONFLICT (stream) DO NOTHING RETURNING *`;

const UPDATE = `
UPDATE checkpoints SET phase = $2, link = $3, generation = $4, select_hash = $5, blocked_reason = $6,
  version = version + 1, updated_at = now()
WHERE stream = $1 AND version = $7 RETURNING *`;

/**
 * Saves the state. `expectedVersion` is the version read (null: the stream has no checkpoint yet).
 * Returns the stored checkpoint, whose version the next save must name.
 */
export async function saveCheckpoint(
  c: SqlClient,
  state: CheckpointState,
  expectedVersion: number | null,
): Promise<Checkpoint> {
  const values = [state.stream, state.phase, state.link, state.generation, state.selectHash, state.blockedReason];
  const r =
    expectedVersion === null
      ? await c.query<CheckpointRow>(INSERT, values)
      : await c.query<CheckpointRow>(UPDATE, [...values, expectedVersion]);
  if (!r.rows[0]) throw new CheckpointConflictError(state.stream, expectedVersion);
  return toCheckpoint(r.rows[0]);
}

const RESET = `
INSERT INTO checkpoints (stream, phase, link, generation, select_hash, version)
VALUES ($1, 'initial', NULL, 1, $2, 1)
ON CONFLICT (stream) DO UPDATE SET phase = 'initial', link = NULL, generation = checkpoints.generation + 1,
  select_hash = EXCLUDED.select_hash, version = checkpoints.version + 1, updated_at = now()
WHERE $3::int IS NULL OR checkpoints.version = $3
RETURNING *`;

/**
 * Starts a new full read of the stream: phase 'initial', no link, the next generation (rows the
 * read does not see keep an older one and are marked deleted afterwards). With `expectedVersion`
 * it is optimistic like saveCheckpoint; without, it is an unconditional (admin) reset.
 */
export async function resetStream(
  c: SqlClient,
  stream: string,
  selectHash: string,
  expectedVersion?: number,
): Promise<Checkpoint> {
  const r = await c.query<CheckpointRow>(RESET, [stream, selectHash, expectedVersion ?? null]);
  if (!r.rows[0]) throw new CheckpointConflictError(stream, expectedVersion ?? null);
  return toCheckpoint(r.rows[0]);
}

// A stream blocked before its first read still needs a row to carry the reason; its empty
// select hash matches no selection, so unblocking it leads to a full read.
const SET_BLOCKED = `
INSERT INTO checkpoints (stream, phase, link, generation, select_hash, blocked_reason, version)
VALUES ($1, 'initial', NULL, 1, '', $2, 1)
ON CONFLICT (stream) DO UPDATE SET blocked_reason = EXCLUDED.blocked_reason,
  version = checkpoints.version + 1, updated_at = now()
RETURNING *`;

const CLEAR_BLOCKED = `
UPDATE checkpoints SET blocked_reason = NULL, version = version + 1, updated_at = now()
WHERE stream = $1 AND blocked_reason IS NOT NULL RETURNING *`;

/** Stops a stream until clearBlocked. Bumps the version: a runner mid-read must notice. */
export async function setBlocked(c: SqlClient, stream: string, reason: string): Promise<Checkpoint> {
  const r = await c.query<CheckpointRow>(SET_BLOCKED, [stream, reason]);
  return toCheckpoint(r.rows[0] as CheckpointRow);
}

/** Lets a stopped stream run again. Returns null (and changes nothing) when it was not blocked. */
export async function clearBlocked(c: SqlClient, stream: string): Promise<Checkpoint | null> {
  const r = await c.query<CheckpointRow>(CLEAR_BLOCKED, [stream]);
  return r.rows[0] ? toCheckpoint(r.rows[0]) : null;
}

const ADOPT_SELECTION = `
UPDATE checkpoints SET select_hash = $3, link = $4, version = version + 1, updated_at = now()
WHERE stream = $1 AND select_hash = $2 AND phase = 'delta' AND blocked_reason IS NULL AND link = $5 RETURNING *`;

/**
 * Keeps a table's delta read across a new selection (quick sync, issue 11): the checkpoint takes
 * the new selection's hash, and its deltaLink the new `$select` (`to.link`, built from
 * `from.link`), instead of starting a full read. Only from what the table was read with and in
 * phase delta; false when not adopted (the usual full read follows). Bumps the version: a runner
 * mid-read with the old selection fails its next commit rather than writing the old hash back.
 */
export async function adoptSelection(
  c: SqlClient,
  stream: string,
  from: { hash: string; link: string },
  to: { hash: string; link: string },
): Promise<boolean> {
  return (await c.query(ADOPT_SELECTION, [stream, from.hash, to.hash, to.link, from.link])).rowCount > 0;
}
