/** The sync's heap relief (config/heap.ts) and its setting, DYNASYNC_HEAP_BUDGET_MB. */
import { getHeapStatistics } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { ConfigError, heapRelief, loadConfig } from '../../src/config/index.js';

const used = () => getHeapStatistics().used_heap_size;

/** About 40 MB (for 200,000) of objects that are garbage once this returns (as a stored page's rows are). */
function garbage(count = 200_000): number {
  let rows: { id: string; fields: Record<string, unknown> }[] = [];
  for (let i = 0; i < count; i++) rows.push({ id: `row-${i}`, fields: { name: `name ${i}`, n: i } });
  const n = rows.length;
  rows = [];
  return n;
}

describe('heapRelief', () => {
  it('collects the garbage of past pages once the used heap passes the budget', () => {
    const relieve = heapRelief(1);
    expect(garbage()).toBe(200_000);
    const before = used();
    relieve();
    expect(used()).toBeLessThan(before - 10 * 1024 * 1024);
  });

  it('does not collect again while the heap is mostly live data (the demo holds its emulator in the same heap)', () => {
    const relieve = heapRelief(1);
    const kept: string[][] = [];
    for (let i = 0; i < 200; i++) kept.push(Array.from({ length: 1000 }, (_, j) => `live ${i} ${j}`));
    relieve(); // collects: nothing is known to be live yet
    garbage(50_000); // ~10 MB, less than what is live
    const before = used();
    relieve(); // the garbage is less than the live data: no full collection
    expect(used()).toBeGreaterThan(before - 5 * 1024 * 1024);
    expect(kept).toHaveLength(200);
  });

  it('does nothing under the budget, or with a budget of 0', () => {
    const calls = [heapRelief(0), heapRelief(64 * 1024)];
    for (const relieve of calls) {
      garbage();
      const before = used();
      relieve();
      // No full collection ran: the garbage is still counted (a scavenge may free a little).
      expect(used()).toBeGreaterThan(before - 10 * 1024 * 1024);
    }
  });
});

describe('DYNASYNC_HEAP_BUDGET_MB', () => {
  it('defaults to 128 MB, accepts 0 (off) and refuses what is not a size', () => {
    expect(loadConfig({}).heapBudgetMb).toBe(128);
    expect(loadConfig({ DYNASYNC_HEAP_BUDGET_MB: '0' }).heapBudgetMb).toBe(0);
    expect(() => loadConfig({ DYNASYNC_HEAP_BUDGET_MB: '-5' })).toThrow(ConfigError);
    expect(() => loadConfig({ DYNASYNC_HEAP_BUDGET_MB: 'lots' })).toThrow(/DYNASYNC_HEAP_BUDGET_MB/);
  });
});
