/**
 * The Entra v2 endpoints msal-node talks to: `/{tenant}/oauth2/v2.0/token` (password, client
 * credentials and refresh grants), plus the OpenID configuration and an (empty) key set.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { OrgSettings, Principal } from '../context.js';
import { orgUrlOf } from '../http/org-url.js';
import type { TokenResponse } from '../../wire/index.js';
import { Entra, EntraError } from './entra-errors.js';
import type { ControlIdentityService } from './service.js';
import { b64url, unsignedJwt } from './tokens.js';

type Form = Record<string, string>;

export function registerTokenRoutes(
  app: FastifyInstance,
  identity: ControlIdentityService,
  org: OrgSettings,
  now: () => number,
): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    });
    const knownTenant = (t: string): boolean =>
      [org.tenant, org.tenantId, 'organizations', `${org.tenant}.onmicrosoft.com`].includes(t.toLowerCase());

    scope.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/token', async (req, reply) => {
      try {
        if (!knownTenant(req.params.tenant)) throw Entra.unknownTenant(req.params.tenant);
        const form = withBasicAuth(req, (req.body ?? {}) as Form);
        const body = grant(identity, form, issuerOf(req, org));
        return reply.code(200).header('cache-control', 'no-store, no-cache').send(body);
      } catch (err) {
        if (!(err instanceof EntraError)) throw err;
        const correlationId = req.headers['client-request-id'];
        return reply
          .code(err.status)
          .send(err.toBody(new Date(now()), typeof correlationId === 'string' ? correlationId : undefined));
      }
    });

    scope.get<{ Params: { tenant: string } }>('/:tenant/v2.0/.well-known/openid-configuration', async (req, reply) => {
      if (!knownTenant(req.params.tenant))
        return reply.code(400).send(Entra.unknownTenant(req.params.tenant).toBody(new Date(now())));
      const base = `${originOf(req)}/${org.tenantId}`;
      return {
        issuer: issuerOf(req, org),
        authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
        token_endpoint: `${base}/oauth2/v2.0/token`,
        end_session_endpoint: `${base}/oauth2/v2.0/logout`,
        jwks_uri: `${base}/discovery/v2.0/keys`,
        response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
        subject_types_supported: ['pairwise'],
        id_token_signing_alg_values_supported: ['RS256'],
        scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
        grant_types_supported: ['password', 'client_credentials', 'refresh_token'],
        tenant_region_scope: 'EU',
      };
    });

    // Access tokens are HMAC-signed with a process-local secret, which must not be published.
    scope.get('/:tenant/discovery/v2.0/keys', async () => ({ keys: [] }));
  });
}

const originOf = (req: FastifyRequest): string => orgUrlOf(req, '127.0.0.1');
const issuerOf = (req: FastifyRequest, org: OrgSettings): string => `${originOf(req)}/${org.tenantId}/v2.0`;

/** RFC 6749 section 2.3.1: client_id and client_secret may come as HTTP Basic credentials. */
function withBasicAuth(req: FastifyRequest, form: Form): Form {
  const m = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!m) return form;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return form;
  return {
    ...form,
    client_id: form.client_id ?? decodeURIComponent(decoded.slice(0, colon)),
    client_secret: form.client_secret ?? decodeURIComponent(decoded.slice(colon + 1)),
  };
}

function grant(identity: ControlIdentityService, form: Form, issuer: string): TokenResponse {
  const clientId = required(form, 'client_id');
  const grantType = required(form, 'grant_type');
  const app = identity.findApp(clientId);
  if (!app) throw Entra.unknownApp(clientId, 'Contoso');
  const scopes = required(form, 'scope').split(/\s+/).filter(Boolean);
  const resource = resourceOf(scopes);

  if (grantType === 'client_credentials') {
    if (form.client_secret === undefined) throw Entra.missingSecret();
    if (form.client_secret !== app.secret) throw Entra.badSecret(clientId);
    if (!resource || !scopes.some((s) => s.endsWith('/.default'))) throw Entra.clientCredentialScope(form.scope ?? '');
    const { token, expiresIn } = identity.issueAccessToken(identity.appPrincipal(app), resource);
    return { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
  }
  // A public client sends no secret; a confidential one must send the right one.
  if (form.client_secret !== undefined && form.client_secret !== app.secret) throw Entra.badSecret(clientId);
  if (!resource)
    throw new EntraError(
      400,
      'invalid_scope',
      70011,
      "The provided value for the input parameter 'scope' is not valid.",
    );

  let principal: Principal;
  if (grantType === 'password') {
    const check = identity.checkPassword(required(form, 'username'), required(form, 'password'));
    if (!check.ok)
      throw check.reason === 'mfa_required'
        ? Entra.mfaRequired()
        : check.reason === 'disabled'
          ? Entra.disabled()
          : Entra.badCredentials();
    principal = identity.userPrincipal(check.user, clientId);
  } else if (grantType === 'refresh_token') {
    const p = identity.redeemRefreshToken(required(form, 'refresh_token'));
    if (!p) throw Entra.badRefreshToken();
    principal = { ...p, appId: clientId };
  } else {
    throw Entra.unsupportedGrant(grantType);
  }
  return userTokens(identity, principal, resource, scopes, form, issuer);
}

function userTokens(
  identity: ControlIdentityService,
  p: Principal,
  resource: string,
  scopes: string[],
  form: Form,
  issuer: string,
): TokenResponse {
  const { token, expiresIn } = identity.issueAccessToken(p, resource);
  const out: TokenResponse = {
    token_type: 'Bearer',
    scope: `${resource}/user_impersonation ${resource}/.default`,
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: token,
  };
  const user = identity.userById(p.userId);
  const tid = issuer.split('/').at(-2)!;
  if (scopes.includes('offline_access') || form.grant_type === 'refresh_token')
    out.refresh_token = identity.issueRefreshToken(p);
  if (scopes.includes('openid')) {
    // Real time, not emulator time: msal-node reads id_token times against its own clock.
    const iat = Math.floor(Date.now() / 1000);
    out.id_token = unsignedJwt({
      ver: '2.0',
      iss: issuer,
      aud: form.client_id,
      iat,
      nbf: iat,
      exp: iat + expiresIn,
      sub: p.userId,
      oid: p.userId,
      tid,
      name: user?.fullName ?? p.name,
      preferred_username: p.name,
    });
  }
  if (form.client_info === '1') out.client_info = b64url(JSON.stringify({ uid: p.userId, utid: tid }));
  return out;
}

function required(form: Form, name: string): string {
  const v = form[name];
  if (v === undefined || v === '') throw Entra.missingParameter(name);
  return v;
}

/** `https://org.crm.dynamics.com/.default` → `https://org.crm.dynamics.com`; OIDC scopes are not resources. */
function resourceOf(scopes: string[]): string | undefined {
  const oidc = new Set(['openid', 'profile', 'offline_access', 'email']);
  const first = scopes.find((s) => !oidc.has(s));
  return first?.replace(/\/(\.default|user_impersonation)$/, '');
}
