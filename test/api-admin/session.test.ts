/** Session lifetimes (in the lead database, on each backend) and cookie parsing (a fake clock: no waiting). */
import { describe, expect, it } from 'vitest';
import { storePassword } from '../../src/api/admin/password.js';
import { describeEachBackend } from '../helpers/db.js';
import { SignInLimiter } from '../../src/api/admin/auth-routes.js';
import { SessionStore, csrfMatches, readCookie } from '../../src/api/admin/session.js';

describeEachBackend('SessionStore', ({ db }) => {
  const limits = { idleMs: 1000, absoluteMs: 5000, maxSessions: 3 };

  it('ends a session after the idle time, and after the absolute time however active', async () => {
    let now = 0;
    const store = new SessionStore(db(), limits, () => now);
    const idle = await store.create();
    now = 999;
    expect((await store.touch(idle.id))?.id).toBe(idle.id);
    now = 1999;
    expect(await store.touch(idle.id)).toBeNull();

    const busy = await store.create();
    for (now = 2000; now < busy.expiresAt; now += 900) expect(await store.touch(busy.id)).not.toBeNull();
    expect(await store.touch(busy.id)).toBeNull();
  });

  it('keeps at most maxSessions, dropping the oldest', async () => {
    let now = 0;
    const store = new SessionStore(db(), limits, () => now);
    const first = await store.create();
    const rest = [];
    for (let i = 0; i < 3; i++) {
      now += 1;
      rest.push(await store.create());
    }
    expect(await store.touch(first.id)).toBeNull();
    for (const s of rest) expect(await store.touch(s.id)).not.toBeNull();
  });

  it('stores only a hash of the id: the table signs nobody in', async () => {
    const s = await new SessionStore(db(), limits, () => 0).create();
    const rows = (await db().query<Record<string, unknown>>('SELECT * FROM admin_sessions')).rows;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(s.id);
    expect(JSON.stringify(rows)).not.toContain(s.csrfToken);
  });

  it('a second store on the same database (another process) knows the session; destroy ends it for both', async () => {
    const a = new SessionStore(db(), limits, () => 0);
    const b = new SessionStore(db(), limits, () => 0);
    const s = await a.create();
    expect(await b.touch(s.id)).toMatchObject({ id: s.id, csrfToken: s.csrfToken });
    await b.destroy(s.id);
    expect(await a.touch(s.id)).toBeNull();
  });

  it('a new admin password signs every session out', async () => {
    const store = new SessionStore(db(), limits, () => 0);
    const s = await store.create();
    await storePassword(db(), 'a brand new password');
    expect(await store.touch(s.id)).toBeNull();
  });

  it('checks the CSRF token exactly', async () => {
    const s = await new SessionStore(db(), limits, () => 0).create();
    expect(csrfMatches(s, s.csrfToken)).toBe(true);
    expect(csrfMatches(s, undefined)).toBe(false);
    expect(csrfMatches(s, s.csrfToken.slice(1))).toBe(false);
  });
});

describe('readCookie', () => {
  it('finds one cookie among others', () => {
    expect(readCookie('a=1; dynasync_session=abc_-9; b="x"', 'dynasync_session')).toBe('abc_-9');
    expect(readCookie('a=1; b="x"', 'b')).toBe('x');
    expect(readCookie('xdynasync_session=1', 'dynasync_session')).toBeUndefined();
    expect(readCookie(undefined, 'a')).toBeUndefined();
  });
});

describe('SignInLimiter', () => {
  it('refuses an address after max failures until its window has passed; other addresses are unaffected', () => {
    let now = 0;
    const limiter = new SignInLimiter(2, 1000, () => now);
    limiter.fail('a');
    limiter.check('a');
    limiter.fail('a');
    expect(() => limiter.check('a')).toThrow(/Too many failed sign-ins/);
    limiter.check('b');
    now = 999;
    expect(() => limiter.check('a')).toThrow();
    now = 1000;
    limiter.check('a');
  });
});
