/**
 * Where msal-node gets its tokens. Real Entra for an https authority; for an http:// authority
 * (the local emulator) msal-node 7 refuses the URL itself (`authority_uri_insecure`), so we give it a
 * fake https host it never contacts (knownAuthorities skips instance discovery, authorityMetadata
 * skips OIDC discovery) whose token_endpoint is the real http URL. See dependency-trials.md §2.5.
 */
import type { AuthorityMetadata } from '../wire/index.js';

export const DEFAULT_AUTHORITY = 'https://login.microsoftonline.com';
/** The password grant cannot use `common` or `consumers`; `organizations` is the documented default. */
export const DEFAULT_ROPC_TENANT = 'organizations';
/** Host msal sees for a local authority; never resolved, only matched against knownAuthorities. */
export const LOCAL_AUTHORITY_HOST = 'login.dynasync.local';

export interface MsalAuthorityConfig {
  authority: string;
  knownAuthorities?: string[];
  authorityMetadata?: string;
}

export function resolveAuthority(authority: string | undefined, tenant: string): MsalAuthorityConfig {
  const base = trimSlashes(authority ?? DEFAULT_AUTHORITY);
  const url = new URL(base);
  if (url.protocol === 'https:') return { authority: `${base}/${tenant}` };
  if (url.protocol !== 'http:') throw new TypeError(`Unsupported authority URL: ${base}`);

  const fake = `https://${LOCAL_AUTHORITY_HOST}/${tenant}`;
  const metadata: AuthorityMetadata = {
    issuer: `${fake}/v2.0`,
    authorization_endpoint: `${base}/${tenant}/oauth2/v2.0/authorize`,
    token_endpoint: `${base}/${tenant}/oauth2/v2.0/token`,
    jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`,
  };
  return {
    authority: fake,
    knownAuthorities: [LOCAL_AUTHORITY_HOST],
    authorityMetadata: JSON.stringify(metadata),
  };
}

const trimSlashes = (s: string): string => s.replace(/\/+$/, '');
