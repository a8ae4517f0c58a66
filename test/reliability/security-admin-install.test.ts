/**
 * Security of the admin UI on a fresh install and under concurrency (issue 15): DNS rebinding is
 * refused by Host, the first password needs the one-time setup code, password checks are bounded
 * under parallel guesses, and the sign-in redirect never leaves the site.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, ORIGIN, openHttpWorld, type HttpWorld } from './helpers/http-world.js';
import { safeNextPath } from '../../src/api/admin/next-path.js';
import { buildServer, type BuiltServer } from '../../src/api/server.js';
import { loadConfig } from '../../src/config/env.js';
import { openEmptyDeps } from '../api-admin/fixture.js';
import type { TestDb } from '../helpers/db.js';

let world: HttpWorld;
let app: FastifyInstance;

beforeAll(async () => {
  world = await openHttpWorld();
  app = await world.server();
});

afterAll(async () => {
  await world?.close();
});

/** A fresh install: an empty database, no DYNASYNC_ADMIN_PASSWORD, so the setup code is armed. */
async function freshInstall(
  env: Record<string, string> = {},
): Promise<BuiltServer & { db: TestDb; close(): Promise<void> }> {
  const { deps, db } = await openEmptyDeps({ firstRun: true });
  const built = await buildServer({
    ...deps,
    config: { ...deps.config, allowedHosts: loadConfig({ ...env }).allowedHosts },
  });
  return {
    ...built,
    db,
    close: async () => {
      await built.app.close();
      await db.dispose();
    },
  };
}

const setup = (
  app: FastifyInstance,
  payload: Record<string, unknown>,
  extra: { ip?: string; headers?: Record<string, string> } = {},
) =>
  app.inject({
    method: 'POST',
    url: '/api/setup',
    remoteAddress: extra.ip ?? '127.0.0.1',
    headers: { origin: ORIGIN, ...extra.headers },
    payload,
  });
const needsSetup = async (app: FastifyInstance) =>
  (await app.inject({ url: '/api/session' })).json().needsSetup as boolean;

describe('a fresh install (issue 15 §1)', () => {
  it('DNS rebinding: a request for another host name is refused before any route, setup included', async () => {
    const s = await freshInstall();
    try {
      const evil = { host: 'attacker.example:8201', origin: 'http://attacker.example:8201' };
      const res = await setup(
        s.app,
        { password: 'chosen by the attacker', setupCode: s.setupCode.code },
        { headers: evil },
      );
      expect(res.statusCode).toBe(421);
      expect(res.json().error.code).toBe('host_not_allowed');
      expect(res.headers['set-cookie']).toBeUndefined();
      for (const url of ['/api/session', '/login', '/api/status', '/rest/v1/leads.json', '/metrics']) {
        expect((await s.app.inject({ url, headers: evil })).statusCode, url).toBe(421);
      }
      expect(await needsSetup(s.app), 'still unset').toBe(true);
      for (const host of ['localhost:8080', '127.0.0.1:8080', '127.1.2.3', '[::1]:8080']) {
        expect((await s.app.inject({ url: '/login', headers: { host } })).statusCode, host).toBe(200);
      }
    } finally {
      await s.close();
    }
  });

  it('a public name is answered once it is in DYNASYNC_ALLOWED_HOSTS', async () => {
    const s = await freshInstall({ DYNASYNC_ALLOWED_HOSTS: 'sync.example.com, other.example.com' });
    try {
      expect((await s.app.inject({ url: '/login', headers: { host: 'sync.example.com' } })).statusCode).toBe(200);
      expect((await s.app.inject({ url: '/login', headers: { host: 'SYNC.example.com.:443' } })).statusCode).toBe(200);
      expect((await s.app.inject({ url: '/login', headers: { host: 'sync.example.com.evil.test' } })).statusCode).toBe(
        421,
      );
      expect(() => loadConfig({ DYNASYNC_ALLOWED_HOSTS: 'https://sync.example.com/' })).toThrow(
        /DYNASYNC_ALLOWED_HOSTS: must be host names/,
      );
    } finally {
      await s.close();
    }
  });

  it('the first visitor cannot set the password without the setup code, even with 50 guesses at once', async () => {
    const s = await freshInstall();
    try {
      expect((await setup(s.app, { password: 'first come first served' })).json().error.code).toBe('wrong_setup_code');
      const guesses = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          setup(
            s.app,
            { password: 'first come first served', setupCode: `GUES-SAAA-AAAA-AA${String(i).padStart(2, '0')}` },
            { ip: '10.0.0.9' },
          ),
        ),
      );
      const codes = guesses.map((r) => r.statusCode);
      expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
      expect(codes.filter((c) => c !== 401).every((c) => c === 429)).toBe(true);
      expect(
        (await setup(s.app, { password: ADMIN_PASSWORD, setupCode: s.setupCode.code }, { ip: '10.0.0.9' })).statusCode,
        'locked out',
      ).toBe(429);
      expect(await needsSetup(s.app)).toBe(true);
      expect(
        (await setup(s.app, { password: ADMIN_PASSWORD, setupCode: s.setupCode.code })).statusCode,
        'the console reader',
      ).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('password checks under concurrency (issue 15 §2)', () => {
  it('200 parallel guesses from one address: at most 5 are checked, and the right password among them is refused', async () => {
    const guesses = Array.from({ length: 200 }, (_, i) => (i === 199 ? ADMIN_PASSWORD : `guess-${i}`));
    const answers = await Promise.all(
      guesses.map((password) =>
        app.inject({
          method: 'POST',
          url: '/api/login',
          remoteAddress: '10.7.7.7',
          headers: { origin: ORIGIN },
          payload: { password },
        }),
      ),
    );
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(5);
    expect(codes.filter((c) => c === 429).length).toBeGreaterThanOrEqual(195);
    expect(codes.at(-1), 'the right password, while locked out').toBe(429);
    expect(codes).not.toContain(200);
  });

  it('/api/setup on an installation with a password answers 409 without hashing', async () => {
    const before = process.cpuUsage();
    const answers = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/setup',
          remoteAddress: `10.6.0.${i}`,
          headers: { origin: ORIGIN },
          payload: { password: 'x'.repeat(64) },
        }),
      ),
    );
    const used = process.cpuUsage(before);
    expect(answers.every((r) => r.statusCode === 409)).toBe(true);
    // 64 scrypt hashes (N=2^17) cost several CPU-seconds; the cheap refusal costs a few milliseconds each.
    expect((used.user + used.system) / 1e6, 'CPU seconds for 64 refusals').toBeLessThan(3);
  });

  it('bounds the hashes in flight over all addresses: beyond a short queue the server says it is busy', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        app.inject({
          method: 'POST',
          url: '/api/login',
          remoteAddress: `10.5.0.${i}`,
          headers: { origin: ORIGIN },
          payload: { password: `wrong-${i}` },
        }),
      ),
    );
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(10);
    const busy = answers.filter((r) => r.statusCode === 503);
    expect(busy.length).toBeGreaterThanOrEqual(20);
    expect(busy[0]!.json().error.code).toBe('sign_in_busy');
    expect(Number(busy[0]!.headers['retry-after'])).toBeGreaterThan(0);
  });
});

describe('sign-in redirect (issue 15 §2)', () => {
  it('follows only paths of this site, as the browser parses them', () => {
    for (const evil of [
      '/\t/evil.example/x',
      '/\n/evil.example/x',
      '/\r/evil.example/x',
      '//evil.example',
      '/\\evil.example',
      '/\t\\evil.example',
      'https://evil.example/',
      ' /\t/evil.example',
      '/login?next=/x',
    ]) {
      expect(safeNextPath(evil), JSON.stringify(evil)).toBe('/');
    }
    expect(safeNextPath(decodeURIComponent('/%09/evil.example/x'))).toBe('/');
    expect(safeNextPath('/people/12?x=1#a')).toBe('/people/12?x=1#a');
  });

  it('the guard never puts another site into the sign-in link', async () => {
    const res = await app.inject({ url: '//evil.example/status' });
    expect([303, 404]).toContain(res.statusCode);
    if (res.statusCode === 303) expect(String(res.headers.location)).not.toMatch(/evil/);
  });
});
