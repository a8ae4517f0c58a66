/**
 * `dynasync serve` on a database holding several organizations, without `--org`: every
 * organization under `/o/<name>/` (api/fleet/fleet-server.ts), the fleet view at `/fleet.json`.
 * With one organization, or `--org NAME`, serve is what it always was.
 */
import { startFleetServer } from '../../api/fleet/fleet-server.js';
import { listOrgs } from '../../store/fleet/index.js';
import { print, type CliContext } from '../context.js';

export async function serveFleetIfMany(
  ctx: CliContext,
  o: { host: string; port: number },
  until: () => Promise<void>,
): Promise<boolean> {
  if (!ctx.config.databaseUrl || !ctx.withFleet || ctx.selectedOrg?.() !== undefined) return false;
  const orgs = await ctx.withFleet((f) => listOrgs(f));
  if (orgs.length < 2) return false;
  const server = await startFleetServer({
    config: ctx.config,
    logger: ctx.logger,
    secretBox: ctx.secretBox(),
    host: o.host,
    port: o.port,
  });
  print(
    ctx,
    `${orgs.length} organizations: ${server.url}/o/<name>/ (REST: ${server.url}/o/<name>/rest/v1, fleet view: ${server.url}/fleet.json)`,
  );
  try {
    await until();
  } finally {
    await server.close();
  }
  return true;
}
