/**
 * Issue 10, section 2: "A field the user may not write is marked so in `dynasync fields`". The
 * command as a user types it, against the emulator, on both backends.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { SecretBox } from '../../src/store/secrets.js';
import { backends, openTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from './cli.js';

for (const backend of backends) {
  describe(`dynasync fields shows write capability [${backend}]`, () => {
    let emu: EmulatorHandle;
    let db: TestDb;
    const box = new SecretBox(randomBytes(32));
    const cli = (...args: string[]) => runCli({ db, box }, args);

    beforeEach(async () => {
      emu = await startEmulator({ port: 0, seed: 'none' });
      db = await openTestDb({ backend });
      await cli(
        'connect',
        '--url',
        emu.url,
        '--username',
        'sync@contoso.test',
        '--password',
        'Passw0rd!',
        '--client-id',
        'dynasync-local',
        '--tenant',
        'contoso',
      );
    });
    afterEach(async () => {
      await db.dispose();
      await emu.close();
    });

    it('marks selected lead and contact fields Dynamics keeps read-only for the sync user, with the reason', async () => {
      createAdmin(emu.ctx).setTablePrivileges('sync@contoso.test', 'lead', { write: false });
      const lead = (await cli('fields', '--entity', 'lead', '--add', 'firstname,lastname')).out;
      expect(lead).toMatch(
        /\*d firstname\s+String\s+readable\s+→ firstName {3}\(read-only in Dynamics: the sync user has no write privilege on the table\)/,
      );
      // Only selected fields are marked.
      expect(lead).toMatch(/ {3}d subject\s+String\s+readable\s*\n/);

      const contact = (await cli('fields', '--entity', 'contact', '--defaults', '--add', 'createdon')).out;
      expect(contact).toMatch(
        /createdon\s+DateTime\s+readable\s+→ createdon {3}\(read-only in Dynamics: the column cannot be updated \(IsValidForUpdate is false\)\)/,
      );
      expect(contact).toMatch(/\*d firstname\s+String\s+readable\s+→ firstName\s*\n/);
    });

    it('says accounts are never written, and marks none of their fields', async () => {
      createAdmin(emu.ctx).setTablePrivileges('sync@contoso.test', 'account', { write: false });
      const out = (await cli('fields', '--entity', 'account', '--defaults')).out;
      expect(out).toMatch(/dynasync never writes account records to Dynamics/);
      expect(out).not.toMatch(/read-only in Dynamics/);
      const json = JSON.parse((await cli('fields', '--entity', 'account', '--json')).out) as {
        fields: { logicalName: string; write: unknown }[];
      }[];
      expect(json[0]!.fields.find((f) => f.logicalName === 'name')!.write).toMatchObject({
        canUpdate: false,
        updateDenied: 'no_write_privilege',
        note: null,
      });
    });
  });
}
