/**
 * Users added or disabled through the admin API are systemuser rows too, as in Dataverse: WhoAmI's
 * UserId resolves to a row a client can read, and disabling a user shows in its row (isdisabled).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';
import { createAdmin, type EmulatorAdmin } from '../../src/emulator/faults/admin.js';

let emu: EmulatorHandle;
let admin: EmulatorAdmin;

beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 'none' });
  admin = createAdmin(emu.ctx);
});
afterAll(async () => {
  await emu?.close();
});

async function token(username: string, password: string): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: 'dynasync-local',
    username,
    password,
    scope: `${emu.url}/.default`,
  });
  const res = await fetch(emu.tokenEndpoint, { method: 'POST', body: form });
  return ((await res.json()) as { access_token: string }).access_token;
}

async function get(path: string, bearer: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${emu.url}/api/data/v9.2/${path}`, {
    headers: { authorization: `Bearer ${bearer}`, accept: 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('users added at run time', () => {
  it('have a systemuser row that WhoAmI points at', async () => {
    const user = admin.addUser({ name: 'added.person@contoso.test', password: 'An0ther!', fullName: 'Added Person' });
    const bearer = await token('added.person@contoso.test', 'An0ther!');
    const who = await get('WhoAmI', bearer);
    expect(who.body.UserId).toBe(user.id);
    const row = await get(
      `systemusers(${user.id})?$select=fullname,domainname,internalemailaddress,isdisabled,_businessunitid_value`,
      bearer,
    );
    expect(row.status).toBe(200);
    expect(row.body).toMatchObject({
      fullname: 'Added Person',
      domainname: 'added.person@contoso.test',
      internalemailaddress: 'added.person@contoso.test',
      isdisabled: false,
      _businessunitid_value: emu.ctx.org.businessUnitId,
    });
  });

  it('disabled, they cannot sign in and their row says so', async () => {
    const user = admin.addUser({ name: 'leaving@contoso.test', password: 'Bye-bye1' });
    admin.setUserDisabled('leaving@contoso.test', true);
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: 'dynasync-local',
      username: 'leaving@contoso.test',
      password: 'Bye-bye1',
      scope: `${emu.url}/.default`,
    });
    expect((await fetch(emu.tokenEndpoint, { method: 'POST', body: form })).status).toBe(400);
    const row = await get(`systemusers(${user.id})?$select=isdisabled`, await token('sync@contoso.test', 'Passw0rd!'));
    expect(row.body.isdisabled).toBe(true);
    admin.setUserDisabled('leaving@contoso.test', false);
    expect(
      (await get(`systemusers(${user.id})?$select=isdisabled`, await token('sync@contoso.test', 'Passw0rd!'))).body
        .isdisabled,
    ).toBe(false);
  });
});
