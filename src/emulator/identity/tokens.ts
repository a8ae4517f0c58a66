/**
 * Compact JWTs. Access and refresh tokens are HS256-signed with a key that lives only in this
 * process, so a token cannot be forged and one from an earlier emulator run is rejected.
 * id_tokens are unsigned: msal-node only base64-decodes them.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type Claims = Record<string, unknown>;

export const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

export class TokenSigner {
  readonly #key = randomBytes(32);

  sign(claims: Claims): string {
    const body = `${b64url(JSON.stringify({ typ: 'JWT', alg: 'HS256' }))}.${b64url(JSON.stringify(claims))}`;
    return `${body}.${this.#mac(body)}`;
  }

  /** Claims of a token this process signed, or undefined for anything else (never throws). */
  verify(token: string): Claims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, sig] = parts as [string, string, string];
    const expected = Buffer.from(this.#mac(`${header}.${payload}`));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      return claims !== null && typeof claims === 'object' ? (claims as Claims) : undefined;
    } catch {
      return undefined;
    }
  }

  #mac(data: string): string {
    return createHmac('sha256', this.#key).update(data).digest('base64url');
  }
}

export const unsignedJwt = (claims: Claims): string =>
  `${b64url(JSON.stringify({ typ: 'JWT', alg: 'none' }))}.${b64url(JSON.stringify(claims))}.`;
