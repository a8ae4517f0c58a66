/**
 * Access tokens for the Dataverse Web API, from Entra ID through msal-node. msal keeps the cache
 * and renews a token before it expires (its default renewal offset is 5 minutes); this class only
 * chooses the grant, de-duplicates concurrent sign-ins, and forces one refresh after a 401.
 */
import {
  ConfidentialClientApplication,
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  type AccountInfo,
  type AuthenticationResult,
  type Configuration,
} from '@azure/msal-node';
import { FatalError } from '../domain/index.js';
import type { Logger } from '../config/index.js';
import { DEFAULT_AUTHORITY, DEFAULT_ROPC_TENANT, resolveAuthority } from './authority.js';
import { mapAuthError, type SignInTarget } from './auth-errors.js';

export interface ConnectionSettings {
  /** Organization URL, e.g. `https://contoso.crm4.dynamics.com` (the Web API is under /api/data/v9.2/). */
  orgUrl: string;
  authKind: 'password' | 'client_credentials';
  username?: string;
  password?: string;
  clientId: string;
  clientSecret?: string;
  tenant?: string;
  /** Entra authority host. Default `https://login.microsoftonline.com`; an http:// URL means a local emulator. */
  authority?: string;
}

/** What the Web API layer needs from authentication (tests inject a fake). */
export interface TokenSource {
  getToken(): Promise<string>;
  /** The API rejected `token` with a 401: get a fresh one unless another request already did. */
  refreshAfterRejection(token: string): Promise<string>;
}

/**
 * Dataverse is only ever served over https; an http:// organization is the local emulator, which
 * also issues the tokens, so its origin is the authority unless one was given.
 */
export const localAuthorityFor = (orgUrl: string): string | undefined => {
  const url = new URL(orgUrl);
  return url.protocol === 'http:' ? url.origin : undefined;
};

export const normalizeOrgUrl = (orgUrl: string): string => orgUrl.trim().replace(/\/+$/, '');

export class MsalTokenSource implements TokenSource {
  private readonly app: PublicClientApplication | ConfidentialClientApplication;
  private readonly scopes: string[];
  private readonly target: SignInTarget;
  private account: AccountInfo | null = null;
  private current: string | undefined;
  private inflight: Promise<string> | undefined;

  constructor(
    private readonly settings: ConnectionSettings,
    logger: Logger,
  ) {
    assertComplete(settings);
    this.scopes = [`${normalizeOrgUrl(settings.orgUrl)}/.default`];
    this.target = {
      orgUrl: normalizeOrgUrl(settings.orgUrl),
      authority: settings.authority ?? localAuthorityFor(settings.orgUrl) ?? DEFAULT_AUTHORITY,
    };
    const tenant = settings.tenant ?? DEFAULT_ROPC_TENANT;
    const config: Configuration = {
      auth: {
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        ...resolveAuthority(settings.authority ?? localAuthorityFor(settings.orgUrl), tenant),
      },
      system: { loggerOptions: msalLogging(logger) },
    };
    this.app = settings.clientSecret ? new ConfidentialClientApplication(config) : new PublicClientApplication(config);
  }

  getToken(): Promise<string> {
    return this.inflight ?? this.start(false);
  }

  async refreshAfterRejection(token: string): Promise<string> {
    // Another request may be signing in right now, or may already have replaced the rejected token.
    if (this.inflight) {
      const fresh = await this.inflight.catch(() => undefined);
      if (fresh !== undefined && fresh !== token) return fresh;
    } else if (this.current !== undefined && this.current !== token) {
      return this.current;
    }
    return this.inflight ?? this.start(true);
  }

  /** Concurrent callers share one sign-in, so a cold start with 8 requests makes one token request. */
  private start(forceRefresh: boolean): Promise<string> {
    const run = this.acquire(forceRefresh)
      .then((r) => (this.current = r.accessToken))
      .catch((e: unknown) => Promise.reject(mapAuthError(e, this.target)))
      .finally(() => {
        if (this.inflight === run) this.inflight = undefined;
      });
    this.inflight = run;
    return run;
  }

  private async acquire(forceRefresh: boolean): Promise<AuthenticationResult> {
    if (this.settings.authKind === 'client_credentials') {
      const app = this.app as ConfidentialClientApplication;
      const result = await app.acquireTokenByClientCredential({ scopes: this.scopes, skipCache: forceRefresh });
      if (!result) throw new FatalError('auth_failed', 'Sign-in returned no token.');
      return result;
    }
    if (this.account) {
      try {
        return await this.app.acquireTokenSilent({ account: this.account, scopes: this.scopes, forceRefresh });
      } catch (e) {
        // No usable refresh token (never issued, expired or revoked): sign in with the password again.
        if (!(e instanceof InteractionRequiredAuthError)) throw e;
      }
    }
    return this.passwordGrant();
  }

  private async passwordGrant(): Promise<AuthenticationResult> {
    // ROPC is deprecated by Microsoft but is what the reference product's users configure.
    const result = await this.app.acquireTokenByUsernamePassword({
      scopes: this.scopes,
      username: this.settings.username ?? '',
      password: this.settings.password ?? '',
    });
    if (!result) throw new FatalError('auth_failed', 'Sign-in returned no token.');
    this.account = result.account;
    return result;
  }
}

function assertComplete(s: ConnectionSettings): void {
  const missing: string[] = [];
  if (!s.orgUrl) missing.push('orgUrl');
  if (!s.clientId) missing.push('clientId');
  if (s.authKind === 'password' && !s.username) missing.push('username');
  if (s.authKind === 'password' && !s.password) missing.push('password');
  if (s.authKind === 'client_credentials' && !s.clientSecret) missing.push('clientSecret');
  // Entra has no "organizations" endpoint for client credentials: the app lives in one tenant.
  if (s.authKind === 'client_credentials' && !s.tenant) missing.push('tenant');
  if (missing.length > 0) {
    throw new FatalError('connection_incomplete', `The connection settings lack: ${missing.join(', ')}.`);
  }
}

/** msal's own log lines, PII off; they never contain secrets or tokens with PII logging disabled. */
function msalLogging(logger: Logger): NonNullable<Configuration['system']>['loggerOptions'] {
  const log = logger.child({ component: 'msal' });
  return {
    piiLoggingEnabled: false,
    logLevel: LogLevel.Warning,
    loggerCallback: (level, message) => {
      if (level === LogLevel.Error) log.error(message);
      else log.warn(message);
    },
  };
}
