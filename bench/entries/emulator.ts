/**
 * The emulator in its own process, with the admin API on, optionally with one extra account that
 * has many contacts (the fan-out scenario). Prints BENCH_READY with its URL, then serves until SIGTERM.
 */
import { startEmulator, type SeedName } from '../../src/emulator/index.js';
import { addDemoFanOut } from '../../src/emulator/demo.js';
import { ms, options, ready, run } from './common.js';

run(async () => {
  const o = options(['seed', 'port', 'fan-out']);
  const seed = /^\d+$/.test(o.seed ?? '') ? Number(o.seed) : ((o.seed ?? 'small') as SeedName);
  const t0 = performance.now();
  const emu = await startEmulator({ port: Number(o.port ?? 0), seed, enableAdmin: true });
  const seedMs = ms(t0);
  const t1 = performance.now();
  const fanOutContacts = Number(o['fan-out'] ?? 0);
  const fanOutAccountId = fanOutContacts > 0 ? addDemoFanOut(emu.ctx, fanOutContacts) : null;
  ready({
    url: emu.url,
    seedMs,
    fanOutAccountId,
    fanOutMs: fanOutAccountId ? ms(t1) : 0,
    rssKb: Math.round(process.memoryUsage.rss() / 1024),
  });
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  await emu.close();
});
