/**
 * Connections, as Dataverse models an opportunity's stakeholders: a `connection` row links any two
 * records (record1id → record2id, each with a connection role), and Dataverse keeps a reciprocal
 * row (record1 and record2 swapped, `ismaster` false, the two joined by `relatedconnectionid`).
 * The opportunity form's Stakeholders grid lists connections from the opportunity to contacts in a
 * role of the Stakeholder category (connectionrole.category 1000).
 */
import {
  bool,
  column,
  date,
  lookup,
  memo,
  ownedColumns,
  pick,
  primaryId,
  str,
  systemColumns,
  type TableSpec,
} from './columns.js';
import type { OptionDef } from './types.js';

/** Tables a connection may link (the standard tables the emulator serves). */
export const CONNECTABLE = ['account', 'contact', 'lead', 'opportunity', 'systemuser', 'team'];

export const CONNECTION_ROLE_CATEGORY: readonly OptionDef[] = [
  { value: 1, label: 'Business' },
  { value: 2, label: 'Family' },
  { value: 3, label: 'Social' },
  { value: 4, label: 'Sales' },
  { value: 5, label: 'Other' },
  { value: 1000, label: 'Stakeholder' },
  { value: 1001, label: 'Sales Team' },
  { value: 1002, label: 'Service' },
];

const readOnly = { isValidForCreate: false, isValidForUpdate: false } as const;
// Connections go with either record they link (Dataverse deletes them with it).
const parental = { cascadeDelete: true } as const;

export const CONNECTION: TableSpec = {
  logicalName: 'connection',
  entitySetName: 'connections',
  displayName: 'Connection',
  displayCollectionName: 'Connections',
  primaryIdAttribute: 'connectionid',
  primaryNameAttribute: 'name',
  objectTypeCode: 3234,
  ownership: 'UserOwned',
  columns: [
    primaryId('connectionid', 'Connection'),
    str('name', 'Connection Name', 500, undefined, readOnly),
    lookup('record1id', 'Connected From', CONNECTABLE, { requiredLevel: 'ApplicationRequired', ...parental }),
    column('record1objecttypecode', 'EntityName', 'Type (Connected From)', readOnly),
    lookup('record1roleid', 'As this Role (From)', ['connectionrole']),
    lookup('record2id', 'Connected To', CONNECTABLE, { requiredLevel: 'ApplicationRequired', ...parental }),
    column('record2objecttypecode', 'EntityName', 'Type (Connected To)', readOnly),
    lookup('record2roleid', 'As this Role (To)', ['connectionrole']),
    lookup('relatedconnectionid', 'Reciprocal Connection', ['connection'], { ...readOnly, ...parental }),
    column('ismaster', 'Boolean', 'Is Master', readOnly),
    date('effectivestart', 'Starting'),
    date('effectiveend', 'Ending'),
    memo('description', 'Description'),
    ...ownedColumns(),
    ...systemColumns(),
  ],
};

export const CONNECTION_ROLE: TableSpec = {
  logicalName: 'connectionrole',
  entitySetName: 'connectionroles',
  displayName: 'Connection Role',
  displayCollectionName: 'Connection Roles',
  primaryIdAttribute: 'connectionroleid',
  primaryNameAttribute: 'name',
  objectTypeCode: 3231,
  ownership: 'OrganizationOwned',
  columns: [
    primaryId('connectionroleid', 'Connection Role'),
    str('name', 'Name', 100, 'SystemRequired'),
    pick('category', 'Connection Role Category', CONNECTION_ROLE_CATEGORY),
    memo('description', 'Description'),
    bool('iscustomizable', 'Customizable'),
    column('statecode', 'State', 'Status', {
      options: [
        { value: 0, label: 'Active' },
        { value: 1, label: 'Inactive' },
      ],
    }),
    column('statuscode', 'Status', 'Status Reason', {
      options: [
        { value: 1, label: 'Active' },
        { value: 2, label: 'Inactive' },
      ],
    }),
    ...systemColumns(),
  ],
};
