/**
 * A control plane on a real fastify server with a fake data plane: a tiny schema (account, lead,
 * systemuser) and data handlers that honour security the way the real data plane must. Lets the
 * control-plane tests run without the data plane and pins down exactly what they depend on.
 */
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClock } from '../../../src/emulator/clock.js';
import type {
  DataService,
  EmulatorContext,
  OrgSettings,
  Principal,
  SchemaRegistry,
} from '../../../src/emulator/context.js';
import { createAdmin, type EmulatorAdmin } from '../../../src/emulator/faults/admin.js';
import { createDispatcher, type DataHandlers } from '../../../src/emulator/http/router.js';
import type { EmuRequest } from '../../../src/emulator/http/types.js';
import { stableUuid } from '../../../src/emulator/identity/ids.js';
import { createIdentityService } from '../../../src/emulator/identity/service.js';
import { createControlHandlers } from '../../../src/emulator/metadata/handlers.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_USERS,
  type EmulatorUserOptions,
  type ServiceProtectionLimits,
} from '../../../src/emulator/options.js';
import { installPipeline } from '../../../src/emulator/protection/pipeline.js';
import type { ColumnDef, ColumnType, TableDef } from '../../../src/emulator/schema/types.js';
import { wireName } from '../../../src/emulator/schema/types.js';
import { createSecurityService } from '../../../src/emulator/security/service.js';
import { createServer, registerWebApi } from '../../../src/emulator/server.js';
import { API_PATH } from '../../../src/wire/index.js';

const col = (table: string, logicalName: string, type: ColumnType, extra: Partial<ColumnDef> = {}): ColumnDef => ({
  logicalName,
  schemaName: logicalName,
  type,
  displayName: logicalName,
  metadataId: stableUuid('test-attr', `${table}.${logicalName}`),
  requiredLevel: 'None',
  isValidForRead: true,
  isValidForCreate: true,
  isValidForUpdate: true,
  isSecured: false,
  isCustom: false,
  ...extra,
});

const table = (logicalName: string, entitySetName: string, otc: number, columns: ColumnDef[]): TableDef => ({
  logicalName,
  entitySetName,
  schemaName: logicalName[0]!.toUpperCase() + logicalName.slice(1),
  displayName: logicalName,
  displayCollectionName: entitySetName,
  primaryIdAttribute: `${logicalName}id`,
  primaryNameAttribute: columns[1]!.logicalName,
  metadataId: stableUuid('test-table', logicalName),
  objectTypeCode: otc,
  ownership: 'UserOwned',
  changeTrackingEnabled: true,
  columns: new Map(columns.map((c) => [c.logicalName, c])),
});

export function fakeSchema(): SchemaRegistry {
  const tables = [
    table('account', 'accounts', 1, [
      col('account', 'accountid', 'Uniqueidentifier', { isPrimaryId: true }),
      col('account', 'name', 'String', {
        maxLength: 160,
        requiredLevel: 'ApplicationRequired',
        isPrimaryName: true,
        displayName: 'Account Name',
      }),
      col('account', 'industrycode', 'Picklist', {
        options: [
          { value: 1, label: 'Accounting' },
          { value: 2, label: 'Agriculture' },
        ],
      }),
      col('account', 'creditlimit', 'Money', { isSecured: true }),
      col('account', 'statecode', 'State', {
        options: [
          { value: 0, label: 'Active' },
          { value: 1, label: 'Inactive' },
        ],
      }),
      col('account', 'statuscode', 'Status', {
        options: [
          { value: 1, label: 'Active' },
          { value: 2, label: 'Inactive' },
        ],
      }),
      col('account', 'donotemail', 'Boolean', {
        options: [
          { value: 0, label: 'Allow' },
          { value: 1, label: 'Do Not Allow' },
        ],
      }),
      col('account', 'parentaccountid', 'Lookup', { targets: ['account'] }),
      col('account', 'ownerid', 'Owner', { targets: ['systemuser'] }),
    ]),
    table('lead', 'leads', 4, [
      col('lead', 'leadid', 'Uniqueidentifier', { isPrimaryId: true }),
      col('lead', 'fullname', 'String', { maxLength: 160, isPrimaryName: true }),
      col('lead', 'parentcustomerid', 'Customer', { targets: ['account', 'contact'] }),
    ]),
    table('systemuser', 'systemusers', 8, [
      col('systemuser', 'systemuserid', 'Uniqueidentifier', { isPrimaryId: true }),
      col('systemuser', 'fullname', 'String', { maxLength: 200, isPrimaryName: true }),
    ]),
  ];
  const listeners: Parameters<SchemaRegistry['onChange']>[0][] = [];
  const must = (name: string): TableDef => tables.find((t) => t.logicalName === name) ?? assertNever(name);
  return {
    tables: () => tables,
    table: (name) => tables.find((t) => t.logicalName === name),
    tableBySet: (set) => tables.find((t) => t.entitySetName === set),
    addColumn(t, c) {
      must(t).columns.set(c.logicalName, c);
      listeners.forEach((l) => l({ table: t, added: c }));
    },
    addTable(def) {
      tables.push(def);
      listeners.forEach((l) => l({ table: def.logicalName, addedTable: def }));
    },
    removeColumn(t, name) {
      must(t).columns.delete(name);
      listeners.forEach((l) => l({ table: t, removed: name }));
    },
    onChange: (l) => void listeners.push(l),
  };
}

const assertNever = (name: string): never => {
  throw new Error(`no table ${name}`);
};

/** Records what the admin asked of the data plane. */
export interface FakeData extends DataService {
  readonly calls: string[];
}

function fakeData(): FakeData {
  const calls: string[] = [];
  return {
    calls,
    count: () => 1,
    expireDeltaTokens: (t) => void calls.push(`expireDeltaTokens(${t ?? '*'})`),
    create: () => 'id',
    update: () => undefined,
    remove: () => undefined,
    corrupt: (t, id, c, v) => void calls.push(`corrupt(${t},${id},${c},${JSON.stringify(v)})`),
    ids: () => [],
  };
}

/** One row per table; secured columns the caller may not read come back null, like Dataverse. `?delayMs=` slows the handler. */
function fakeHandlers(ctx: EmulatorContext): DataHandlers {
  const row = (t: TableDef, p: Principal): Record<string, unknown> => {
    const hidden = ctx.security.unreadableColumns(p, t.logicalName);
    const out: Record<string, unknown> = {};
    for (const c of t.columns.values())
      out[wireName(c)] = hidden.has(c.logicalName) ? null : c.type === 'Money' ? 1000 : `${c.logicalName}-value`;
    return out;
  };
  const tableOf = (req: EmuRequest): TableDef => {
    const set = 'entitySet' in req.path ? req.path.entitySet : '';
    const t = ctx.schema.tableBySet(set);
    if (!t) throw new Error(`unknown set ${set}`);
    return t;
  };
  return {
    serviceDocument: (req) => ({ status: 200, body: { '@odata.context': `${req.baseUrl}$metadata`, value: [] } }),
    async collection(req) {
      const t = tableOf(req);
      ctx.security.assertCanRead(req.principal, t.logicalName);
      const delay = Number(req.query.get('delayMs') ?? 0);
      if (delay > 0) await sleep(delay);
      return {
        status: 200,
        body: { '@odata.context': `${req.baseUrl}$metadata#${t.entitySetName}`, value: [row(t, req.principal)] },
      };
    },
    count: () => ({ status: 200, headers: { 'content-type': 'text/plain' }, body: '1' }),
    entity: () => ({ status: 204 }),
    boundAction: () => undefined,
    batch: async () => ({
      status: 200,
      headers: { 'content-type': 'multipart/mixed; boundary=batchresponse_x' },
      body: '--batchresponse_x--',
    }),
  };
}

export interface ControlPlaneHarness {
  readonly url: string;
  readonly api: string;
  readonly ctx: EmulatorContext;
  readonly admin: EmulatorAdmin;
  readonly data: FakeData;
  /** A bearer token for a user (ROPC) or, with no name, for the dynasync-local app. */
  token(user?: string): Promise<string>;
  /** GET/POST under the API root with a token. */
  get(path: string, init?: { token?: string; headers?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startControlPlane(
  opts: {
    limits?: Partial<ServiceProtectionLimits>;
    enableAdmin?: boolean;
    users?: EmulatorUserOptions[];
    tokenLifetimeSeconds?: number;
  } = {},
): Promise<ControlPlaneHarness> {
  const clock = createClock();
  const org: OrgSettings = {
    organizationId: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d01',
    businessUnitId: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d02',
    name: 'Contoso (test)',
    tenant: 'contoso',
    tenantId: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d03',
    changeTrackingExpiryDays: 7,
  };
  const users = [...DEFAULT_USERS, ...(opts.users ?? [])];
  const schema = fakeSchema();
  const identity = createIdentityService({
    org,
    clock,
    users,
    tokenLifetimeSeconds: opts.tokenLifetimeSeconds ?? 3600,
  });
  const security = createSecurityService({ schema, identity, users });
  const data = fakeData();
  const partial = { clock, org, schema, data, identity, security };
  const ctx: EmulatorContext = { ...partial, control: createControlHandlers(partial) };
  const app = createServer();
  installPipeline(app, ctx, { limits: { ...DEFAULT_LIMITS, ...opts.limits }, enableAdmin: opts.enableAdmin ?? false });
  registerWebApi(app, createDispatcher(ctx, fakeHandlers(ctx)));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const api = `${url}${API_PATH}/`;
  const token = async (user?: string): Promise<string> => {
    const form: Record<string, string> = user
      ? {
          grant_type: 'password',
          client_id: 'dynasync-local',
          username: user,
          password: 'Passw0rd!',
          scope: `${url}/.default openid profile offline_access`,
        }
      : {
          grant_type: 'client_credentials',
          client_id: 'dynasync-local',
          client_secret: 'local-secret',
          scope: `${url}/.default`,
        };
    const res = await postForm(`${url}/contoso/oauth2/v2.0/token`, form);
    const body = (await res.json()) as { access_token?: string };
    if (!body.access_token) throw new Error(`no token for ${user ?? 'app'}: ${JSON.stringify(body)}`);
    return body.access_token;
  };
  let defaultToken: string | undefined;
  return {
    url,
    api,
    ctx,
    data,
    token,
    admin: createAdmin(ctx),
    async get(path, init = {}) {
      const t = init.token ?? (defaultToken ??= await token('sync@contoso.test'));
      return fetch(`${api}${path}`, {
        headers: { authorization: `Bearer ${t}`, accept: 'application/json', ...init.headers },
      });
    },
    close: () => app.close(),
  };
}

export const postForm = (
  url: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
