import { afterEach, describe, expect, it } from 'vitest';
import { startControlPlane, type ControlPlaneHarness } from './helpers/control-plane-fakes.js';

let h: ControlPlaneHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function expect429(res: Response, code: string, message: string): Promise<number> {
  const body = (await res.json()) as { error: { code: string; message: string } };
  expect(res.status, JSON.stringify(body)).toBe(429);
  expect(body.error).toEqual({ code, message });
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
  return retryAfter;
}

describe('service protection: request count', () => {
  it('answers 0x80072322 past the limit, with Retry-After from the sliding window', async () => {
    h = await startControlPlane({ limits: { requests: 3, windowMs: 10_000 } });
    const token = await h.token('sync@contoso.test');
    const remaining: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await h.get('accounts', { token });
      expect(res.status).toBe(200);
      remaining.push(res.headers.get('x-ms-ratelimit-burst-remaining-xrm-requests'));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const msg = 'Number of requests exceeded the limit of 3 over time window of 10 seconds.';
    expect(await expect429(await h.get('accounts', { token }), '0x80072322', msg)).toBe(10);
    // Throttling is per user: another user is unaffected.
    expect((await h.get('accounts', { token: await h.token('rep@contoso.test') })).status).toBe(200);
  });

  it('slides: requests leave the window one by one as time passes', async () => {
    h = await startControlPlane({ limits: { requests: 3, windowMs: 10_000 } });
    const token = await h.token('sync@contoso.test');
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    h.admin.advanceClock({ seconds: 6 });
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    const retry = await expect429(
      await h.get('WhoAmI', { token }),
      '0x80072322',
      'Number of requests exceeded the limit of 3 over time window of 10 seconds.',
    );
    expect(retry).toBe(4); // the first request leaves the window 4 s from now
    h.admin.advanceClock({ seconds: 4 });
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    expect(
      await expect429(
        await h.get('WhoAmI', { token }),
        '0x80072322',
        'Number of requests exceeded the limit of 3 over time window of 10 seconds.',
      ),
    ).toBe(6);
  });
});

describe('service protection: concurrency', () => {
  it('answers 0x80072326 at once when too many requests are in flight', async () => {
    h = await startControlPlane({ limits: { concurrent: 2 } });
    const token = await h.token('sync@contoso.test');
    const slow = [h.get('accounts?delayMs=400', { token }), h.get('accounts?delayMs=400', { token })];
    await new Promise((r) => setTimeout(r, 100));
    await expect429(
      await h.get('accounts', { token }),
      '0x80072326',
      'Number of concurrent requests exceeded the limit of 2.',
    );
    expect((await Promise.all(slow)).map((r) => r.status)).toEqual([200, 200]);
    expect((await h.get('accounts', { token })).status).toBe(200);
  });

  it('frees the slot of a request whose connection was reset', async () => {
    h = await startControlPlane({ limits: { concurrent: 1 } });
    const token = await h.token('sync@contoso.test');
    h.admin.injectFault({ kind: 'reset' });
    await expect(h.get('accounts', { token })).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 50));
    expect((await h.get('accounts', { token })).status).toBe(200);
  });
});

describe('service protection: execution time', () => {
  it('answers 0x80072321 once combined execution time exceeds the limit, until it slides out', async () => {
    h = await startControlPlane({ limits: { executionMs: 200, windowMs: 60_000 } });
    const token = await h.token('sync@contoso.test');
    expect((await h.get('accounts?delayMs=250', { token })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 20)); // the execution is recorded when the response closes
    const retry = await expect429(
      await h.get('accounts', { token }),
      '0x80072321',
      'Combined execution time of incoming requests exceeded limit of 200 milliseconds over time window of 60 seconds. ' +
        'Decrease number of concurrent requests or reduce the duration of requests and try again later.',
    );
    expect(retry).toBeGreaterThanOrEqual(59);
    expect(retry).toBeLessThanOrEqual(60);
    h.admin.advanceClock({ seconds: 61 });
    expect((await h.get('accounts', { token })).status).toBe(200);
  });

  it('can be reconfigured at run time, which restarts the windows', async () => {
    h = await startControlPlane();
    const token = await h.token('sync@contoso.test');
    expect(h.admin.setLimits({ requests: 1 })).toMatchObject({
      requests: 1,
      executionMs: 1_200_000,
      concurrent: 52,
      windowMs: 300_000,
    });
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    await expect429(
      await h.get('WhoAmI', { token }),
      '0x80072322',
      'Number of requests exceeded the limit of 1 over time window of 300 seconds.',
    );
    h.admin.setLimits({ requests: 6000 });
    expect((await h.get('WhoAmI', { token })).status).toBe(200);
    expect(() => h!.admin.setLimits({ requests: 0 })).toThrow(/requests/);
  });
});
