/** Opportunities and their stakeholders (connections) as the emulator serves them, through real HTTP. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAKEHOLDER_ROLE_ID } from '../../src/emulator/data/seed-stakeholders.js';
import { startClient, type EmulatorClient, type Row } from './helpers/emulator-client.js';

let c: EmulatorClient;
beforeAll(async () => {
  c = await startClient({ seed: 'small' });
});
afterAll(() => c.close());

const rows = async (path: string, headers: Record<string, string> = {}): Promise<Row[]> =>
  ((await (await c.send('GET', path, undefined, headers)).json()) as { value: Row[] }).value;
const LOGICAL = '@Microsoft.Dynamics.CRM.lookuplogicalname';

describe('opportunity metadata', () => {
  it('describes the opportunity columns the sync reads, customerid polymorphic', async () => {
    const attrs = await rows(
      "EntityDefinitions(LogicalName='opportunity')/Attributes?$select=LogicalName,AttributeType",
    );
    const types = new Map(attrs.map((a) => [a.LogicalName, a.AttributeType]));
    expect(
      Object.fromEntries(
        [
          'customerid',
          'estimatedvalue',
          'closeprobability',
          'stepname',
          'salesstage',
          'actualclosedate',
          'statecode',
        ].map((n) => [n, types.get(n)]),
      ),
    ).toEqual({
      customerid: 'Customer',
      estimatedvalue: 'Money',
      closeprobability: 'Integer',
      stepname: 'String',
      salesstage: 'Picklist',
      actualclosedate: 'DateTime',
      statecode: 'State',
    });
    const customer = await rows(
      "EntityDefinitions(LogicalName='opportunity')/Attributes/Microsoft.Dynamics.CRM.LookupAttributeMetadata?$select=LogicalName,Targets&$filter=LogicalName eq 'customerid'",
    );
    expect(customer[0]?.Targets).toEqual(['account', 'contact']);
    const tables = await rows(
      "EntityDefinitions?$select=LogicalName,ChangeTrackingEnabled&$filter=LogicalName eq 'connection'",
    );
    expect(tables).toEqual([expect.objectContaining({ LogicalName: 'connection', ChangeTrackingEnabled: true })]);
  });
});

describe('seeded opportunities', () => {
  it('have account and contact customers, annotated with their table', async () => {
    const opps = await rows('opportunities?$select=name,_customerid_value,_parentaccountid_value,estimatedvalue', {
      Prefer: 'odata.include-annotations="*"',
    });
    expect(opps).toHaveLength(50);
    const kinds = new Set(opps.map((o) => o[`_customerid_value${LOGICAL}`]));
    expect(kinds).toEqual(new Set(['account', 'contact']));
    expect(opps.every((o) => typeof o.estimatedvalue === 'number')).toBe(true);
  });

  it('have stakeholder connections, each with its reciprocal', async () => {
    const links = await rows(
      'connections?$select=_record1id_value,_record2id_value,_record2roleid_value,_relatedconnectionid_value,ismaster,record1objecttypecode,record2objecttypecode',
    );
    const masters = links.filter((l) => l.ismaster === true);
    expect(masters.length).toBeGreaterThan(5);
    expect(links).toHaveLength(masters.length * 2);
    const byId = new Map(links.map((l) => [l.connectionid, l]));
    for (const m of masters) {
      expect(m).toMatchObject({ record1objecttypecode: 'opportunity', record2objecttypecode: 'contact' });
      expect(m._record2roleid_value).toBe(STAKEHOLDER_ROLE_ID);
      const twin = byId.get(m._relatedconnectionid_value)!;
      expect(twin).toMatchObject({
        _record1id_value: m._record2id_value,
        _record2id_value: m._record1id_value,
        ismaster: false,
      });
    }
  });
});

describe('connections written through the Web API', () => {
  it('a created connection gets its reciprocal; deleting the opportunity deletes both', async () => {
    const [opp] = await rows('opportunities?$select=name&$top=1');
    const [contact] = await rows('contacts?$select=fullname&$top=1');
    const tracked = await c.send('GET', 'connections?$select=_record1id_value', undefined, {
      Prefer: 'odata.track-changes',
    });
    const deltaLink = ((await tracked.json()) as Row)['@odata.deltaLink'] as string;
    const id = randomUUID();
    const res = await c.send('POST', 'connections', {
      connectionid: id,
      'record1id_opportunity@odata.bind': `/opportunities(${opp!.opportunityid})`,
      'record2id_contact@odata.bind': `/contacts(${contact!.contactid})`,
      'record2roleid@odata.bind': `/connectionroles(${STAKEHOLDER_ROLE_ID})`,
    });
    expect(res.status).toBe(204);
    const mine = await rows(
      `connections?$select=_record1id_value,_record2id_value,ismaster,name&$filter=_relatedconnectionid_value eq ${id} or connectionid eq ${id}`,
    );
    expect(mine).toHaveLength(2);
    expect(mine.find((m) => m.connectionid === id)).toMatchObject({ ismaster: true, name: contact!.fullname });
    const delta1 = await rows(deltaLink);
    expect(delta1.map((r) => r.connectionid).sort()).toEqual(mine.map((m) => m.connectionid).sort());

    expect((await c.send('DELETE', `opportunities(${opp!.opportunityid})`)).status).toBe(204);
    expect(await rows(`connections?$filter=connectionid eq ${id}`)).toEqual([]);
    expect(await rows(`connections?$filter=_relatedconnectionid_value eq ${id}`)).toEqual([]);
  });
});
