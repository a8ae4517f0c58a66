/**
 * The emulator fleet in its own process (issue 13 §3): every organization by path prefix, created
 * on its first request with `--seed` (idle organizations), the busy ones registered by the harness
 * through POST /_fleet/orgs. Prints BENCH_READY with its URL, then serves until SIGTERM.
 */
import { startEmulatorFleet } from '../../src/emulator/index.js';
import { options, ready, run } from './common.js';

run(async () => {
  const o = options(['seed', 'port']);
  const fleet = await startEmulatorFleet({
    port: Number(o.port ?? 0),
    defaults: { seed: Number(o.seed ?? 1), enableAdmin: true },
  });
  ready({ url: fleet.url, rssKb: Math.round(process.memoryUsage.rss() / 1024) });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await fleet.close();
});
