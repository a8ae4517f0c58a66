/**
 * The emulator's cost model (issue 12 section 2): each request is charged base + rows × per row +
 * rows × columns × per cell of server time, against the execution-time and concurrency limits, and
 * the remaining-budget headers say what is left. Asserted on what is charged, never on wall time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startClient, SYNC, type EmulatorClient } from './helpers/emulator-client.js';

let c: EmulatorClient | undefined;
afterEach(async () => {
  await c?.close();
  c = undefined;
});

const page = { prefer: 'odata.maxpagesize=100' };
const charged = (client: EmulatorClient): number => client.admin.executionMsByUser()[client.userId(SYNC)] ?? 0;

describe('cost model', () => {
  it('charges base + rows × per row + rows × selected columns × per cell', async () => {
    c = await startClient({ costModel: { baseMs: 20, perRowMs: 0.1, perCellMs: 0.01 }, enableAdmin: true });
    const res = await c.send('GET', 'accounts?$select=name,accountnumber,telephone1', undefined, page);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { value: unknown[] };
    expect(body.value).toHaveLength(100);
    await new Promise((r) => setTimeout(r, 20)); // the charge is made when the connection closes
    expect(charged(c)).toBeCloseTo(20 + 100 * 0.1 + 100 * 3 * 0.01, 5);

    // A request that serves no rows (a count) costs the base.
    c.admin.resetRequestCounts();
    expect((await c.send('GET', 'accounts/$count')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20));
    expect(charged(c)).toBeCloseTo(20, 5);
  });

  it('reports the execution time left and answers 0x80072321 once the window is spent', async () => {
    c = await startClient({
      costModel: { baseMs: 60, perRowMs: 0, perCellMs: 0 },
      limits: { executionMs: 100, windowMs: 10_000 },
    });
    const first = await c.send('GET', 'WhoAmI');
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')).toBe('100');
    await first.text();
    await new Promise((r) => setTimeout(r, 20));
    const second = await c.send('GET', 'WhoAmI');
    expect(second.status).toBe(200);
    expect(second.headers.get('x-ms-ratelimit-time-remaining-xrm-requests')).toBe('40');
    await second.text();
    await new Promise((r) => setTimeout(r, 20));
    const third = await c.send('GET', 'WhoAmI');
    expect(third.status).toBe(429);
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const error = ((await third.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe('0x80072321');
    expect(error.message).toMatch(/^Combined execution time of incoming requests exceeded limit of 100 milliseconds/);
    // The window slides: ten seconds later the budget is back.
    c.admin.advanceClock({ seconds: 10 });
    expect((await c.send('GET', 'WhoAmI')).status).toBe(200);
  });

  it('holds answers for their server time, so the concurrency limit bites as in Dataverse', async () => {
    c = await startClient({ costModel: { baseMs: 400, perRowMs: 0, perCellMs: 0 }, limits: { concurrent: 2 } });
    await c.token(SYNC);
    const slow = Promise.all([c.send('GET', 'WhoAmI'), c.send('GET', 'WhoAmI')]);
    await new Promise((r) => setTimeout(r, 150));
    const third = await c.send('GET', 'WhoAmI');
    const code = ((await third.json()) as { error?: { code: string } }).error?.code;
    const statuses = await Promise.all((await slow).map(async (r) => (await r.text(), r.status)));
    expect([third.status, code]).toEqual([429, '0x80072326']);
    expect(statuses).toEqual([200, 200]);
  });

  it('is off by default, and the admin turns it on and off', async () => {
    c = await startClient({ enableAdmin: true });
    expect(c.admin.costModel()).toBeNull();
    const admin = `${c.emu.url}/_emulator/cost-model`;
    const on = await fetch(admin, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: 'true' });
    expect(await on.json()).toEqual({ costModel: { baseMs: 50, perRowMs: 0.2, perCellMs: 0.02 } });
    await (await c.send('GET', 'accounts?$select=name', undefined, page)).text();
    await new Promise((r) => setTimeout(r, 20));
    expect(charged(c)).toBeCloseTo(50 + 100 * 0.2 + 100 * 0.02, 5);
    const bad = await fetch(admin, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ baseMs: -1 }),
    });
    expect(bad.status).toBe(400);
    c.admin.setCostModel(false);
    expect(c.admin.costModel()).toBeNull();
  });
});
