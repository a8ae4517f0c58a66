/** Session lifetimes and cookie parsing (a fake clock: no waiting). */
import { describe, expect, it } from 'vitest';
import { SignInLimiter } from '../../src/api/admin/auth-routes.js';
import { SessionStore, csrfMatches, readCookie } from '../../src/api/admin/session.js';

describe('SessionStore', () => {
  const limits = { idleMs: 1000, absoluteMs: 5000, maxSessions: 3 };

  it('ends a session after the idle time, and after the absolute time however active', () => {
    let now = 0;
    const store = new SessionStore(limits, () => now);
    const idle = store.create();
    now = 999;
    expect(store.touch(idle.id)?.id).toBe(idle.id);
    now = 1999;
    expect(store.touch(idle.id)).toBeNull();

    const busy = store.create();
    for (now = 2000; now < busy.expiresAt; now += 900) expect(store.touch(busy.id)).not.toBeNull();
    expect(store.touch(busy.id)).toBeNull();
  });

  it('keeps at most maxSessions, dropping the oldest', () => {
    const store = new SessionStore(limits, () => 0);
    const first = store.create();
    const rest = [store.create(), store.create(), store.create()];
    expect(store.touch(first.id)).toBeNull();
    for (const s of rest) expect(store.touch(s.id)).not.toBeNull();
  });

  it('checks the CSRF token exactly', () => {
    const s = new SessionStore(limits, () => 0).create();
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
