/**
 * startEmulator(): a Dataverse Web API server on 127.0.0.1, for tests, the demo and benchmarks.
 * This file only assembles the parts; each lives in its own folder (see context.ts).
 */
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { EmulatorContext, OrgSettings } from './context.js';
import { createClock } from './clock.js';
import { addSeedCustomTables } from './data/seed-custom.js';
import { createSchemaRegistry } from './schema/registry.js';
import { addSyncFilterColumn } from './schema/sync-filter.js';
import { createIdentityService } from './identity/service.js';
import { createSecurityService } from './security/service.js';
import { createDataPlane } from './data/plane.js';
import { createControlHandlers } from './metadata/handlers.js';
import { installPipeline } from './protection/pipeline.js';
import { createDispatcher } from './http/router.js';
import { createServer, registerWebApi } from './server.js';
import { WebhookService } from './webhooks/service.js';
import { WEBHOOK_ENTITY_SETS, createWebhookHandler } from './webhooks/handlers.js';
import { DEFAULT_LIMITS, DEFAULT_TENANT, DEFAULT_USERS, resolveCostModel, type EmulatorOptions } from './options.js';

export * from './options.js';
export type { EmulatorContext } from './context.js';

export interface EmulatorHandle {
  /** Organization URL, e.g. `http://127.0.0.1:5555` (the Web API is under /api/data/v9.2/). */
  readonly url: string;
  readonly port: number;
  /** The tenant-specific token endpoint. */
  readonly tokenEndpoint: string;
  readonly ctx: EmulatorContext;
  /** Registered webhook endpoints and steps, and their deliveries (tests read these). */
  readonly webhooks: WebhookService;
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const clock = createClock();
  const org: OrgSettings = {
    organizationId: stableId('org'),
    businessUnitId: stableId('bu'),
    name: 'Contoso (emulated)',
    tenant: DEFAULT_TENANT,
    tenantId: stableId('tenant'),
    changeTrackingExpiryDays: options.changeTrackingExpiryDays ?? 7,
  };
  const users = [...DEFAULT_USERS, ...(options.users ?? [])];
  const schema = createSchemaRegistry({ changeTrackingDisabled: options.changeTrackingDisabled ?? [] });
  if (options.syncFilterColumn) addSyncFilterColumn(schema);
  addSeedCustomTables(schema, options.seed ?? 'small');
  const identity = createIdentityService({
    org,
    clock,
    users,
    tokenLifetimeSeconds: options.tokenLifetimeSeconds ?? 3600,
  });
  const security = createSecurityService({ schema, identity, users });
  const webhooks = new WebhookService(
    org,
    () => schema.tables().map((t) => t.logicalName),
    () => clock.now(),
    options.webhooks,
  );
  const { data, handlers } = createDataPlane({
    clock,
    org,
    schema,
    security,
    identity,
    seed: options.seed ?? 'small',
    seedValue: options.seedValue ?? 42,
    events: webhooks,
  });
  const partial = { clock, org, schema, data, identity, security } as Omit<EmulatorContext, 'control'>;
  const ctx: EmulatorContext = { ...partial, control: createControlHandlers(partial) };

  const app = createServer();
  installPipeline(app, ctx, {
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    enableAdmin: options.enableAdmin ?? false,
    costModel: resolveCostModel(options.costModel),
  });
  const extra = { sets: WEBHOOK_ENTITY_SETS, handle: createWebhookHandler(webhooks, security.can, () => clock.now()) };
  registerWebApi(app, createDispatcher(ctx, handlers, extra));
  await app.listen({ port: options.port ?? 5555, host: options.host ?? '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  webhooks.organizationHost = new URL(url).host;
  return {
    url,
    port,
    tokenEndpoint: `${url}/${org.tenant}/oauth2/v2.0/token`,
    ctx,
    webhooks,
    close: async () => {
      webhooks.queue.close();
      await app.close();
    },
  };
}

/** Fixed ids so a restarted emulator with the same seed presents the same organization. */
function stableId(kind: string): string {
  const fixed: Record<string, string> = {
    org: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d01',
    bu: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d02',
    tenant: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d03',
  };
  return fixed[kind] ?? randomUUID();
}
