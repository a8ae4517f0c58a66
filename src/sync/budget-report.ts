/**
 * The Dataverse budget the runner is spending, for status, /metrics and the UI. The governor's
 * figures live in the runner's memory; every few seconds while `run` is up they are saved to the
 * lead database (one settings row), so `dynasync status`, `serve` and a second process on
 * PostgreSQL read the same figures. A sample older than its window says nothing of the current one.
 */
import type { BudgetSnapshot } from '../dataverse/index.js';
import type { Db } from '../store/db/types.js';
import { getSetting, setSetting } from '../store/settings-repo.js';

const KEY = 'dataverse_budget';

export interface BudgetStatus extends BudgetSnapshot {
  readonly sampledAt: string;
  /** The sample is within its window of now: the figures are the current window's. */
  readonly current: boolean;
}

export interface BudgetSource {
  budget?(): BudgetSnapshot;
}

export async function saveBudget(db: Db, snapshot: BudgetSnapshot, at = new Date()): Promise<void> {
  await setSetting(db, KEY, { ...snapshot, sampledAt: at.toISOString() });
}

export async function loadBudget(db: Db, now = new Date()): Promise<BudgetStatus | null> {
  const saved = await getSetting<BudgetSnapshot & { sampledAt: string }>(db, KEY);
  if (!saved) return null;
  const age = now.getTime() - new Date(saved.sampledAt).getTime();
  return { ...saved, current: age >= 0 && age < saved.windowMs };
}

/** Saves the source's budget every `everyMs` (and once at stop); a failed save waits for the next tick. */
export function startBudgetReporter(
  db: Db,
  source: () => BudgetSource | null,
  everyMs = 5_000,
): { stop(): Promise<void> } {
  let last = '';
  let saving: Promise<void> = Promise.resolve();
  const tick = () => {
    const snapshot = source()?.budget?.();
    if (!snapshot) return;
    const text = JSON.stringify(snapshot);
    if (text === last) return; // nothing spent or freed since the last save
    last = text;
    saving = saving.then(() => saveBudget(db, snapshot)).catch(() => undefined);
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      tick();
      await saving;
    },
  };
}
