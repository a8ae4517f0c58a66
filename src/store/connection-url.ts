/**
 * Where a connection's credentials go: the organization URL and the token authority, checked and
 * normalized once, before they are stored. Plain http is refused except on this machine (the
 * emulator): a password or client secret must never cross a network unencrypted.
 */
import { isIPv4 } from 'node:net';
import { InvalidInputError, type ErrorCode } from '../domain/errors.js';

/** The Web API path Dynamics shows on its Developer resources page, e.g. `/api/data/v9.2/`. */
const WEB_API_PATH = /\/api\/data(\/v\d+(\.\d+)?)?\/*$/i;

/** localhost, 127.0.0.0/8 and ::1: the only hosts plain http may reach. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (h === 'localhost' || h === '::1') return true;
  return isIPv4(h) && h.startsWith('127.');
}

function parseHttpUrl(raw: string, what: string, example: string, code: ErrorCode): URL {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new InvalidInputError(code, `The ${what} ${JSON.stringify(raw)} is not a URL (expected e.g. ${example})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InvalidInputError(code, `The ${what} must be https, not ${url.protocol} (expected e.g. ${example})`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new InvalidInputError(
      'insecure_url',
      `The ${what} ${url.origin} uses plain http: credentials would cross the network unencrypted. ` +
        `Use https (e.g. ${example}); http is accepted only for an emulator on this machine (localhost, 127.0.0.1, ::1).`,
    );
  }
  if (url.username || url.password)
    throw new InvalidInputError(code, `The ${what} must not carry a user name or password`);
  if (url.search || url.hash)
    throw new InvalidInputError(code, `The ${what} must not have a query or fragment (${url.search}${url.hash})`);
  return url;
}

/**
 * Scheme and host lower-cased, no trailing slash, and without the Web API path people copy from
 * Dynamics' Developer resources page: `https://Org.crm.dynamics.com/api/data/v9.2/` is
 * `https://org.crm.dynamics.com`. A path before /api/data (an on-premises organization) stays.
 */
export function normalizeOrgUrl(orgUrl: string): string {
  const url = parseHttpUrl(orgUrl, 'organization URL', 'https://contoso.crm.dynamics.com', 'invalid_org_url');
  return `${url.origin}${url.pathname.replace(WEB_API_PATH, '').replace(/\/+$/, '')}`;
}

/** The token authority (sovereign clouds, the emulator): https, or http on this machine only. */
export function normalizeAuthority(authority: string | undefined): string | undefined {
  if (authority === undefined || authority.trim() === '') return undefined;
  const url = parseHttpUrl(authority, 'token authority', 'https://login.microsoftonline.com', 'invalid_authority');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
