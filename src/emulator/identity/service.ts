/**
 * The emulated Entra tenant: users, the one app registration, and the access tokens it issues.
 * Tokens are checked on every Web API call against the emulator clock, so tests can expire them
 * by advancing time or by revoking everything at once.
 */
import { randomUUID } from 'node:crypto';
import { DvCode } from '../../wire/index.js';
import type { Clock, EmulatorUser, IdentityService, OrgSettings, Principal } from '../context.js';
import { DataverseHttpError } from '../errors.js';
import { DEFAULT_APP_ID, DEFAULT_APP_SECRET, DEFAULT_PASSWORD, type EmulatorUserOptions } from '../options.js';
import { stableUuid } from './ids.js';
import { TokenSigner, type Claims } from './tokens.js';

export interface AppRegistration {
  readonly clientId: string;
  readonly secret: string;
  /** The application user (systemuser) that client-credential tokens act as. */
  readonly userId: string;
  readonly displayName: string;
}

interface UserRecord extends EmulatorUser {
  readonly password: string;
  readonly mfaRequired: boolean;
}

export type CredentialCheck =
  { ok: true; user: EmulatorUser } | { ok: false; reason: 'bad_credentials' | 'mfa_required' | 'disabled' };

export interface ControlIdentityService extends IdentityService {
  readonly app: AppRegistration;
  /** `orgUrl` (e.g. `http://127.0.0.1:5555`) goes into the WWW-Authenticate challenge of a 401. */
  authenticate(authorization: string | undefined, orgUrl?: string): Principal;
  findApp(clientId: string): AppRegistration | undefined;
  checkPassword(username: string, password: string): CredentialCheck;
  userPrincipal(user: EmulatorUser, clientId: string): Principal;
  appPrincipal(app: AppRegistration): Principal;
  issueAccessToken(principal: Principal, resource: string): { token: string; expiresIn: number };
  issueRefreshToken(principal: Principal): string;
  /** The principal a refresh token was issued to, if it is ours, unexpired and the user still enabled. */
  redeemRefreshToken(token: string): Principal | undefined;
  userById(id: string): EmulatorUser | undefined;
  addUser(options: EmulatorUserOptions): EmulatorUser;
  setUserDisabled(name: string, disabled: boolean): void;
  /** Every access token issued so far fails from now on (refresh tokens keep working). */
  revokeAccessTokens(): void;
}

const REFRESH_LIFETIME_S = 90 * 24 * 3600;
const userIdFor = (upn: string): string => stableUuid('systemuser', upn);

export function createIdentityService(deps: {
  org: OrgSettings;
  clock: Clock;
  users: EmulatorUserOptions[];
  tokenLifetimeSeconds: number;
}): ControlIdentityService {
  const { org, clock } = deps;
  const signer = new TokenSigner();
  const byId = new Map<string, UserRecord>();
  const app: AppRegistration = {
    clientId: DEFAULT_APP_ID,
    secret: DEFAULT_APP_SECRET,
    userId: stableUuid('applicationuser', DEFAULT_APP_ID),
    displayName: `# ${DEFAULT_APP_ID}`,
  };
  // The application user is a systemuser too; it has no password, so ROPC can never sign in as it.
  byId.set(app.userId, {
    id: app.userId,
    name: app.clientId,
    fullName: app.displayName,
    disabled: false,
    password: '',
    mfaRequired: false,
  });
  let generation = 1;
  let lastOrgUrl = 'http://127.0.0.1';
  const nowS = (): number => Math.floor(clock.now() / 1000);
  const byName = (name: string): UserRecord | undefined =>
    byId.get(userIdFor(name)) ?? [...byId.values()].find((u) => u.name === name);

  const addUser = (o: EmulatorUserOptions): EmulatorUser => {
    const id = userIdFor(o.name);
    if (byId.has(id)) throw new Error(`user ${o.name} already exists`);
    const record: UserRecord = {
      id,
      name: o.name.toLowerCase(),
      fullName: o.fullName ?? o.name.split('@')[0]!,
      disabled: o.disabled ?? false,
      password: o.password ?? DEFAULT_PASSWORD,
      mfaRequired: o.mfaRequired ?? false,
    };
    byId.set(id, record);
    return publicUser(record);
  };
  deps.users.forEach(addUser);

  const challenge = (message: string): DataverseHttpError =>
    new DataverseHttpError(401, DvCode.Unauthenticated, message, {
      'www-authenticate': `Bearer authorization_uri=${lastOrgUrl}/${org.tenantId}/oauth2/authorize, resource_id=${lastOrgUrl}`,
    });

  const principalOf = (claims: Claims): Principal | undefined => {
    const user = typeof claims.oid === 'string' ? byId.get(claims.oid) : undefined;
    if (!user || user.disabled) return undefined;
    const kind = claims.idtyp === 'app' ? 'application' : 'user';
    return { userId: user.id, name: user.name, kind, appId: String(claims.appid) };
  };

  return {
    app,
    users: () => [...byId.values()].map(publicUser),
    userIdByName: (name) => byName(name)?.id,
    userById: (id) => {
      const u = byId.get(id.toLowerCase());
      return u && publicUser(u);
    },
    addUser,
    setUserDisabled(name, disabled) {
      const u = byName(name);
      if (!u) throw new Error(`no user ${name}`);
      byId.set(u.id, { ...u, disabled });
    },
    findApp: (clientId) => (clientId === app.clientId ? app : undefined),
    checkPassword(username, password) {
      const u = byName(username);
      if (!u || u.id === app.userId || u.password !== password) return { ok: false, reason: 'bad_credentials' };
      if (u.disabled) return { ok: false, reason: 'disabled' };
      if (u.mfaRequired) return { ok: false, reason: 'mfa_required' };
      return { ok: true, user: publicUser(u) };
    },
    userPrincipal: (user, clientId) => ({ userId: user.id, name: user.name, kind: 'user', appId: clientId }),
    appPrincipal: (a) => ({ userId: a.userId, name: a.clientId, kind: 'application', appId: a.clientId }),
    issueAccessToken(p, resource) {
      const iat = nowS();
      const expiresIn = deps.tokenLifetimeSeconds;
      const claims: Claims = {
        aud: resource,
        iss: `https://sts.windows.net/${org.tenantId}/`,
        iat,
        nbf: iat,
        exp: iat + expiresIn,
        oid: p.userId,
        sub: p.userId,
        tid: org.tenantId,
        appid: p.appId,
        idtyp: p.kind === 'application' ? 'app' : 'user',
        ...(p.kind === 'user' ? { upn: p.name, scp: 'user_impersonation' } : {}),
        typ: 'access',
        gen: generation,
        jti: randomUUID(),
      };
      return { token: signer.sign(claims), expiresIn };
    },
    issueRefreshToken: (p) =>
      signer.sign({
        typ: 'refresh',
        oid: p.userId,
        appid: p.appId,
        exp: nowS() + REFRESH_LIFETIME_S,
        jti: randomUUID(),
      }),
    redeemRefreshToken(token) {
      const claims = signer.verify(token);
      if (!claims || claims.typ !== 'refresh' || Number(claims.exp) <= nowS()) return undefined;
      const p = principalOf(claims);
      return p?.kind === 'user' ? p : undefined;
    },
    revokeAccessTokens: () => {
      generation++;
    },
    authenticate(authorization, orgUrl) {
      if (orgUrl) lastOrgUrl = orgUrl.replace(/\/+$/, '');
      const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!m) throw challenge('Bearer token is missing from the Authorization header.');
      const claims = signer.verify(m[1]!);
      if (!claims || claims.typ !== 'access') throw challenge('The access token is invalid.');
      if (Number(claims.exp) * 1000 <= clock.now()) throw challenge('The access token has expired.');
      if (Number(claims.gen) < generation) throw challenge('The access token has been revoked.');
      const p = principalOf(claims);
      if (!p) throw challenge('The user of this access token is disabled or unknown.');
      return p;
    },
  };
}

const publicUser = (u: UserRecord): EmulatorUser => ({
  id: u.id,
  name: u.name,
  fullName: u.fullName,
  disabled: u.disabled,
});

/** The run-time controls exist only on the service created here; the pipeline and admin need them. */
export function controlIdentity(i: IdentityService): ControlIdentityService {
  if (!('revokeAccessTokens' in i)) throw new Error('the identity service has no run-time controls');
  return i as ControlIdentityService;
}
