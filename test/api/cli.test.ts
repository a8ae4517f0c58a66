/**
 * Issue 4 §1-2 from the command line: `api-client create|list`, and `run`, which serves the REST
 * API, the admin API, metrics and docs over real HTTP next to its runner until SIGTERM.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import type { CliContext } from '../../src/cli/context.js';
import { loadConfig } from '../../src/config/env.js';
import { silentLogger } from '../../src/config/logger.js';
import { backends } from '../helpers/db.js';
import { openWorld, type World } from '../sync/world.js';

/** A command running in-process, its output readable while it runs. */
function start(w: World, args: readonly string[]): { output: () => string; done: Promise<void> } {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  });
  const ctx: CliContext = {
    config: loadConfig({ DYNASYNC_DATA_DIR: '/nonexistent-dynasync-test' }),
    logger: silentLogger(),
    out: sink as unknown as NodeJS.WriteStream,
    withStore: (fn) => fn(w.db),
    withDemoStore: () => Promise.reject(new Error('no demo store in tests')),
    secretBox: () => w.box,
    startEmulator: () => Promise.reject(new Error('no emulator launch in tests')),
  };
  const done = buildProgram(ctx)
    .parseAsync(['node', 'dynasync', ...args])
    .then(() => undefined);
  return { output: () => out, done };
}

async function cli(w: World, args: readonly string[]): Promise<string> {
  const run = start(w, args);
  await run.done;
  return run.output();
}

async function waitFor(read: () => string, pattern: RegExp): Promise<RegExpExecArray> {
  for (;;) {
    const m = pattern.exec(read());
    if (m) return m;
    await new Promise((r) => setTimeout(r, 20));
  }
}

for (const backend of backends) {
  describe(`api-client and run [${backend}]`, () => {
    let w: World | undefined;
    afterEach(async () => {
      await w?.close();
      w = undefined;
    });

    it('creates API clients (secret shown once, refused twice by name) and lists them without secrets', async () => {
      w = await openWorld(backend);
      const created = JSON.parse(await cli(w, ['api-client', 'create', 'crm scripts', '--json'])) as {
        clientId: string;
        clientSecret: string;
      };
      expect(created.clientId).toMatch(/^[0-9a-f-]{36}$/);
      await expect(cli(w, ['api-client', 'create', 'crm scripts'])).rejects.toThrow(/already exists/);
      await expect(cli(w, ['api-client', 'create', "x'; DROP TABLE api_clients; --"])).rejects.toThrow(
        /letters, digits/,
      );
      const human = await cli(w, ['api-client', 'create', 'bi']);
      expect(human).toMatch(/client secret: \S{20,}/);
      const list = await cli(w, ['api-client', 'list']);
      expect(list).toContain('crm scripts');
      expect(list).toContain(created.clientId);
      expect(list).not.toContain(created.clientSecret);
      expect(list).toContain('never used');
    });

    it('`run` syncs and serves the REST API, metrics and docs over HTTP until SIGTERM', async () => {
      w = await openWorld(backend);
      const { clientId, clientSecret } = JSON.parse(await cli(w, ['api-client', 'create', 'ops', '--json'])) as {
        clientId: string;
        clientSecret: string;
      };
      const run = start(w, ['run', '--port', '0', '--interval', '3600']);
      try {
        const [, url] = await waitFor(run.output, /API and web UI: (http:\/\/127\.0\.0\.1:\d+)\//);
        await waitFor(run.output, /cycle \d+: success/);
        const token = (await (
          await fetch(
            `${url}/identity/oauth/token?grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
          )
        ).json()) as { access_token: string };
        const persons = (
          await w.db.query<{ id: number }>('SELECT id::int AS id FROM persons ORDER BY id LIMIT 3')
        ).rows.map((r) => r.id);
        const leads = (await (
          await fetch(`${url}/rest/v1/leads.json?filterType=id&filterValues=${persons.join(',')}`, {
            headers: { authorization: `Bearer ${token.access_token}` },
          })
        ).json()) as { success: boolean; result: { id: number }[] };
        expect(leads.result.map((l) => l.id)).toEqual(persons);
        expect(await (await fetch(`${url}/metrics`)).text()).toMatch(
          /dynasync_cycle_duration_seconds_count\{status="success"\} 1/,
        );
        expect(((await (await fetch(`${url}/docs`)).json()) as { openapi: string }).openapi).toMatch(/^3\./);
      } finally {
        process.emit('SIGTERM');
        await run.done;
      }
      const [, url] = /API and web UI: (http:\/\/\S+?)\//.exec(run.output())!;
      await expect(fetch(`${url}/docs`)).rejects.toThrow();
    });
  });
}
