/**
 * Faults (issue 6 item 2): the emulator's fault API breaks the Web API under a real sync (in
 * process, real HTTP, real store): 429 storms, 500/503, connection resets, slow pages, a malformed
 * page, the access token revoked mid-sync, delta tokens expired, and service protection limits.
 * Each cycle must end with the lead database equal to Dynamics, every injected fault consumed, and
 * status / sync errors / logs telling what happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CYCLE_ORDER } from '../../src/domain/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin, type EmulatorAdmin } from '../../src/emulator/faults/admin.js';
import type { FaultSpec } from '../../src/emulator/faults/queue.js';
import { describeMismatches } from './helpers/compare.js';
import { EngineHarness } from './helpers/engine.js';
import { FULL } from './helpers/mode.js';
import { recordFigures } from './helpers/report.js';

const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 200 };
/** 429s in a row in the storm: each costs its 1-second Retry-After. */
const STORM = FULL ? 15 : 3;
const injected: Record<string, number> = {};

let emu: EmulatorHandle;
let admin: EmulatorAdmin;
let h: EngineHarness;

function inject(spec: FaultSpec): void {
  admin.injectFault(spec);
  injected[spec.kind] = (injected[spec.kind] ?? 0) + (spec.count ?? 1);
}

/** A rep edits `n` contacts (and one account), so the next cycle has pages to read. */
async function repEdits(tag: string, n: number): Promise<void> {
  const ids = emu.ctx.data.ids('contact', n);
  for (const [i, id] of ids.entries()) await h.rep.update('contacts', id, { jobtitle: `${tag} ${i}` });
  await h.rep.update('accounts', emu.ctx.data.ids('account', 1)[0]!, { address1_city: `${tag} City` });
}

async function expectInSync(): Promise<void> {
  const c = await h.compare();
  expect(c.mismatches, describeMismatches(c.mismatches)).toEqual([]);
  expect(c.records).toBeGreaterThan(2000);
  expect(admin.pendingFaults(), 'every injected fault was met by the sync').toEqual([]);
}

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
  admin = createAdmin(emu.ctx);
  h = await EngineHarness.create(emu, { pageSize: 200, retry: FAST_RETRY, timeoutMs: 1500 });
});

afterAll(async () => {
  await h?.close();
  await emu?.close();
  recordFigures('faults', { faultsInjected: injected, total: Object.values(injected).reduce((a, b) => a + b, 0) });
});

describe('faults during a sync (one lead database, cycle after cycle)', () => {
  it('a 429 storm in the initial sync: each Retry-After is waited out, nothing is sent meanwhile, no extra request', async () => {
    const mark = h.traffic.mark();
    inject({ kind: '429', count: STORM, retryAfterSeconds: 1, entitySet: 'contacts' });
    const r = await h.cycle();
    expect(r.status).toBe('success');
    expect(h.traffic.withStatus(429, mark)).toHaveLength(STORM);
    expect(h.traffic.retryAfterViolations(mark)).toEqual([]);
    const contactPages = r.tables.find((t) => t.entity === 'contact')!.pages;
    const contactGets = h.traffic.since(mark).filter((e) => e.path.startsWith('contacts')).length;
    expect(contactGets, 'one retry per 429, no hammering').toBe(contactPages + STORM);
    expect(h.client.requestStats().throttledResponses).toBe(STORM);
    expect(h.logs.messages('retrying Dataverse request').filter((l) => l.kind === 'throttled')).toHaveLength(STORM);
    await expectInSync();
  });

  it('500 and 503 answers are retried, a 503 only after its Retry-After', async () => {
    await repEdits('fault-5xx', 20);
    const mark = h.traffic.mark();
    inject({ kind: '500', count: 2, entitySet: 'contacts' });
    inject({ kind: '503', count: 2, retryAfterSeconds: 1, entitySet: 'accounts' });
    const r = await h.cycle();
    expect(r.status).toBe('success');
    expect(h.traffic.withStatus(500, mark)).toHaveLength(2);
    expect(h.traffic.withStatus(503, mark)).toHaveLength(2);
    expect(h.traffic.retryAfterViolations(mark)).toEqual([]);
    await expectInSync();
  });

  it('connection resets are retried', async () => {
    await repEdits('fault-reset', 20);
    const mark = h.traffic.mark();
    inject({ kind: 'reset', count: 3, entitySet: 'contacts' });
    expect((await h.cycle()).status).toBe('success');
    expect(h.traffic.withStatus('no response', mark)).toHaveLength(3);
    await expectInSync();
  });

  it('slow pages are waited for, and one slower than the request timeout is retried', async () => {
    await repEdits('fault-slow', 20);
    const mark = h.traffic.mark();
    inject({ kind: 'slow', count: 2, delayMs: 500, entitySet: 'accounts' });
    inject({ kind: 'slow', count: 1, delayMs: 2500, entitySet: 'contacts' });
    expect((await h.cycle()).status).toBe('success');
    expect(h.traffic.withStatus('no response', mark), 'the 2.5 s page timed out once').toHaveLength(1);
    expect(
      h.logs
        .entries()
        .some((l) => l.msg === 'retrying Dataverse request' && String(l.reason).includes('within 1500 ms')),
    ).toBe(true);
    await expectInSync();
  });

  it('a malformed page is read again, never half-applied', async () => {
    await repEdits('fault-malformed', 20);
    inject({ kind: 'malformed', count: 2, entitySet: 'contacts' });
    expect((await h.cycle()).status).toBe('success');
    expect(
      h.logs.entries().filter((l) => l.msg === 'retrying Dataverse request' && /malformed/i.test(String(l.reason)))
        .length,
    ).toBeGreaterThanOrEqual(2);
    await expectInSync();
  });

  it('an access token revoked mid-sync: one 401, a new sign-in, the sync goes on', async () => {
    await repEdits('fault-token', 450); // three contact pages of changes
    const mark = h.traffic.mark();
    let revoked = 0;
    const r = await h.cycle({
      onPage: (e) => {
        if (e.entity === 'contact' && revoked++ === 0) admin.expireAccessTokens();
      },
    });
    expect(r.status).toBe('success');
    expect(r.tables.find((t) => t.entity === 'contact')!.pages).toBeGreaterThanOrEqual(2);
    expect(h.traffic.withStatus(401, mark)).toHaveLength(1);
    expect(h.logs.messages('Dataverse refused the access token; signing in again').length).toBeGreaterThanOrEqual(1);
    await expectInSync();
  });

  it('a fault outlasting the retry budget fails that table only, shows in sync errors and status, and the next cycle recovers', async () => {
    await repEdits('fault-budget', 20);
    inject({ kind: '500', count: 6, entitySet: 'contacts' }); // 1 try + 5 retries
    const failed = await h.cycle();
    expect(failed.status).toBe('partial');
    expect(failed.tables.map((t) => [t.entity, t.status])).toEqual([
      ['systemuser', 'success'],
      ['account', 'success'],
      ['contact', 'failed'],
      ['lead', 'success'],
      ['opportunity', 'success'],
      ['connection', 'success'],
    ]);
    const errors = await h.syncErrors();
    expect(errors.at(-1)).toMatchObject({ entity: 'contact', operation: 'read', recordId: null });
    expect(errors.at(-1)!.message).toMatch(/500|SQL|server/i);
    let status = await h.status();
    expect(h.tableStatus(status, 'contact').lastCycle?.status).toBe('failed');
    expect(h.tableStatus(status, 'contact').lastError?.code).toBe(errors.at(-1)!.code);

    const recovered = await h.cycle();
    expect(recovered.status).toBe('success');
    status = await h.status();
    expect(h.tableStatus(status, 'contact').lastCycle?.status).toBe('success');
    expect(h.tableStatus(status, 'contact').pendingChanges).toBe(0);
    await expectInSync();
  });

  it('expired delta tokens re-baseline every table by itself, deletes included, and the run says why', async () => {
    const gone = emu.ctx.data.ids('contact', 3);
    for (const id of gone) await h.rep.remove('contacts', id);
    await repEdits('fault-delta', 10);
    injected['expired delta tokens'] = 1;
    admin.expireDeltaTokens();
    const r = await h.cycle();
    expect(r.status).toBe('success');
    for (const t of r.tables) {
      expect(t.fullRead).toBe(true);
      expect(t.rebaselined).toMatch(/expired|full sync/i);
    }
    const notes = await h.db.query<{ notes: { table: string; message: string }[] }>(
      'SELECT notes FROM sync_runs WHERE id = $1',
      [r.runId],
    );
    expect(notes.rows[0]!.notes.map((n) => n.table).sort()).toEqual([...CYCLE_ORDER].sort());
    const snap = await h.snapshot();
    for (const id of gone) expect(snap.persons.get(id)?.deleted).toBe(true);
    await expectInSync();
  });
});

describe('service protection limits', () => {
  it('a throttle set inside the limits (by a margin like the default one) never meets a 429', async () => {
    const own = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
    createAdmin(own.ctx).setLimits({ requests: 24, windowMs: 1000, concurrent: 3 });
    const lim = await EngineHarness.create(own, {
      pageSize: 100,
      throttle: { maxRequestsPerWindow: 20, windowMs: 1000, maxConcurrent: 2 },
    });
    try {
      const r = await lim.cycle();
      expect(r.status).toBe('success');
      expect(lim.traffic.exchanges.length, 'enough requests to need several windows').toBeGreaterThan(45);
      // The throttle keeps the same 15% margin Dataverse's defaults have (5,400 of 6,000): on a
      // one-second window, a few ms between leaving the client and arriving must not matter.
      expect(lim.traffic.withStatus(429)).toEqual([]);
      const c = await lim.compare();
      expect(c.mismatches, describeMismatches(c.mismatches)).toEqual([]);
    } finally {
      await lim.close();
      await own.close();
    }
  });

  it('limits lower than the throttle believes: the real 429s are honoured and the sync completes', async () => {
    const own = await startEmulator({ port: 0, seed: 'small', enableAdmin: true });
    createAdmin(own.ctx).setLimits({ requests: 20, windowMs: 1000 });
    const lim = await EngineHarness.create(own, { pageSize: 200 });
    try {
      const r = await lim.cycle();
      expect(r.status).toBe('success');
      const throttled = lim.traffic.withStatus(429);
      expect(throttled.length).toBeGreaterThan(0);
      injected['429 from the limiter'] = throttled.length;
      expect(lim.traffic.retryAfterViolations()).toEqual([]);
      const c = await lim.compare();
      expect(c.mismatches, describeMismatches(c.mismatches)).toEqual([]);
    } finally {
      await lim.close();
      await own.close();
    }
  });
});
