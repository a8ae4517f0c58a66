/**
 * Keeps a syncing process's heap near its live data. A sync allocates a page's worth of short-lived
 * objects (the response text, parsed rows, mapped records, COPY rows) every page, and V8 lets the
 * old generation grow to about three times the live data before a full collection: measured on the
 * medium seed, 60–70 MB live gave a 300 MB peak RSS. Capping the heap with
 * `--max-old-space-size=96` gave 181 MB at the same speed, so the memory was garbage, not data.
 * Node flags cannot be set by an installed command, so instead, between pages (when the previous
 * page is garbage), a full collection runs once the heap's used size passes the budget and is mostly
 * garbage. It never fails the way a hard heap limit would; a budget of 0 turns it off.
 *
 * It lives in config/, beside its setting (DYNASYNC_HEAP_BUDGET_MB) and the logger, because every
 * syncing process needs it: the CLI, the bench's sync child, later workers; config is public to all.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined;

/** V8's `gc()`, exposed once at run time (the same function `--expose-gc` gives). */
function fullCollection(): () => void {
  if (!collect) {
    setFlagsFromString('--expose-gc');
    collect = runInNewContext('gc') as () => void;
  }
  return collect;
}

/**
 * Collects when the used heap passes the budget and at least half of it is garbage (more than
 * twice what survived the last collection). The second condition keeps a process whose live data
 * is large on its own (the demo holds its emulator's tables in the same heap) from collecting that
 * data again after every page.
 */
export function heapRelief(budgetMb: number): () => void {
  if (budgetMb <= 0) return () => undefined;
  const budget = budgetMb * 1024 * 1024;
  const gc = fullCollection();
  let live = 0;
  return () => {
    const used = getHeapStatistics().used_heap_size;
    if (used <= budget || used <= 2 * live) return;
    gc();
    live = getHeapStatistics().used_heap_size;
  };
}

/** A sync's page hook with heap relief before it: between pages, the previous page is garbage. */
export function relievingHeap<E>(budgetMb: number, onPage: (e: E) => void): (e: E) => void {
  const relieve = heapRelief(budgetMb);
  return (e) => {
    relieve();
    onPage(e);
  };
}
