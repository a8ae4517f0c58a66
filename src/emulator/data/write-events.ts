/**
 * What a committed write tells the event pipeline (webhooks/): the message, the row, who wrote it,
 * and the Target's attributes captured at the time of the write (an asynchronous step delivered
 * later still carries the values of its own write, as Dataverse's queued context does).
 */
import type { ColumnType } from '../schema/types.js';
import { LookupColumn } from './columns.js';
import type { TableStore } from './table-store.js';

export type WriteMessage = 'Create' | 'Update' | 'Delete';

export interface EventAttribute {
  readonly name: string;
  readonly type: ColumnType;
  readonly value: unknown;
  /** Lookups: the table the id points to. */
  readonly target?: string | null;
}

export interface WriteEvent {
  readonly message: WriteMessage;
  readonly table: string;
  readonly id: string;
  readonly userId: string;
  /** Emulator time of the write, ms since the epoch. */
  readonly at: number;
  /** The columns the write set (Update: only those; Create: every non-null column; Delete: none). */
  readonly attributes: readonly EventAttribute[];
}

/** Registered by the webhook service; `wants` keeps writes without a step from capturing anything. */
export interface WriteSink {
  wants(table: string, message: WriteMessage): boolean;
  emit(event: WriteEvent): void;
}

/** Columns Dataverse sets on every update and puts in the Target beside what the caller sent. */
const STAMPS = ['modifiedon', 'modifiedby'];

export function captureAttributes(
  store: TableStore,
  row: number,
  message: WriteMessage,
  names: readonly string[],
): EventAttribute[] {
  if (message === 'Delete') return [];
  const wanted =
    message === 'Create'
      ? [...store.columns.keys()]
      : [...new Set([...names, ...STAMPS])].filter((n) => store.column(n));
  const out: EventAttribute[] = [];
  for (const name of wanted) {
    const col = store.column(name)!;
    const value = col.get(row);
    if (message === 'Create' && (value === null || value === undefined)) continue;
    const target = col instanceof LookupColumn ? col.target(row) : undefined;
    out.push({ name, type: col.def.type, value, ...(target !== undefined ? { target } : {}) });
  }
  return out;
}
