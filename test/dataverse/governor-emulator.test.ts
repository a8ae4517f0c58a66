/**
 * The governor against the emulator with its cost model on and small limits, so they bite: a burst
 * of page reads far over the execution-time budget of one window completes without a single 429
 * when the client knows the limits, and the same burst draws 429s from a client that believes it
 * has Dataverse's default budget (so the test proves the governor, not a lenient emulator).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/config/index.js';
import { DataverseClient, type DataverseLimits } from '../../src/dataverse/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin } from '../../src/emulator/faults/admin.js';

const LIMITS: DataverseLimits = { requests: 200, executionMs: 1500, concurrent: 4, windowMs: 3000 };
let emu: EmulatorHandle | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

function client(e: EmulatorHandle, limits?: Partial<DataverseLimits>, throttledRetries = 100): DataverseClient {
  return new DataverseClient({
    settings: {
      orgUrl: e.url,
      authKind: 'password',
      username: 'sync@contoso.test',
      password: 'Passw0rd!',
      clientId: 'dynasync-local',
      tenant: 'contoso',
      authority: e.url,
    },
    logger: silentLogger(),
    maxPageSize: 50,
    throttle: { budget: { limits } },
    retry: { initialDelayMs: 10, maxDelayMs: 50, maxThrottledRetries: throttledRetries },
  });
}

/**
 * `n` first pages of accounts at once: 50 rows × 3 columns, 40 + 5 + 7.5 = 52.5 ms of server time
 * each. The first failure cancels the rest.
 */
async function burst(c: DataverseClient, n: number): Promise<number> {
  const stop = new AbortController();
  const select = ['name', 'telephone1', 'address1_city'];
  const one = async () => {
    try {
      for await (const page of c.readPages({
        entity: 'account',
        entitySet: 'accounts',
        select,
        link: null,
        signal: stop.signal,
      }))
        return page.rows.length;
      return 0;
    } catch (e) {
      stop.abort(e);
      throw e;
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: n }, one));
  const failed = settled.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.reduce((a, r) => a + (r.status === 'fulfilled' ? r.value : 0), 0);
}

const startCosted = async () => {
  emu = await startEmulator({
    port: 0,
    seed: 'small',
    costModel: { baseMs: 40, perRowMs: 0.1, perCellMs: 0.05 },
    limits: LIMITS,
  });
  return emu;
};

describe('throttle governor against the cost model', () => {
  it('spends more than a window of execution time without drawing a 429', async () => {
    const e = await startCosted();
    const c = client(e, LIMITS);
    // 60 × 52.5 ms = 3,150 ms of server time: over two windows' budget of 1,500 ms.
    expect(await burst(c, 60)).toBe(60 * 50);
    expect(c.requestStats().throttledResponses).toBe(0);
    const charged = Object.values(createAdmin(e.ctx).executionMsByUser()).reduce((a, b) => a + b, 0);
    expect(charged).toBeGreaterThan(3000);
    const budget = c.budget();
    expect(budget.concurrent.limit).toBe(3);
    expect(budget.executionMs.limit).toBe(1425);
    expect(budget.executionMs.used).toBeGreaterThan(0);
    expect(budget.server?.executionMsRemaining).not.toBeNull();
  });

  it('the same burst draws 429s from a client that believes it has the default budget', async () => {
    const e = await startCosted();
    const c = client(e, undefined, 0);
    await expect(burst(c, 60)).rejects.toThrow(/limit/);
    expect(c.requestStats().throttledResponses).toBeGreaterThan(0);
  });
});
