/**
 * A large table's full read in primary-key ranges (issue 12 §4). The read starts with one
 * transaction (`startRangeRead`): the delta link secured by the id-only tracked read and one cursor
 * per range. Each range page then commits its cursor (`advanceRange`) in the page's transaction,
 * with the version checks checkpoints have: the range's own, and the table checkpoint's, held with
 * FOR SHARE so a reset or a block of the table cannot slip in between. The table checkpoint itself
 * stays in phase 'initial' at the version the ranges started from until `finishRangeRead`.
 */
import type { SqlClient } from './db/types.js';
import { CheckpointConflictError } from './errors.js';

export interface RangeRead {
  readonly stream: string;
  readonly generation: number;
  readonly checkpointVersion: number;
  readonly deltaLink: string;
}

export interface RangeCursor {
  readonly stream: string;
  readonly idx: number;
  readonly lo: string | null;
  readonly hi: string | null;
  readonly link: string | null;
  readonly done: boolean;
  readonly rowsRead: number;
  readonly version: number;
}

interface ReadRow {
  stream: string;
  generation: number;
  checkpoint_version: number;
  delta_link: string;
}
interface CursorRow {
  stream: string;
  idx: number;
  lo: string | null;
  hi: string | null;
  link: string | null;
  done: boolean;
  rows_read: number;
  version: number;
}

const toCursor = (r: CursorRow): RangeCursor => ({
  stream: r.stream,
  idx: r.idx,
  lo: r.lo,
  hi: r.hi,
  link: r.link,
  done: r.done,
  rowsRead: r.rows_read,
  version: r.version,
});

/** The ranged read in progress for the stream, with its cursors in key order; null when none. */
export async function getRangeRead(
  c: SqlClient,
  stream: string,
): Promise<{ read: RangeRead; cursors: RangeCursor[] } | null> {
  const r = await c.query<ReadRow>('SELECT * FROM range_reads WHERE stream = $1', [stream]);
  const row = r.rows[0];
  if (!row) return null;
  const cursors = await c.query<CursorRow>('SELECT * FROM range_cursors WHERE stream = $1 ORDER BY idx', [stream]);
  return {
    read: {
      stream: row.stream,
      generation: row.generation,
      checkpointVersion: row.checkpoint_version,
      deltaLink: row.delta_link,
    },
    cursors: cursors.rows.map(toCursor),
  };
}

/** Forgets the stream's ranged read (stale, or finished). */
export async function dropRangeRead(c: SqlClient, stream: string): Promise<void> {
  await c.query('DELETE FROM range_cursors WHERE stream = $1', [stream]);
  await c.query('DELETE FROM range_reads WHERE stream = $1', [stream]);
}

/**
 * Starts a ranged read: `bounds` are the keys between ranges (k bounds make k + 1 ranges, the
 * first open below, the last open above). Replaces any earlier ranged read of the stream.
 */
export async function startRangeRead(
  tx: SqlClient,
  read: RangeRead,
  bounds: readonly string[],
): Promise<RangeCursor[]> {
  await holdCheckpoint(tx, read.stream, read.checkpointVersion);
  await dropRangeRead(tx, read.stream);
  await tx.query(
    'INSERT INTO range_reads (stream, generation, checkpoint_version, delta_link) VALUES ($1, $2, $3, $4)',
    [read.stream, read.generation, read.checkpointVersion, read.deltaLink],
  );
  const los = [null, ...bounds];
  const his = [...bounds, null];
  const r = await tx.query<CursorRow>(
    `INSERT INTO range_cursors (stream, idx, lo, hi)
     SELECT $1, i - 1, lo, hi FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS b(lo, hi, i)
     RETURNING *`,
    [read.stream, los, his],
  );
  return r.rows.map(toCursor).sort((a, b) => a.idx - b.idx);
}

/**
 * Commits a range's progress in the page's transaction: its nextLink, or done. Fails with
 * CheckpointConflictError when the range or the table checkpoint moved since it was read.
 */
export async function advanceRange(
  tx: SqlClient,
  cursor: RangeCursor,
  checkpointVersion: number,
  next: { link: string | null; rows: number },
): Promise<RangeCursor> {
  await holdCheckpoint(tx, cursor.stream, checkpointVersion);
  const r = await tx.query<CursorRow>(
    `UPDATE range_cursors SET link = $3, done = $4, rows_read = rows_read + $5, version = version + 1,
       updated_at = now()
     WHERE stream = $1 AND idx = $2 AND version = $6 RETURNING *`,
    [cursor.stream, cursor.idx, next.link, next.link === null, next.rows, cursor.version],
  );
  if (!r.rows[0]) throw new CheckpointConflictError(`${cursor.stream} range ${cursor.idx}`, cursor.version);
  return toCursor(r.rows[0]);
}

/** The table checkpoint, still at `version`, share-locked until the transaction ends. */
async function holdCheckpoint(tx: SqlClient, stream: string, version: number): Promise<void> {
  const r = await tx.query<{ version: number }>('SELECT version FROM checkpoints WHERE stream = $1 FOR SHARE', [
    stream,
  ]);
  if (r.rows[0]?.version !== version) throw new CheckpointConflictError(stream, version);
}
