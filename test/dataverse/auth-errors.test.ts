import { describe, expect, it } from 'vitest';
import { InteractionRequiredAuthError, ServerError } from '@azure/msal-node';
import { FatalError, RetriableError } from '../../src/domain/index.js';
import { aadstsCode, mapAuthError } from '../../src/dataverse/auth-errors.js';
import { LOCAL_AUTHORITY_HOST, resolveAuthority } from '../../src/dataverse/authority.js';

/** msal-node builds ServerError messages like this from Entra's JSON. */
const serverError = (error: string, code: number, text: string) =>
  new ServerError(
    error,
    'corr',
    `Error(s): ${code} - Timestamp: t - Description: AADSTS${code}: ${text}\r\nTrace ID: x - Correlation ID: y - Trace ID: z`,
    undefined,
    String(code),
    400,
  );

describe('mapAuthError', () => {
  it.each([
    [
      serverError('invalid_grant', 50126, 'Error validating credentials due to invalid username or password.'),
      'wrong_password',
    ],
    [
      new InteractionRequiredAuthError(
        'invalid_grant',
        'corr',
        'AADSTS50076: Due to a configuration change…',
        'basic_action',
        '',
        '',
        '',
        '50076',
      ),
      'mfa_required',
    ],
    [serverError('invalid_grant', 50079, 'The user is required to use MFA.'), 'mfa_required'],
    [serverError('invalid_client', 7000215, 'Invalid client secret provided.'), 'wrong_client_secret'],
    [serverError('unauthorized_client', 700016, 'Application not found in the directory.'), 'unknown_client'],
    [serverError('invalid_request', 90002, "Tenant 'nope' not found."), 'unknown_tenant'],
    [serverError('invalid_grant', 50057, 'The user account is disabled.'), 'user_disabled'],
  ])('maps %s to %s', (error, code) => {
    const mapped = mapAuthError(error);
    expect(mapped).toBeInstanceOf(FatalError);
    expect(mapped.code).toBe(code);
    expect(mapped.cause).toBe(error);
  });

  it('keeps the AADSTS code of an unknown failure and drops trace lines', () => {
    const mapped = mapAuthError(serverError('invalid_grant', 50053, 'The account is locked.'));
    expect(mapped).toMatchObject({ kind: 'fatal', code: 'auth_failed' });
    expect(mapped.message).toBe('Sign-in failed (AADSTS50053): The account is locked.');
  });

  it('reads the AADSTS number from the message when errorNo is absent', () => {
    expect(aadstsCode(new Error('AADSTS50126: Error validating credentials'))).toBe('50126');
    expect(mapAuthError(new Error('AADSTS50126: bad'))).toMatchObject({ code: 'wrong_password' });
  });

  it('treats an unreachable or failing sign-in service as retriable', () => {
    const network = Object.assign(new Error('Network request failed: ECONNREFUSED'), { errorCode: 'network_error' });
    expect(mapAuthError(network)).toBeInstanceOf(RetriableError);
    expect(
      mapAuthError(new ServerError('temporarily_unavailable', 'c', 'busy', undefined, undefined, 503)),
    ).toMatchObject({ code: 'auth_unavailable' });
  });

  it('passes typed errors through', () => {
    const e = new FatalError('connection_incomplete', 'x');
    expect(mapAuthError(e)).toBe(e);
  });
});

describe('resolveAuthority', () => {
  it('uses real Entra as given for an https authority', () => {
    expect(resolveAuthority(undefined, 'organizations')).toEqual({
      authority: 'https://login.microsoftonline.com/organizations',
    });
    expect(resolveAuthority('https://login.microsoftonline.us/', 'contoso.onmicrosoft.com')).toEqual({
      authority: 'https://login.microsoftonline.us/contoso.onmicrosoft.com',
    });
  });

  it('points a fake https authority at the local http token endpoint', () => {
    const cfg = resolveAuthority('http://127.0.0.1:5555/', 'contoso');
    expect(cfg.authority).toBe(`https://${LOCAL_AUTHORITY_HOST}/contoso`);
    expect(cfg.knownAuthorities).toEqual([LOCAL_AUTHORITY_HOST]);
    expect(JSON.parse(cfg.authorityMetadata!)).toMatchObject({
      token_endpoint: 'http://127.0.0.1:5555/contoso/oauth2/v2.0/token',
      issuer: `https://${LOCAL_AUTHORITY_HOST}/contoso/v2.0`,
    });
  });
});

describe('an unreachable sign-in (issue 9: reported as unreachable, not as the sign-in service)', () => {
  const network = Object.assign(new Error('network_error: Network request failed'), { errorCode: 'network_error' });

  it('names the organization when it is its own authority (a local emulator)', () => {
    const e = mapAuthError(network, { orgUrl: 'http://127.0.0.1:9', authority: 'http://127.0.0.1:9' });
    expect(e).toBeInstanceOf(RetriableError);
    expect(e).toMatchObject({ code: 'organization_unreachable' });
    expect(e.message).toMatch(/organization http:\/\/127\.0\.0\.1:9 is unreachable/);
  });

  it('names Entra ID when the token endpoint is elsewhere', () => {
    const e = mapAuthError(network, {
      orgUrl: 'https://contoso.crm.dynamics.com',
      authority: 'https://login.microsoftonline.com',
    });
    expect(e).toMatchObject({ code: 'authority_unreachable' });
    expect(e.message).toMatch(/sign-in service login\.microsoftonline\.com is unreachable/);
  });
});
