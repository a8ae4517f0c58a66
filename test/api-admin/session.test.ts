/** Session lifetimes (in the lead database, on each backend) and cookie parsing (a fake clock: no waiting). */
import { describe, expect, it } from 'vitest';
import { storePassword } from '../../src/api/admin/password.js';
import { describeEachBackend } from '../helpers/db.js';
import { HashSlots, SignInLimiter } from '../../src/api/admin/sign-in-limiter.js';
import { SessionStore, csrfMatches, readCookie, type AdminSessionUser } from '../../src/api/admin/session.js';
import { findSignInUser } from '../../src/store/admin-users.js';
import type { SqlClient } from '../../src/store/db/types.js';

/** The `admin` user every session here belongs to (sessions are always some user's). */
async function adminUser(c: SqlClient): Promise<AdminSessionUser> {
  if (!(await findSignInUser(c, 'admin'))) await storePassword(c, 'the first password');
  const u = (await findSignInUser(c, 'admin'))!;
  return { id: u.id, email: u.email, role: u.role };
}

describeEachBackend('SessionStore', ({ db }) => {
  const limits = { idleMs: 1000, absoluteMs: 5000, maxSessions: 3 };

  it('ends a session after the idle time, and after the absolute time however active', async () => {
    let now = 0;
    const store = new SessionStore(db(), limits, () => now);
    const idle = await store.create(await adminUser(db()));
    now = 999;
    expect((await store.touch(idle.id))?.id).toBe(idle.id);
    now = 1999;
    expect(await store.touch(idle.id)).toBeNull();

    const busy = await store.create(await adminUser(db()));
    for (now = 2000; now < busy.expiresAt; now += 900) expect(await store.touch(busy.id)).not.toBeNull();
    expect(await store.touch(busy.id)).toBeNull();
  });

  it('keeps at most maxSessions, dropping the oldest', async () => {
    let now = 0;
    const store = new SessionStore(db(), limits, () => now);
    const first = await store.create(await adminUser(db()));
    const rest = [];
    for (let i = 0; i < 3; i++) {
      now += 1;
      rest.push(await store.create(await adminUser(db())));
    }
    expect(await store.touch(first.id)).toBeNull();
    for (const s of rest) expect(await store.touch(s.id)).not.toBeNull();
  });

  it('stores only a hash of the id: the table signs nobody in', async () => {
    const s = await new SessionStore(db(), limits, () => 0).create(await adminUser(db()));
    const rows = (await db().query<Record<string, unknown>>('SELECT * FROM admin_sessions')).rows;
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(s.id);
    expect(JSON.stringify(rows)).not.toContain(s.csrfToken);
  });

  it('a second store on the same database (another process) knows the session; destroy ends it for both', async () => {
    const a = new SessionStore(db(), limits, () => 0);
    const b = new SessionStore(db(), limits, () => 0);
    const s = await a.create(await adminUser(db()));
    expect(await b.touch(s.id)).toMatchObject({ id: s.id, csrfToken: s.csrfToken });
    await b.destroy(s.id);
    expect(await a.touch(s.id)).toBeNull();
  });

  it('a new admin password signs every session out', async () => {
    const store = new SessionStore(db(), limits, () => 0);
    const s = await store.create(await adminUser(db()));
    await storePassword(db(), 'a brand new password');
    expect(await store.touch(s.id)).toBeNull();
  });

  it('checks the CSRF token exactly', async () => {
    const s = await new SessionStore(db(), limits, () => 0).create(await adminUser(db()));
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
  it('counts an attempt when it starts, forgives on success, and unlocks when its window has passed', () => {
    let now = 0;
    const limiter = new SignInLimiter(2, 1000, 5, () => now);
    const wrong = () => limiter.reserve('a').finished();
    wrong();
    wrong();
    expect(() => limiter.reserve('a')).toThrow(/Too many failed sign-ins/);
    limiter.reserve('b').finished();
    now = 999;
    expect(() => limiter.reserve('a')).toThrow();
    now = 1000;
    const right = limiter.reserve('a');
    right.succeeded();
    right.finished();
    wrong();
    wrong();
    expect(() => limiter.reserve('a'), 'a success starts the count again').toThrow();
  });

  it('refuses more checks of one address at once than allowed, while they run', () => {
    const limiter = new SignInLimiter(100, 1000, 2, () => 0);
    const first = limiter.reserve('a');
    limiter.reserve('a');
    expect(() => limiter.reserve('a')).toThrow(/being checked/);
    first.finished();
    limiter.reserve('a');
  });
});

describe('HashSlots', () => {
  it('runs at most its slots at once, queues a few, and refuses the rest as busy', async () => {
    const slots = new HashSlots(2, 3);
    let running = 0;
    let most = 0;
    const release: (() => void)[] = [];
    const work = () =>
      slots.run(async () => {
        running += 1;
        most = Math.max(most, running);
        await new Promise<void>((r) => release.push(r));
        running -= 1;
      });
    const accepted = Array.from({ length: 5 }, work);
    await expect(work()).rejects.toMatchObject({ status: 503, code: 'sign_in_busy' });
    while (accepted.length > 0 && (release.length > 0 || running > 0)) {
      release.shift()?.();
      await new Promise((r) => setTimeout(r, 1));
      if (running === 0 && release.length === 0) break;
    }
    await Promise.all(accepted);
    expect(most).toBe(2);
  });
});
