/**
 * `dynasync connect` itself (commander, in process, over a real test database and the emulator):
 * the organization URL as Dynamics shows it is stored without its Web API path, plain http is
 * refused for a real organization, and the next steps come in the order that works, without
 * what is already done.
 */
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerConnect } from '../../src/cli/commands/connect.js';
import type { CliContext } from '../../src/cli/context.js';
import { silentLogger } from '../../src/config/index.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { peekConnection } from '../../src/store/connection-repo.js';
import { replaceSelection } from '../../src/store/fields-repo.js';
import { SecretBox } from '../../src/store/secrets.js';
import { openTestDb, type TestDb } from '../helpers/db.js';
import { SYNC_USER, testConfig } from './fixture.js';

let emu: EmulatorHandle;
let db: TestDb;
const box = new SecretBox(randomBytes(32));

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'small' });
  db = await openTestDb();
});
afterAll(async () => {
  await db?.dispose();
  await emu?.close();
});

async function connect(...args: string[]): Promise<string> {
  let out = '';
  const ctx = {
    config: testConfig(),
    logger: silentLogger(),
    out: { write: (s: string) => (out += s) } as unknown as NodeJS.WriteStream,
    withStore: (fn: (d: TestDb) => Promise<unknown>) => fn(db),
    secretBox: () => box,
  } as unknown as CliContext;
  const program = new Command().exitOverride();
  registerConnect(program, ctx);
  await program.parseAsync(['connect', ...args], { from: 'user' });
  return out;
}

const asSyncUser = (url: string) => [
  '--url',
  url,
  '--authority',
  emu.url,
  '--tenant',
  SYNC_USER.tenant,
  '--username',
  SYNC_USER.username,
  '--password',
  SYNC_USER.password,
  '--client-id',
  SYNC_USER.clientId,
];

describe('dynasync connect', () => {
  it('stores an organization URL pasted with /api/data/v9.2/ without that path, and says fields come before validate', async () => {
    const out = await connect(...asSyncUser(`${emu.url}/api/data/v9.2/`));
    expect((await peekConnection(db, box))!.orgUrl).toBe(emu.url);
    expect(out).toContain(`Connection saved for ${emu.url} (user ${SYNC_USER.username})`);
    expect(out).toContain('Next: dynasync fields --defaults, then dynasync validate, then dynasync run.');
  });

  it('does not suggest selecting fields once they are selected', async () => {
    await replaceSelection(db, 'contact', [{ entity: 'contact', logicalName: 'emailaddress1', localName: 'email' }]);
    const out = await connect(...asSyncUser(emu.url));
    expect(out).not.toContain('fields --defaults');
    expect(out).toContain('Next: dynasync validate, then dynasync run');
  });

  it('refuses plain http for an organization that is not on this machine', async () => {
    await expect(connect(...asSyncUser('http://contoso.crm.dynamics.com'))).rejects.toMatchObject({
      code: 'insecure_url',
    });
    await expect(connect(...asSyncUser('https://contoso.crm.dynamics.com/?x=1'))).rejects.toMatchObject({
      code: 'invalid_org_url',
    });
  });
});
