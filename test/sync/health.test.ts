/** computeHealth: each state and cause from the facts that make it, and the precedence between them. */
import { describe, expect, it } from 'vitest';
import { computeHealth, duration, type HealthFacts, type TableFacts } from '../../src/sync/health.js';

const NOW = new Date('2026-12-04T10:00:00Z');
const INTERVAL = 300_000;

const table = (name: string, extra: Partial<TableFacts> = {}): TableFacts => ({
  table: name,
  phase: 'delta',
  blockedReason: null,
  pendingChanges: 0,
  pendingError: null,
  lastCycleError: null,
  ...extra,
});

const TABLES = ['systemuser', 'account', 'contact', 'lead'];

function facts(extra: Partial<HealthFacts> = {}): HealthFacts {
  return {
    now: NOW,
    intervalMs: INTERVAL,
    databaseError: null,
    connected: true,
    runner: { state: 'ok', consecutiveFailures: 0, lastError: null, lastSuccessAt: NOW.toISOString() },
    tables: TABLES.map((t) => table(t)),
    outboxPending: 0,
    recordsLastHour: 100,
    lastSuccessAt: new Date(NOW.getTime() - 60_000).toISOString(),
    anyCycle: true,
    openRecordErrors: 0,
    ...extra,
  };
}

const retrying = (code: string, message: string, reason?: string) => ({
  state: 'retrying' as const,
  consecutiveFailures: 2,
  lastError: { code, message, at: NOW.toISOString(), ...(reason ? { reason } : {}) },
  lastSuccessAt: null,
});

describe('computeHealth', () => {
  it('is healthy with nothing waiting, and says a small backlog goes with the next cycle', () => {
    const ok = computeHealth(facts());
    expect(ok).toMatchObject({ state: 'healthy', cause: null, backlog: 0, action: 'Nothing to do.' });
    expect(ok.summary).toBe('In sync: nothing is waiting.');
    // 3 changes at 100 an hour: 108 s, within one 300 s interval.
    const few = computeHealth(facts({ tables: [table('contact', { pendingChanges: 3 })] }));
    expect(few).toMatchObject({ state: 'healthy', backlog: 3, etaSeconds: 108 });
    expect(few.summary).toContain('3 changes waiting for the next cycle');
    const failedRecords = computeHealth(facts({ openRecordErrors: 2 }));
    expect(failedRecords).toMatchObject({
      state: 'healthy',
      action: 'Open Sync errors: each failed record says what to do.',
    });
    expect(failedRecords.summary).toBe('In sync: nothing is waiting. 2 records failed to sync.');
  });

  it('is behind when the backlog takes more than one interval at the last hour’s rate, with the ETA', () => {
    const h = computeHealth(
      facts({
        tables: [table('contact', { pendingChanges: 250 }), table('lead', { pendingChanges: 40 })],
        outboxPending: 10,
      }),
    );
    expect(h).toMatchObject({ state: 'behind', cause: 'backlog', backlog: 300, etaSeconds: 3 * 3600 });
    expect(h.summary).toBe('300 changes waiting; at the last hour’s rate (100 records an hour) that takes 3 h.');
  });

  it('is behind while an initial read is unfinished, naming the table', () => {
    const h = computeHealth(
      facts({ tables: [table('account'), table('contact', { phase: 'initial', pendingChanges: null })] }),
    );
    expect(h).toMatchObject({ state: 'behind', cause: 'initial_sync', tables: ['contact'] });
  });

  it('fails on refused credentials, with the action for the refusal', () => {
    const h = computeHealth(
      facts({ runner: retrying('sign_in_failed', 'wrong password (AADSTS50126)', 'wrong_password') }),
    );
    expect(h).toMatchObject({ state: 'failing', cause: 'credentials' });
    expect(h.action).toBe('Enter the sync user’s current password on the Connection page.');
    // Without a runner, the status's own sign-in (pending counts) tells the same.
    const byPending = computeHealth(
      facts({
        runner: null,
        tables: [
          table('contact', {
            pendingChanges: null,
            pendingError: { code: 'sign_in_failed', reason: 'mfa_required', message: 'MFA' },
          }),
        ],
      }),
    );
    expect(byPending).toMatchObject({ state: 'failing', cause: 'credentials' });
    expect(byPending.action).toContain('multi-factor');
  });

  it('fails on a blocked table, naming it and the fix', () => {
    const h = computeHealth(
      facts({
        tables: [table('account'), table('contact', { blockedReason: 'column new_x was deleted in Dynamics' })],
      }),
    );
    expect(h).toMatchObject({ state: 'failing', cause: 'blocked_table', tables: ['contact'] });
    expect(h.summary).toContain('contact stopped syncing: column new_x was deleted in Dynamics');
    expect(h.action).toContain('Field sync');
  });

  it('fails when Dynamics does not answer, and when every table’s last cycle failed the same way', () => {
    expect(computeHealth(facts({ runner: retrying('organization_unreachable', 'no answer') })).cause).toBe(
      'dynamics_unreachable',
    );
    const allFailed = TABLES.map((t) =>
      table(t, { lastCycleError: { code: 'network_error', message: 'ECONNREFUSED' } }),
    );
    expect(computeHealth(facts({ runner: null, tables: allFailed })).cause).toBe('dynamics_unreachable');
  });

  it('fails on the database before anything else', () => {
    const h = computeHealth(facts({ databaseError: 'connection refused', runner: retrying('sign_in_failed', 'x') }));
    expect(h).toMatchObject({ state: 'failing', cause: 'database' });
    expect(h.action).toContain('DATABASE_URL');
  });

  it('is throttled when the sync user is throttled', () => {
    const h = computeHealth(
      facts({
        tables: [table('account'), table('contact', { lastCycleError: { code: 'throttled', message: '429' } })],
      }),
    );
    expect(h).toMatchObject({ state: 'throttled', cause: 'throttled' });
  });

  it('fails with no successful cycle for three intervals, not at two', () => {
    const at = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
    expect(computeHealth(facts({ lastSuccessAt: at(2 * INTERVAL) })).state).toBe('healthy');
    const h = computeHealth(facts({ lastSuccessAt: at(3 * INTERVAL + 1000) }));
    expect(h).toMatchObject({ state: 'failing', cause: 'stalled' });
    expect(h.summary).toBe('No cycle has succeeded for 15 min (more than 3 intervals).');
    expect(computeHealth(facts({ anyCycle: false, lastSuccessAt: null })).cause).toBe('never_synced');
    expect(computeHealth(facts({ connected: false })).cause).toBe('not_connected');
  });

  it('fails when one table failed its last cycle while the others synced', () => {
    const h = computeHealth(
      facts({
        tables: [table('account'), table('lead', { lastCycleError: { code: 'privilege_denied', message: 'no read' } })],
      }),
    );
    expect(h).toMatchObject({ state: 'failing', cause: 'sync_failing', tables: ['lead'] });
  });

  it('words durations', () => {
    expect([duration(42), duration(600), duration(7200), duration(5 * 86400)]).toEqual([
      '42 s',
      '10 min',
      '2 h',
      '5 days',
    ]);
  });
});
