/** The QualifyLead bound action, through real HTTP and in a $batch change set. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC, sendBatch, startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 'none' });
});
afterAll(() => c.close());

const QUALIFY = { CreateAccount: true, CreateContact: true, CreateOpportunity: true, Status: 3 };
const json = async (path: string): Promise<Row> => (await (await c.send('GET', path)).json()) as Row;

async function newLead(extra: Row = {}): Promise<string> {
  const id = randomUUID();
  const res = await c.send('POST', 'leads', {
    leadid: id,
    subject: 'Demo request',
    firstname: 'Grace',
    lastname: 'Hopper',
    emailaddress1: 'grace@navy.example',
    companyname: 'Navy Labs',
    jobtitle: 'Admiral',
    telephone1: '555-0100',
    ...extra,
  });
  expect(res.status).toBe(204);
  return id;
}

describe('QualifyLead', () => {
  it('closes the lead as Qualified and creates account, contact (originatingleadid) and opportunity', async () => {
    const leadId = await newLead();
    const res = await c.send('POST', `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`, QUALIFY);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { '@odata.context': string; value: Row[] };
    expect(body['@odata.context']).toBe(`${c.api}$metadata#Collection(Microsoft.Dynamics.CRM.crmbaseentity)`);
    expect(body.value.map((e) => e['@odata.type'])).toEqual([
      '#Microsoft.Dynamics.CRM.account',
      '#Microsoft.Dynamics.CRM.contact',
      '#Microsoft.Dynamics.CRM.opportunity',
    ]);
    const [account, contact, opportunity] = body.value as [Row, Row, Row];

    const lead = await json(
      `leads(${leadId})?$select=statecode,statuscode,_qualifyingopportunityid_value,_modifiedby_value`,
    );
    expect(lead).toMatchObject({
      statecode: 1,
      statuscode: 3,
      _qualifyingopportunityid_value: opportunity.opportunityid,
      _modifiedby_value: c.userId(SYNC),
    });
    const person = await json(
      `contacts(${contact.contactid})?$select=firstname,lastname,emailaddress1,jobtitle,_originatingleadid_value,_parentcustomerid_value`,
    );
    expect(person).toMatchObject({
      firstname: 'Grace',
      lastname: 'Hopper',
      emailaddress1: 'grace@navy.example',
      jobtitle: 'Admiral',
      _originatingleadid_value: leadId,
      _parentcustomerid_value: account.accountid,
    });
    const company = await json(`accounts(${account.accountid})?$select=name,telephone1,_originatingleadid_value`);
    expect(company).toMatchObject({ name: 'Navy Labs', telephone1: '555-0100', _originatingleadid_value: leadId });
    const opp = await json(
      `opportunities(${opportunity.opportunityid})?$select=name,_customerid_value,_originatingleadid_value`,
    );
    expect(opp).toMatchObject({
      name: 'Demo request',
      _customerid_value: account.accountid,
      _originatingleadid_value: leadId,
    });
  });

  it('creates only what is asked, and refuses a lead that is already closed', async () => {
    const leadId = await newLead();
    const res = await c.send('POST', `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`, {
      ...QUALIFY,
      CreateAccount: false,
      CreateOpportunity: false,
    });
    const value = ((await res.json()) as { value: Row[] }).value;
    expect(value.map((e) => e['@odata.type'])).toEqual(['#Microsoft.Dynamics.CRM.contact']);
    const again = await c.send('POST', `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`, QUALIFY);
    expect(again.status).toBe(400);
  });

  it('needs its parameters, POST, and an existing lead', async () => {
    const leadId = await newLead();
    expect((await c.send('POST', `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`, { Status: 3 })).status).toBe(
      400,
    );
    expect((await c.send('POST', `leads(${randomUUID()})/Microsoft.Dynamics.CRM.QualifyLead`, QUALIFY)).status).toBe(
      404,
    );
    expect((await c.send('GET', `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`)).status).toBe(405);
  });

  it('is refused to a user without write on leads, and creates nothing', async () => {
    const leadId = await newLead();
    const before = c.emu.ctx.data.count('contact');
    const res = await c.send(
      'POST',
      `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`,
      QUALIFY,
      {},
      'limited@contoso.test',
    );
    expect(res.status).toBe(403);
    expect(c.emu.ctx.data.count('contact')).toBe(before);
  });

  it('runs inside a change set and is rolled back with it', async () => {
    const leadId = await newLead();
    const before = c.emu.ctx.data.count('contact');
    const { res } = await sendBatch(c, [
      {
        changeset: [
          { method: 'POST', url: `leads(${leadId})/Microsoft.Dynamics.CRM.QualifyLead`, body: QUALIFY, contentId: '1' },
          { method: 'POST', url: 'leads', body: { lastname: 'missing subject' }, contentId: '2' },
        ],
      },
    ]);
    expect(res.status).toBe(400);
    expect(c.emu.ctx.data.count('contact')).toBe(before);
    expect((await json(`leads(${leadId})?$select=statecode`)).statecode).toBe(0);
  });
});
