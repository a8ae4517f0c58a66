/**
 * Issue 3, section 3 and "done when": the setup commands as a user types them — connect, validate
 * (each failure with its own message and a non-zero exit), fields, sync --once — leave a lead
 * database that matches the emulator, and the org URL cannot change without --reset.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAdmin } from '../../src/emulator/faults/admin.js';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { countRecords } from '../../src/store/records/index.js';
import { SecretBox } from '../../src/store/secrets.js';
import { backends, openTestDb, type TestDb } from '../helpers/db.js';
import { runCli } from './cli.js';
import { dynamicsPersonCount } from './world.js';

for (const backend of backends) {
  describe(`setup commands [${backend}]`, () => {
    let emu: EmulatorHandle;
    let db: TestDb;
    const box = new SecretBox(randomBytes(32));
    const cli = (...args: string[]) => runCli({ db, box }, args);
    const connect = (username: string, password = 'Passw0rd!', extra: string[] = []) =>
      cli(
        'connect',
        '--url',
        emu.url,
        '--username',
        username,
        '--password',
        password,
        '--client-id',
        'dynasync-local',
        '--tenant',
        'contoso',
        ...extra,
      );

    beforeEach(async () => {
      emu = await startEmulator({ port: 0, seed: 3 });
      db = await openTestDb({ backend });
    });
    afterEach(async () => {
      await db.dispose();
      await emu.close();
    });

    it('connect, validate, fields --defaults and sync --once leave a database that matches Dynamics', async () => {
      expect((await connect('sync@contoso.test')).out).toMatch(
        /Connection saved for http:\/\/127\.0\.0\.1:\d+ \(user sync@contoso\.test\)/,
      );
      const early = await cli('validate');
      expect(early.exitCode).toBe(1);
      expect(early.out).toMatch(
        /✗ Every selected column is readable — No columns are selected yet\n {4}hint: Select the columns to sync: dynasync fields --defaults/,
      );
      for (const entity of ['account', 'contact', 'lead', 'systemuser']) {
        await cli('fields', '--entity', entity, '--defaults');
      }
      const validated = await cli('validate');
      expect(validated.exitCode).toBe(0);
      expect(validated.out).toMatch(
        /✓ The credentials work[\s\S]*✓ Read privilege on the synced tables — systemuser, account, contact, lead[\s\S]*All checks passed/,
      );
      const listed = (await cli('fields', '--entity', 'account')).out;
      expect(listed).toMatch(/\*d name\s+String\s+readable\s+→ company/);
      expect(listed).toMatch(/revenue\s+Money/);
      const synced = await cli('sync', '--once');
      expect(synced.exitCode).toBe(0);
      expect(synced.out).toMatch(/cycle 1: success/);
      expect(await countRecords(db)).toMatchObject({
        companies: emu.ctx.data.count('account'),
        persons: await dynamicsPersonCount({ emu }),
      });
    });

    it('gives wrong password, MFA required and wrong client secret each their own message, exiting non-zero', async () => {
      await connect('sync@contoso.test', 'nope');
      const wrong = await cli('validate');
      expect(wrong.exitCode).toBe(1);
      expect(wrong.out).toMatch(
        /✗ The credentials work — .*AADSTS50126[\s\S]*hint: The user name or password is wrong/,
      );

      await connect('mfa@contoso.test');
      expect((await cli('validate')).out).toMatch(
        /AADSTS50076[\s\S]*hint: Entra ID requires multi-factor authentication/,
      );

      await connect('sync@contoso.test', 'Passw0rd!', ['--client-secret', 'not-the-secret']);
      expect((await cli('validate')).out).toMatch(/AADSTS7000215[\s\S]*hint: The client secret is wrong or expired/);
    });

    it('when the organization does not answer, says so and skips every check that needs it, sign-in included', async () => {
      const gone = await startEmulator({ port: 0, seed: 'none' });
      const url = gone.url;
      await gone.close();
      await cli(
        'connect',
        '--url',
        url,
        '--username',
        'sync@contoso.test',
        '--password',
        'Passw0rd!',
        '--client-id',
        'dynasync-local',
        '--tenant',
        'contoso',
      );
      const r = await cli('validate');
      expect(r.exitCode).toBe(1);
      expect(r.out).toMatch(/✗ The URL answers as Dataverse[\s\S]*hint: Use the organization URL/);
      expect(r.out).toMatch(/The credentials work[^\n]*skipped/);
      expect(r.out).not.toMatch(/sign-in service/);
    }, 60_000);

    it('reports missing privileges, change tracking off and unreadable selected columns for a limited user', async () => {
      await connect('sync@contoso.test');
      for (const entity of ['account', 'contact', 'lead', 'systemuser'])
        await cli('fields', '--entity', entity, '--defaults');
      const admin = createAdmin(emu.ctx);
      admin.setColumnSecured('contact', 'mobilephone', true);
      admin.setSecuredColumnRead('sync@contoso.test', 'contact', 'mobilephone', false);
      admin.setTableRead('sync@contoso.test', 'account', false);
      admin.setChangeTracking('contact', false);
      const out = (await cli('validate')).out;
      expect(out).toMatch(/✗ Read privilege on the synced tables — No read privilege on account/);
      expect(out).toMatch(/✗ Change tracking is on for every synced table — Change tracking is off for contact/);
      expect(out).toMatch(
        /✗ Every selected column is readable — 1 selected column\(s\) cannot be read: contact\.mobilephone/,
      );
    });

    it('lists columns by availability and refuses to select an unreadable one', async () => {
      await connect('sync@contoso.test');
      const admin = createAdmin(emu.ctx);
      admin.setColumnSecured('account', 'revenue', true);
      admin.setSecuredColumnRead('sync@contoso.test', 'account', 'revenue', false);
      await expect(cli('fields', '--entity', 'account', '--add', 'revenue')).rejects.toThrow(
        /account\.revenue cannot be selected \(secured unreadable\)/,
      );
      await expect(cli('fields', '--entity', 'account', '--add', 'no_such_column')).rejects.toThrow(
        /does not exist in Dynamics/,
      );
      const listed = (await cli('fields', '--entity', 'account', '--defaults')).out;
      expect(listed).toMatch(/revenue\s+Money\s+secured, unreadable/);
    });

    it('refuses to change the org URL once data has synced, unless --reset', async () => {
      await connect('sync@contoso.test');
      for (const entity of ['account', 'contact', 'lead', 'systemuser'])
        await cli('fields', '--entity', entity, '--defaults');
      await cli('sync', '--once');
      const other = [
        'connect',
        '--url',
        'https://other.crm.dynamics.com',
        '--username',
        'a@b.c',
        '--password',
        'x',
        '--client-id',
        'c',
      ];
      await expect(cli(...other)).rejects.toThrow(/--reset/);
      expect((await countRecords(db)).persons).toBeGreaterThan(0);
      expect((await cli(...other, '--reset')).out).toMatch(/Synced data was reset/);
      expect(await countRecords(db)).toMatchObject({ persons: 0, companies: 0, activities: 0 });
    });
  });
}
