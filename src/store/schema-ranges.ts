/**
 * Key-range reads (issue 12 §4): a large table's full read split into primary-key ranges read at
 * once. `range_reads` holds the delta link secured before the ranges started (one row per table
 * while its ranged read runs); `range_cursors` one row per range with its own nextLink, committed
 * in the transaction of the range's page like a checkpoint. drizzle-kit reads this file too.
 */
import { boolean, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { ts } from './schema.js';

export const rangeReads = pgTable('range_reads', {
  stream: text('stream').primaryKey(),
  /** The checkpoint generation the ranges belong to: another generation's ranges are stale. */
  generation: integer('generation').notNull(),
  /** The checkpoint version the ranges started from: a reset or block since makes them stale. */
  checkpointVersion: integer('checkpoint_version').notNull(),
  /** The deltaLink of the id-only tracked read, with the table's full `$select`. */
  deltaLink: text('delta_link').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const rangeCursors = pgTable(
  'range_cursors',
  {
    stream: text('stream').notNull(),
    idx: integer('idx').notNull(),
    /** Lowest key (inclusive); null for the first range. */
    lo: text('lo'),
    /** Highest key (exclusive); null for the last range. */
    hi: text('hi'),
    /** The nextLink to resume from; null before the first page. */
    link: text('link'),
    done: boolean('done').notNull().default(false),
    rowsRead: integer('rows_read').notNull().default(0),
    /** Optimistic lock, as checkpoints have. */
    version: integer('version').notNull().default(1),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.stream, t.idx] })],
);
