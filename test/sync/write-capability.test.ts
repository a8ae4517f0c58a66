/**
 * Issue 10, section 2: "Only selected fields that the sync user may update are written (metadata,
 * table write privilege, column security)". The field catalog stores, per column, whether the sync
 * user may update and create it and why not, read from the emulator the way Dataverse answers:
 * AttributeMetadata IsValidForUpdate/IsValidForCreate, RetrieveUserPrivileges (prvWrite…/prvCreate…)
 * and RetrievePrincipalAttributePrivileges (CanUpdate/CanCreate).
 */
import { expect, it } from 'vitest';
import { listCatalog } from '../../src/store/fields-repo.js';
import { writableColumns } from '../../src/sync/writable.js';
import { writeFlags } from '../../src/sync/write-capability.js';
import type { SourceAttribute } from '../../src/sync/ports.js';
import { describeWorlds } from './world.js';

const flags = async (w: { db: Parameters<typeof listCatalog>[0] }, entity: string) =>
  new Map((await listCatalog(w.db, entity)).map((f) => [f.logicalName, f]));

describeWorlds('write capability in the field catalog', ({ open }) => {
  it('stores update and create capability per column from the metadata, with the reason when refused', async () => {
    const w = await open();
    const contact = await flags(w, 'contact');
    expect(contact.get('firstname')).toMatchObject({
      canUpdate: true,
      canCreate: true,
      updateDenied: null,
      createDenied: null,
    });
    // The primary key is set on create (a chosen id) but never updated; createdon is the system's.
    expect(contact.get('contactid')).toMatchObject({
      canUpdate: false,
      updateDenied: 'not_valid_for_update',
      canCreate: true,
    });
    expect(contact.get('createdon')).toMatchObject({
      canUpdate: false,
      updateDenied: 'not_valid_for_update',
      canCreate: false,
      createDenied: 'not_valid_for_create',
    });
    expect((await flags(w, 'lead')).get('lastname')).toMatchObject({ canUpdate: true, canCreate: true });
  });

  it('a table without the write or create privilege makes every column read-only, and refreshing the selection says so', async () => {
    const w = await open();
    w.admin.setTablePrivileges('sync@contoso.test', 'lead', { write: false });
    w.admin.setTablePrivileges('sync@contoso.test', 'contact', { create: false });
    await w.saveFields('lead', { add: ['firstname', 'lastname'] });
    await w.saveFields('contact');
    const lead = await flags(w, 'lead');
    expect(lead.get('firstname')).toMatchObject({
      canUpdate: false,
      updateDenied: 'no_write_privilege',
      canCreate: true,
      createDenied: null,
    });
    const contact = await flags(w, 'contact');
    expect(contact.get('firstname')).toMatchObject({
      canUpdate: true,
      canCreate: false,
      createDenied: 'no_create_privilege',
    });
    // Metadata comes first: a column nobody may update says so, not the privilege.
    expect(contact.get('createdon')).toMatchObject({
      updateDenied: 'not_valid_for_update',
      createDenied: 'not_valid_for_create',
    });
  });

  it('a secured column the sync user has no field permission on is neither readable nor writable', async () => {
    const w = await open();
    w.admin.setColumnSecured('contact', 'jobtitle', true);
    w.admin.setSecuredColumn('sync@contoso.test', 'contact', 'jobtitle', { read: false, update: false, create: false });
    await w.saveFields('contact');
    expect((await flags(w, 'contact')).get('jobtitle')).toMatchObject({
      readable: false,
      canUpdate: false,
      updateDenied: 'secured_no_update',
      canCreate: false,
      createDenied: 'secured_no_create',
    });
    // Read alone grants neither update nor create (three separate field-security rights).
    w.admin.setSecuredColumnRead('sync@contoso.test', 'contact', 'jobtitle', true);
    await w.saveFields('contact');
    expect((await flags(w, 'contact')).get('jobtitle')).toMatchObject({
      readable: true,
      canUpdate: false,
      updateDenied: 'secured_no_update',
      canCreate: false,
    });
    w.admin.setSecuredColumn('sync@contoso.test', 'contact', 'jobtitle', { update: true, create: true });
    await w.saveFields('contact');
    expect((await flags(w, 'contact')).get('jobtitle')).toMatchObject({
      readable: true,
      canUpdate: true,
      canCreate: true,
    });
  });

  it('the limited user may not write leads', async (t) => {
    const w = await open();
    const lee = w.emu.ctx.identity.userIdByName('limited@contoso.test')!;
    const { controlSecurity } = await import('../../src/emulator/security/service.js');
    if (controlSecurity(w.emu.ctx.security).can(lee, 'lead', 'write')) {
      t.skip('waits on the emu branch: the emulator does not deny lead writes to limited@contoso.test yet');
    }
    const { fetchCatalog } = await import('../../src/sync/catalog.js');
    const lead = await fetchCatalog(w.session.source, 'lead', lee);
    expect(lead.find((f) => f.logicalName === 'lastname')).toMatchObject({
      canUpdate: false,
      updateDenied: 'no_write_privilege',
    });
  });

  it('writableColumns lists the selected person columns that may be written; accounts and users never', async () => {
    const w = await open();
    await w.saveFields('contact', { add: ['createdon'] });
    w.admin.setTablePrivileges('sync@contoso.test', 'lead', { write: false, create: false });
    await w.saveFields('lead', { add: ['firstname', 'subject'] });
    const contact = await writableColumns(w.db, 'contact');
    expect(contact.map((c) => c.logicalName)).toContain('firstname');
    expect(contact.map((c) => c.logicalName)).not.toContain('createdon');
    expect(contact.find((c) => c.logicalName === 'emailaddress1')).toMatchObject({
      localName: 'email',
      canUpdate: true,
      canCreate: true,
    });
    expect(await writableColumns(w.db, 'lead')).toEqual([]);
    // The flags of account columns say the sync user could write them; dynasync still never does.
    expect((await flags(w, 'account')).get('name')).toMatchObject({ canUpdate: true });
    expect(await writableColumns(w.db, 'account')).toEqual([]);
    expect(await writableColumns(w.db, 'systemuser')).toEqual([]);
  });
});

it('a secured column readable but not updatable is refused for update only (field permission CanUpdate 0)', () => {
  const a: SourceAttribute = {
    logicalName: 'mkt_leadscore',
    attributeType: 'Integer',
    displayName: 'Score',
    isValidForRead: true,
    isValidForUpdate: true,
    isValidForCreate: true,
    isSecured: true,
    isCustom: true,
    attributeOf: null,
    maxLength: null,
    requiredLevel: 'None',
    options: null,
    metadataId: 'm1',
  };
  const rights = {
    privileges: new Set(['prvWriteContact', 'prvCreateContact']),
    columns: new Map([['m1', { read: true, update: false, create: true }]]),
  };
  expect(writeFlags('contact', a, rights)).toEqual({
    canUpdate: false,
    updateDenied: 'secured_no_update',
    canCreate: true,
    createDenied: null,
  });
  // Privilege names compare case-insensitively with the logical name; systemuser's are named after User.
  expect(
    writeFlags(
      'systemuser',
      { ...a, isSecured: false },
      { privileges: new Set(['prvWriteUser', 'prvCreateUser']), columns: new Map() },
    ),
  ).toMatchObject({ canUpdate: true, canCreate: true });
});
