/**
 * A Web API server with only the data plane real: fixed users, a fake security service (a "limited"
 * user who cannot read leads nor secured columns) and stub control handlers. The caller picks the
 * principal per request with the `x-test-user` header (default: the sync user).
 */
import type { AddressInfo } from 'node:net';
import { createClock } from '../../../src/emulator/clock.js';
import type {
  Clock,
  ControlHandlers,
  DataService,
  EmulatorContext,
  EmulatorUser,
  IdentityService,
  OrgSettings,
  Principal,
  SchemaRegistry,
  SecurityService,
} from '../../../src/emulator/context.js';
import { createDataPlane } from '../../../src/emulator/data/plane.js';
import { DataverseHttpError, forbidden } from '../../../src/emulator/errors.js';
import { createDispatcher } from '../../../src/emulator/http/router.js';
import type { SeedName } from '../../../src/emulator/options.js';
import { createSchemaRegistry } from '../../../src/emulator/schema/registry.js';
import { createServer, registerWebApi } from '../../../src/emulator/server.js';
import { API_PATH } from '../../../src/wire/index.js';

export const USERS: readonly EmulatorUser[] = [
  { id: 'a1a1a1a1-0000-4000-8000-000000000001', name: 'sync@contoso.test', fullName: 'Sync User', disabled: false },
  { id: 'a1a1a1a1-0000-4000-8000-000000000002', name: 'rep@contoso.test', fullName: 'Rita Rep', disabled: false },
  {
    id: 'a1a1a1a1-0000-4000-8000-000000000004',
    name: 'limited@contoso.test',
    fullName: 'Lee Limited',
    disabled: false,
  },
];

export interface TestServerOptions {
  seed?: SeedName | number;
  seedValue?: number;
  changeTrackingDisabled?: string[];
  changeTrackingExpiryDays?: number;
}

export interface TestServer {
  readonly url: string;
  /** `http://127.0.0.1:port/api/data/v9.2/` */
  readonly api: string;
  readonly data: DataService;
  readonly clock: Clock;
  readonly schema: SchemaRegistry;
  readonly org: OrgSettings;
  principal(name?: string): Principal;
  /** fetch relative to the API root; `user` picks the principal. */
  get(path: string, headers?: Record<string, string>, user?: string): Promise<Response>;
  send(
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
    user?: string,
  ): Promise<Response>;
  close(): Promise<void>;
}

const principalOf = (u: EmulatorUser): Principal => ({
  userId: u.id,
  name: u.name,
  kind: 'user',
  appId: 'dynasync-local',
});

function fakeSecurity(schema: SchemaRegistry): SecurityService {
  const limited = (p: Principal) => p.name === 'limited@contoso.test';
  return {
    assertCanRead(p, table) {
      if (limited(p) && table === 'lead')
        throw forbidden(`Principal user (Id=${p.userId}) is missing prvReadLead privilege.`);
    },
    assertCanWrite(p, table) {
      if (limited(p)) throw forbidden(`Principal user (Id=${p.userId}) is missing prvWrite privilege on ${table}.`);
    },
    assertCanWriteColumns() {},
    unreadableColumns(p, table) {
      if (!limited(p)) return new Set();
      return new Set(
        [...(schema.table(table)?.columns.values() ?? [])].filter((c) => c.isSecured).map((c) => c.logicalName),
      );
    },
  };
}

function fakeIdentity(): IdentityService {
  return {
    authenticate: () => principalOf(USERS[0]!),
    userIdByName: (name) => USERS.find((u) => u.name === name)?.id,
    users: () => USERS,
  };
}

const notHere = (): never => {
  throw new DataverseHttpError(501, '0x80040203', 'control plane not part of the data-plane test server');
};
const stubControl: ControlHandlers = {
  metadata: notHere,
  entityDefinitions: notHere,
  whoAmI: notHere,
  totalRecordCount: notHere,
  boundFunction: notHere,
};

export async function startDataPlaneServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const clock = createClock();
  const org: OrgSettings = {
    organizationId: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d01',
    businessUnitId: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d02',
    name: 'Contoso (test)',
    tenant: 'contoso',
    tenantId: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d03',
    changeTrackingExpiryDays: opts.changeTrackingExpiryDays ?? 7,
  };
  const schema = createSchemaRegistry({ changeTrackingDisabled: opts.changeTrackingDisabled ?? [] });
  const identity = fakeIdentity();
  const security = fakeSecurity(schema);
  const { data, handlers } = createDataPlane({
    clock,
    org,
    schema,
    security,
    identity,
    seed: opts.seed ?? 'small',
    seedValue: opts.seedValue ?? 42,
  });
  const ctx: EmulatorContext = { clock, org, schema, data, identity, security, control: stubControl };
  const app = createServer();
  app.addHook('onRequest', async (request) => {
    const name = request.headers['x-test-user'];
    const user = USERS.find((u) => u.name === name) ?? USERS[0]!;
    request.principal = principalOf(user);
  });
  registerWebApi(app, createDispatcher(ctx, handlers));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const api = `${url}${API_PATH}/`;
  const send = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}, user?: string) =>
    fetch(path.startsWith('http') ? path : api + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(user ? { 'x-test-user': user } : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
  return {
    url,
    api,
    data,
    clock,
    schema,
    org,
    principal: (name = 'sync@contoso.test') => principalOf(USERS.find((u) => u.name === name)!),
    get: (path, headers, user) => send('GET', path, undefined, headers, user),
    send,
    close: () => app.close(),
  };
}
