import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { storePassword } from '../../api/admin/password.js';
import { DataverseWriter } from '../../dataverse/index.js';
import { saveConnection, setDynamicsUserId } from '../../store/connection-repo.js';
import { getSelection } from '../../store/fields-repo.js';
import { FIELD_ENTITIES, saveFieldSelection } from '../../sync/fields.js';
import { openSession } from '../../sync/session.js';
import { validateConnection } from '../../sync/validate.js';
import type { Db } from '../../store/db/types.js';
import { MarketerSimulator } from '../demo/marketer.js';
import { RepSimulator } from '../demo/simulator.js';
import { print, type CliContext } from '../context.js';
import { parsePort, parseSeed } from './emulator.js';
import { addServerOptions, printDemoApiClient, withServer, type ServeOptions } from './serve.js';
import { runForever } from './sync.js';
import { printReport } from './validate.js';

const DEMO_USER = {
  username: 'sync@contoso.test',
  password: 'Passw0rd!',
  clientId: 'dynasync-local',
  tenant: 'contoso',
};

interface DemoOptions extends ServeOptions {
  seed: string;
  emulatorPort: string;
  interval: string;
  simulate: boolean;
  marketing: boolean;
  costModel?: boolean;
}

export function registerDemo(program: Command, ctx: CliContext): void {
  addServerOptions(
    program
      .command('demo')
      .description(
        'the whole thing on embedded defaults: emulator, connection, default fields, initial sync, then a cycle every 30 s while simulated reps edit Dynamics and simulated marketing edits people (sent to Dynamics)',
      )
      .option('--seed <seed>', 'emulator seed: small | medium | large | <number of accounts>', 'small')
      .option('--emulator-port <port>', 'emulator port (0: any free port)', '0')
      .option('--interval <seconds>', 'wait between cycles', '30')
      .option('--no-simulate', 'do not simulate sales reps editing Dynamics nor marketing editing people')
      .option('--no-marketing', 'simulate the sales reps only, not marketing editing people')
      .option('--cost-model', "the emulator models Dataverse's server time per request (docs/PERFORMANCE.md)"),
    ctx,
    { optional: true },
  ).action(async (o: DemoOptions) => {
    const interval = Number(o.interval);
    const emu = await ctx.startEmulator({
      port: parsePort(o.emulatorPort, '--emulator-port'),
      seed: parseSeed(o.seed),
      admin: true,
      bigAccountContacts: 5_100,
      costModel: o.costModel === true,
    });
    print(
      ctx,
      `Dataverse emulator: ${emu.url}/api/data/v9.2/ (one account has 5,100 contacts, to show the 5,000-person activity cap)`,
    );
    const stop = noteStopSignal();
    try {
      await ctx.withDemoStore(async (db) => {
        await saveConnection(
          db,
          ctx.secretBox(),
          {
            orgUrl: emu.url,
            authKind: 'password',
            username: DEMO_USER.username,
            clientId: DEMO_USER.clientId,
            tenant: DEMO_USER.tenant,
            authority: emu.url,
            secrets: { password: DEMO_USER.password },
          },
          { reset: true },
        );
        const session = await openSession(db, ctx.secretBox(), ctx.logger, ctx.config.pageSize);
        const userId = await session.userId();
        for (const entity of FIELD_ENTITIES)
          await saveFieldSelection(db, session.source, userId, { entity, defaults: true });
        const report = await validateConnection(session.source, session.connection, await getSelection(db));
        await setDynamicsUserId(db, userId);
        print(ctx, 'Validation:');
        printReport(ctx, report);
        print(ctx, `Default fields selected. Initial sync, then a cycle every ${interval} s. Ctrl-C stops.`);
        // The demo's database is new each time: it gets its own admin password, so no setup code is needed.
        const demoPassword = ctx.config.adminPassword ? null : randomBytes(9).toString('base64url');
        if (demoPassword) await storePassword(db, demoPassword);
        const simulator = o.simulate ? startSimulator(ctx, emu.url, db, o.marketing) : null;
        try {
          await withServer(ctx, db, o, async (attach, url) => {
            if (url) {
              print(
                ctx,
                demoPassword
                  ? `Sign in with the admin password ${demoPassword} (this demo's own; DYNASYNC_ADMIN_PASSWORD chooses one).`
                  : 'Sign in with DYNASYNC_ADMIN_PASSWORD.',
              );
              await printDemoApiClient(ctx, db, url);
            }
            return runForever(ctx, db, interval * 1000, attach);
          });
        } finally {
          simulator?.stop();
        }
      });
    } finally {
      await emu.close();
      stop.dispose();
    }
    // The runner stops only on a signal; say so, or a closed demo looks like one that crashed.
    if (stop.signal)
      print(
        ctx,
        `Demo stopped (${stop.signal === 'SIGINT' ? 'Ctrl-C' : stop.signal}): the last cycle is saved and the emulator is closed.`,
      );
  });
}

/**
 * Which signal stopped the demo. The runner handles the signal itself (it finishes the page); this
 * only notes it. Before the runner is up nobody else listens, and a listener would keep Node from
 * exiting on Ctrl-C: then the signal is raised again without it, so the default (exit) applies.
 */
function noteStopSignal(): { readonly signal: NodeJS.Signals | null; dispose(): void } {
  let signal: NodeJS.Signals | null = null;
  const dispose = () => {
    process.off('SIGINT', note);
    process.off('SIGTERM', note);
  };
  function note(s: NodeJS.Signals): void {
    signal ??= s;
    if (process.listenerCount(s) > 1) return;
    dispose();
    process.kill(process.pid, s);
  }
  process.on('SIGINT', note);
  process.on('SIGTERM', note);
  return {
    get signal() {
      return signal;
    },
    dispose,
  };
}

function startSimulator(ctx: CliContext, url: string, db: Db, marketing: boolean): { stop(): void } {
  const writer = new DataverseWriter({
    settings: {
      orgUrl: url,
      authKind: 'password',
      username: 'rep@contoso.test',
      password: 'Passw0rd!',
      clientId: DEMO_USER.clientId,
      tenant: DEMO_USER.tenant,
      authority: url,
    },
    logger: ctx.logger,
  });
  const sim = new RepSimulator(writer, db, ctx.logger);
  sim.start(3_000);
  print(ctx, 'Simulated sales rep rep@contoso.test edits accounts, contacts and leads in Dynamics every 3 s.');
  const marketer = marketing ? new MarketerSimulator(db, (line) => print(ctx, line), ctx.logger) : null;
  marketer?.start(20_000, 5_000);
  if (marketer)
    print(ctx, "Simulated marketing changes a person's job title in the lead database every 20 s, sent to Dynamics.");
  return {
    stop: () => {
      sim.stop();
      marketer?.stop();
    },
  };
}
