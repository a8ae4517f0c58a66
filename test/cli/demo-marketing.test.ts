/**
 * Issue 10 §6: `npm run demo` shows a marketing edit arriving in the emulator. The real demo as a
 * child process (PGlite, fresh data directory, simulation on); its printed edit is then read back
 * from the emulator over the Web API with the rep's token, not through dynasync.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { spawnCli, type RunningCli } from '../reliability/helpers/cli.js';

let demo: RunningCli | undefined;
let dataDir: string | undefined;

afterEach(() => {
  if (demo && demo.child.exitCode === null) demo.child.kill('SIGKILL');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

it('demo: a marketing edit is written to the lead or contact in Dynamics', { timeout: 150_000 }, async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'dynasync-demo-marketing-'));
  demo = spawnCli(['demo', '--seed', 'small', '--port', '0', '--interval', '600'], { dataDir, logLevel: 'warn' });
  let out = '';
  demo.child.stdout!.on('data', (d: string) => (out += d));
  const written =
    /Marketing edit of person (\d+): written to (lead|contact) ([0-9a-f-]{36}) in Dynamics [\d.]+ s after the change/;
  const deadline = Date.now() + 120_000;
  while (!written.test(out)) {
    if (demo.child.exitCode !== null) throw new Error(`the demo exited:\n${out}`);
    if (Date.now() > deadline) throw new Error(`no marketing edit reached Dynamics within 120 s:\n${out}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const [, personId, kind, dynamicsId] = written.exec(out)!;
  const title = new RegExp(`Marketing edit: person ${personId} \\(${kind}\\) job title → "([^"]+)"`).exec(out)![1]!;
  const emulator = /Dataverse emulator: (http:\/\/[^/]+)\//.exec(out)![1]!;
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: 'dynasync-local',
    username: 'rep@contoso.test',
    password: 'Passw0rd!',
    scope: `${emulator}/.default`,
  });
  const token = (
    (await (await fetch(`${emulator}/contoso/oauth2/v2.0/token`, { method: 'POST', body: form })).json()) as {
      access_token: string;
    }
  ).access_token;
  const res = await fetch(`${emulator}/api/data/v9.2/${kind}s(${dynamicsId})?$select=jobtitle`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { jobtitle: string }).jobtitle).toBe(title);
});
