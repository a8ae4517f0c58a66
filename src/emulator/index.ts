/**
 * startEmulator(): a Dataverse Web API server on 127.0.0.1, for tests, the demo and benchmarks.
 * This file only assembles the parts; each lives in its own folder (see context.ts).
 */
import type { AddressInfo } from 'node:net';
import type { EmulatorContext } from './context.js';
import { buildEmulator } from './build.js';
import type { WebhookService } from './webhooks/service.js';
import type { EmulatorOptions } from './options.js';

export * from './options.js';
export type { EmulatorContext } from './context.js';
export { startEmulatorFleet, type EmulatorFleet, type EmulatorFleetOptions, type FleetOrg } from './fleet/front.js';

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
  const { app, ctx, webhooks, close } = await buildEmulator(options);
  await app.listen({ port: options.port ?? 5555, host: options.host ?? '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}`;
  webhooks.organizationHost = new URL(url).host;
  return { url, port, tokenEndpoint: `${url}/${ctx.org.tenant}/oauth2/v2.0/token`, ctx, webhooks, close };
}
