/** The demo's simulated rep creates, works and qualifies leads in the emulator (real HTTP, real writer). */
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RepSimulator } from '../../src/cli/demo/simulator.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import type { Db } from '../../src/store/db/types.js';
import { startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 'none' });
});
afterAll(() => c.close());
afterEach(() => vi.restoreAllMocks());

describe('RepSimulator leads', () => {
  it('creates a lead, edits it, then qualifies it into a contact with originatingleadid, as rep@contoso.test', async () => {
    const logger = pino({ level: 'silent' });
    const writer = new DataverseWriter({
      settings: {
        orgUrl: c.emu.url,
        authKind: 'password',
        username: 'rep@contoso.test',
        password: 'Passw0rd!',
        clientId: 'dynasync-local',
        tenant: 'contoso',
        authority: c.emu.url,
      },
      logger,
    });
    // The lead branches only: no lead database needed.
    const sim = new RepSimulator(writer, {} as Db, logger);
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.1);
    expect(await sim.tick()).toMatch(/^new lead [0-9a-f-]{36}$/);
    const leadId = c.emu.ctx.data.ids('lead')[0]!;
    random.mockReturnValueOnce(0.1).mockReturnValueOnce(0.5).mockReturnValueOnce(0);
    expect(await sim.tick()).toBe(`lead ${leadId}: contacted, job title and phone`);
    random.mockReturnValueOnce(0.1).mockReturnValueOnce(0.9).mockReturnValueOnce(0);
    expect(await sim.tick()).toBe(`qualified lead ${leadId} into a contact`);

    const lead = (await (
      await c.send('GET', `leads(${leadId})?$select=statecode,statuscode,_modifiedby_value,_createdby_value`)
    ).json()) as Row;
    expect(lead).toMatchObject({
      statecode: 1,
      statuscode: 3,
      _createdby_value: c.userId('rep@contoso.test'),
      _modifiedby_value: c.userId('rep@contoso.test'),
    });
    const contacts = (
      (await (
        await c.send('GET', `contacts?$select=lastname&$filter=_originatingleadid_value eq ${leadId}`)
      ).json()) as { value: Row[] }
    ).value;
    expect(contacts).toHaveLength(1);
    expect(c.emu.ctx.data.count('account')).toBe(0);
  });
});
