/**
 * A sign-in to Dynamics that was refused, as one typed error: `sign_in_failed`, with the refusal's
 * own code (`wrong_password`, `mfa_required`, ...) as `reason` and Entra's AADSTS message. Status,
 * /metrics and the UI show it as what it is, instead of "unknown" pending changes or an old success.
 */
import { FatalError, isSyncError } from '../domain/index.js';
import { SIGN_IN_REFUSED_CODES } from '../dataverse/index.js';

export class SignInFailedError extends FatalError {
  constructor(
    readonly reason: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super('sign_in_failed', `Sign-in to Dynamics failed: ${message}`, options);
  }
}

/** Stored secrets bound to another destination cannot be used either: they must be entered again. */
const STORE_CODES = new Set(['credentials_not_bound']);

/** A refused sign-in from its code and message (as a table's result carries them), else null. */
export function signInFailure(code: string, message: string, cause?: unknown): SignInFailedError | null {
  if (!SIGN_IN_REFUSED_CODES.has(code) && !STORE_CODES.has(code)) return null;
  return new SignInFailedError(code, message, { cause });
}

/** The error as a SignInFailedError when it is a refused sign-in, else null. */
export function asSignInFailure(err: unknown): SignInFailedError | null {
  if (err instanceof SignInFailedError) return err;
  if (!isSyncError(err) || err.kind !== 'fatal') return null;
  return signInFailure(err.code, err.message, err);
}
