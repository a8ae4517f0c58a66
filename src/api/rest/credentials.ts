/**
 * API client credentials and access tokens. The client secret is shown once and stored as an
 * scrypt hash (slow on purpose: a stolen table cannot be brute-forced cheaply). Access tokens are
 * 256 random bits, so a plain SHA-256 is enough to store them: nothing to guess.
 */
import { createHash, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { InvalidInputError } from '../../domain/index.js';
import type { AuditOf } from '../../store/audit-log.js';
import type { Db } from '../../store/db/types.js';
import {
  findApiClientSecret,
  findApiToken,
  insertApiClient,
  insertApiToken,
  type ApiClient,
} from '../../store/api-clients.js';

const scryptAsync = promisify(scrypt) as (
  secret: string,
  salt: Buffer,
  keylen: number,
  options: object,
) => Promise<Buffer>;
const SCRYPT = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, KEY_LENGTH, SCRYPT);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, key] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !key) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return timingSafeEqual(actual, expected);
}

/** Checked against when the client id is unknown, so both failures take the same time. */
let decoy: Promise<string> | undefined;
const decoyHash = (): Promise<string> => (decoy ??= hashSecret(randomBytes(16).toString('hex')));

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,63}$/u;

/** Makes an API client; the secret is in the answer and nowhere else. */
export async function createApiClient(
  db: Db,
  name: string,
  audit?: AuditOf<ApiClient>,
): Promise<{ client: ApiClient; clientSecret: string }> {
  const trimmed = name.trim();
  if (!NAME.test(trimmed)) {
    throw new InvalidInputError(
      'invalid_api_client_name',
      'An API client name has 1 to 64 letters, digits, spaces, dots, dashes or underscores.',
    );
  }
  const clientSecret = randomBytes(24).toString('base64url');
  const client = await insertApiClient(
    db,
    {
      name: trimmed,
      clientId: randomUUID(),
      secretHash: await hashSecret(clientSecret),
    },
    audit,
  );
  return { client, clientSecret };
}

/** The client's id when the pair is right, else null. */
export async function authenticateClient(db: Db, clientId: string, clientSecret: string): Promise<number | null> {
  const found = await findApiClientSecret(db, clientId);
  const ok = await verifySecret(clientSecret, found?.secretHash ?? (await decoyHash()));
  return ok && found ? found.id : null;
}

const tokenHash = (token: string): string => createHash('sha256').update(token).digest('base64url');

export async function issueToken(
  db: Db,
  apiClientId: number,
  ttlSeconds: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await insertApiToken(db, { tokenHash: tokenHash(token), apiClientId, expiresAt });
  return { token, expiresAt };
}

export interface KnownToken {
  readonly apiClientId: number;
  readonly expiresAt: Date;
}

/**
 * Tokens found, by hash, each kept at most `ttlMs`, so a busy client costs at most one token
 * query per second, and a revoked client (in any process: the lookup reads the database) is
 * refused within that second.
 */
export class TokenCache {
  readonly #known = new Map<string, { token: KnownToken; at: number }>();
  constructor(
    private readonly ttlMs = 1000,
    private readonly maxEntries = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async lookup(db: Db, token: string): Promise<KnownToken | null> {
    const hash = tokenHash(token);
    const hit = this.#known.get(hash);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.token;
    const found = await findApiToken(db, hash);
    if (!found) {
      this.#known.delete(hash);
      return null;
    }
    if (this.#known.size >= this.maxEntries) this.#known.clear();
    this.#known.set(hash, { token: found, at: this.now() });
    return found;
  }
}
