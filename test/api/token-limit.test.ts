/**
 * Issue 15 §3: the token endpoint's secret check (scrypt) is limited per client id and per address,
 * with the attempt reserved before the hash, so concurrent guesses are counted as they arrive.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { backends } from '../helpers/db.js';
import { newClient, openApiWorld, type ApiWorld } from './fixture.js';

for (const backend of backends) {
  describe(`token endpoint limits [${backend}]`, () => {
    let api: ApiWorld | undefined;
    afterEach(async () => {
      await api?.close();
      api = undefined;
    });

    const token = (clientId: string, secret: string, address: string) =>
      api!.app.inject({
        url: '/identity/oauth/token',
        remoteAddress: address,
        query: { grant_type: 'client_credentials', client_id: clientId, client_secret: secret },
      });

    it('checks at most 10 of 60 concurrent guesses from one address, then refuses even the right secret there (429)', async () => {
      api = await openApiWorld(backend);
      const victim = await newClient(api.w.db);
      const guesses = await Promise.all(
        Array.from({ length: 60 }, (_, i) => token(victim.clientId, `guess-${i}`, '192.0.2.7')),
      );
      const statuses = guesses.map((r) => r.statusCode);
      expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(50);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      const limited = guesses.find((r) => r.statusCode === 429)!;
      expect(limited.json()).toMatchObject({ error: 'too_many_requests' });
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

      // Keep guessing until the window is full: the right secret is refused from that address too.
      for (let i = 0; i < 10; i += 1) await token(victim.clientId, `more-${i}`, '192.0.2.7');
      expect((await token(victim.clientId, victim.clientSecret, '192.0.2.7')).statusCode).toBe(429);
      // Another client from another address is not affected.
      const other = await newClient(api.w.db);
      expect((await token(other.clientId, other.clientSecret, '198.51.100.1')).statusCode).toBe(200);
    });

    it('limits guesses at one client id from many addresses, and a success gives its attempt back', async () => {
      api = await openApiWorld(backend);
      const c = await newClient(api.w.db);
      for (let i = 0; i < 30; i += 1)
        expect((await token(c.clientId, c.clientSecret, '203.0.113.9')).statusCode).toBe(200);
      for (let i = 0; i < 10; i += 1)
        expect((await token(c.clientId, `wrong-${i}`, `203.0.113.${100 + i}`)).statusCode).toBe(401);
      expect((await token(c.clientId, 'wrong-11', '203.0.113.200')).statusCode).toBe(429);
      expect((await token(c.clientId, c.clientSecret, '203.0.113.201')).statusCode).toBe(429);
    });
  });
}
