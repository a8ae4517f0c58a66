/** RetrieveTotalRecordCount: counts beyond $count's 5,000 cap, for progress estimates. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD, startEmulator, type EmulatorHandle } from '../../src/emulator/index.js';

let emu: EmulatorHandle;
let token: string;
beforeAll(async () => {
  emu = await startEmulator({ port: 0, seed: 3 });
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: DEFAULT_APP_ID,
    username: 'sync@contoso.test',
    password: DEFAULT_PASSWORD,
    scope: `${emu.url}/.default`,
  });
  token = ((await (await fetch(emu.tokenEndpoint, { method: 'POST', body: form })).json()) as { access_token: string })
    .access_token;
});
afterAll(() => emu.close());

const get = (path: string) =>
  fetch(`${emu.url}/api/data/v9.2/${path}`, { headers: { authorization: `Bearer ${token}` } });

describe('RetrieveTotalRecordCount', () => {
  it('answers counts per table, inline or through a parameter alias', async () => {
    const inline = await get("RetrieveTotalRecordCount(EntityNames=['account','contact'])");
    expect(inline.status).toBe(200);
    expect(((await inline.json()) as { EntityRecordCountCollection: unknown }).EntityRecordCountCollection).toEqual({
      Count: 2,
      IsReadOnly: false,
      Keys: ['account', 'contact'],
      Values: [emu.ctx.data.count('account'), emu.ctx.data.count('contact')],
    });
    const aliased = await get(`RetrieveTotalRecordCount(EntityNames=@p1)?@p1=${encodeURIComponent("['systemuser']")}`);
    const body = (await aliased.json()) as { EntityRecordCountCollection: { Values: number[] } };
    expect(body.EntityRecordCountCollection.Values).toEqual([emu.ctx.data.count('systemuser')]);
  });

  it('refuses unknown tables and a missing parameter with Dataverse errors', async () => {
    const unknown = await get("RetrieveTotalRecordCount(EntityNames=['nosuch'])");
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/nosuch/);
    expect((await get('RetrieveTotalRecordCount()')).status).toBe(400);
  });
});
