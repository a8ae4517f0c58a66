/**
 * Assembles one emulated organization: its clock, identities, schema, data, webhooks and limits
 * behind one fastify app that is ready but not listening. startEmulator (index.ts) listens on it;
 * the fleet front (fleet/front.ts) routes many organizations' requests into their own apps.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
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

export interface BuiltEmulator {
  readonly app: FastifyInstance;
  readonly ctx: EmulatorContext;
  readonly webhooks: WebhookService;
  close(): Promise<void>;
}

/** The single emulator's fixed ids (a restarted emulator presents the same organization). */
const FIXED: Record<string, string> = {
  org: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d01',
  bu: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d02',
  tenant: '6f1c2b1e-7d0a-4c52-9a43-1f0e6b7c5d03',
};

/** Stable ids per organization name: the fixed ones for the single emulator, derived for a fleet's. */
function stableId(kind: string, orgName: string | undefined): string {
  if (!orgName) return FIXED[kind]!;
  const h = createHash('sha256').update(`${orgName}/${kind}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** `orgName` names an organization of a fleet (its ids and display name); absent: the single emulator. */
export async function buildEmulator(options: EmulatorOptions = {}, orgName?: string): Promise<BuiltEmulator> {
  const clock = createClock();
  const org: OrgSettings = {
    organizationId: stableId('org', orgName),
    businessUnitId: stableId('bu', orgName),
    name: orgName ? `${orgName} (emulated)` : 'Contoso (emulated)',
    // A fleet's organization is its own Entra tenant too, named as the organization (fleet/front.ts).
    tenant: orgName ?? DEFAULT_TENANT,
    tenantId: stableId('tenant', orgName),
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
  return {
    app,
    ctx,
    webhooks,
    close: async () => {
      webhooks.queue.close();
      await app.close();
    },
  };
}
