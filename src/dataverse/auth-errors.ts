/**
 * Entra ID sign-in failures, mapped once to the codes `dynasync validate` and the sync report.
 * msal-node puts the AADSTS number in `errorNo` (first of `error_codes`) and in the description;
 * we read both because an InteractionRequiredAuthError (MFA) carries it the same way.
 */
import { FatalError, RetriableError, isSyncError, type ErrorCode, type SyncError } from '../domain/index.js';

interface EntraFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

const ENTRA_CODES: Readonly<Record<string, EntraFailure>> = {
  '50126': { code: 'wrong_password', message: 'The user name or password is wrong (AADSTS50126).' },
  '50076': {
    code: 'mfa_required',
    message:
      'This user must use multi-factor authentication, which the password grant cannot do (AADSTS50076). ' +
      'Use a sync account without MFA, or an application user with a client secret.',
  },
  '50079': {
    code: 'mfa_required',
    message:
      'This user must register for multi-factor authentication, which the password grant cannot do (AADSTS50079). ' +
      'Use a sync account without MFA, or an application user with a client secret.',
  },
  '7000215': { code: 'wrong_client_secret', message: 'The client secret is wrong or expired (AADSTS7000215).' },
  '700016': {
    code: 'unknown_client',
    message: 'No application with this client id exists in the tenant (AADSTS700016). Check --client-id and --tenant.',
  },
  '90002': { code: 'unknown_tenant', message: 'The tenant was not found (AADSTS90002). Check --tenant.' },
  '50057': { code: 'user_disabled', message: 'The user account is disabled (AADSTS50057).' },
};

/**
 * The codes of a sign-in that Entra ID refused (not one it could not answer): retrying with the
 * same credentials cannot help, someone must change them.
 */
export const SIGN_IN_REFUSED_CODES: ReadonlySet<string> = new Set([
  ...Object.values(ENTRA_CODES).map((c) => c.code),
  'auth_failed',
]);

/** Error codes of msal itself (not of Entra) that mean "try again later". */
const TRANSIENT_MSAL_CODES = new Set([
  'network_error',
  'token_parsing_error',
  'temporarily_unavailable',
  'server_error',
]);

interface MsalLikeError {
  errorCode?: unknown;
  errorNo?: unknown;
  errorMessage?: unknown;
  message?: unknown;
  status?: unknown;
}

export function aadstsCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as MsalLikeError;
  if (typeof e.errorNo === 'string' || typeof e.errorNo === 'number') return String(e.errorNo);
  const text = `${String(e.errorMessage ?? '')} ${String(e.message ?? '')}`;
  return /AADSTS(\d+)/.exec(text)?.[1];
}

/** Where the sign-in was sent: to name an unreachable host instead of blaming the sign-in service. */
export interface SignInTarget {
  readonly authority: string;
  readonly orgUrl: string;
}

/** Turns anything msal-node throws into a typed error. Never includes the request (it holds the password). */
export function mapAuthError(err: unknown, target?: SignInTarget): SyncError {
  if (isSyncError(err)) return err;
  const aadsts = aadstsCode(err);
  const known = aadsts === undefined ? undefined : ENTRA_CODES[aadsts];
  if (known) return new FatalError(known.code, known.message, { cause: err });

  const e = (typeof err === 'object' && err !== null ? err : {}) as MsalLikeError;
  const status = typeof e.status === 'number' ? e.status : undefined;
  const msalCode = typeof e.errorCode === 'string' ? e.errorCode : '';
  if (msalCode === 'network_error' && target) return unreachable(target, err);
  if (TRANSIENT_MSAL_CODES.has(msalCode) || status === 429 || (status !== undefined && status >= 500)) {
    return new RetriableError(
      'auth_unavailable',
      `The sign-in service is unavailable (${msalCode || status}).`,
      undefined,
      {
        cause: err,
      },
    );
  }
  const detail = aadsts ? `AADSTS${aadsts}` : msalCode || 'unknown error';
  return new FatalError('auth_failed', `Sign-in failed (${detail}): ${firstLine(e.errorMessage ?? e.message)}`, {
    cause: err,
  });
}

/**
 * No answer at all from the token endpoint. With a local emulator the authority is the
 * organization itself, so the organization is what is unreachable; otherwise Entra ID is.
 */
function unreachable(target: SignInTarget, err: unknown): RetriableError {
  const host = (url: string): string => {
    try {
      return new URL(url).host;
    } catch {
      return url;
    }
  };
  const same = host(target.authority) === host(target.orgUrl);
  const message = same
    ? `The organization ${target.orgUrl} is unreachable (no answer from ${host(target.orgUrl)}): check the URL, that it is running, and the network.`
    : `The sign-in service ${host(target.authority)} is unreachable: check the network and proxy, and --authority / --tenant if you set them.`;
  return new RetriableError(same ? 'organization_unreachable' : 'authority_unreachable', message, undefined, {
    cause: err,
  });
}

/** Entra descriptions end with trace and correlation ids on further lines; keep the readable part. */
function firstLine(text: unknown): string {
  const s = typeof text === 'string' ? text : '';
  const description = /Description: (.*?)(?: - Correlation ID|$)/s.exec(s)?.[1] ?? s;
  const line = description.split(/\r?\n/)[0]?.trim() ?? '';
  return line.replace(/^AADSTS\d+:\s*/, '');
}
