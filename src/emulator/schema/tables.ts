/**
 * The standard tables the emulator serves, with the columns of reference section 7 and Dataverse's
 * own types, lengths, required levels and option sets. Custom columns (new_*) are added at run time.
 */
import {
  bool,
  buildTable,
  column,
  currency,
  customer,
  date,
  guid,
  int,
  lookup,
  memo,
  money,
  ownedColumns,
  pick,
  primaryId,
  str,
  systemColumns,
  type TableSpec,
} from './columns.js';
import {
  ACCESS_MODE,
  ACCOUNT_CATEGORY,
  CUSTOMER_TYPE,
  INDUSTRY,
  OPPORTUNITY_STATE,
  OPPORTUNITY_STATUS,
  RATING,
  SALES_STAGE,
} from './option-sets.js';
import { CONNECTION, CONNECTION_ROLE } from './connection-tables.js';
import { CONTACT, LEAD, address1, contactChannels } from './people-tables.js';
import type { TableDef } from './types.js';

const readOnly = { isValidForCreate: false, isValidForUpdate: false } as const;

const ACCOUNT: TableSpec = {
  logicalName: 'account',
  entitySetName: 'accounts',
  displayName: 'Account',
  displayCollectionName: 'Accounts',
  primaryIdAttribute: 'accountid',
  primaryNameAttribute: 'name',
  objectTypeCode: 1,
  ownership: 'UserOwned',
  columns: [
    primaryId('accountid', 'Account'),
    str('name', 'Account Name', 160, 'ApplicationRequired'),
    str('accountnumber', 'Account Number', 20),
    str('websiteurl', 'Website', 200),
    str('telephone1', 'Main Phone', 50),
    str('telephone2', 'Other Phone', 50),
    str('fax', 'Fax', 50),
    str('emailaddress1', 'Email', 100),
    str('tickersymbol', 'Ticker Symbol', 10),
    ...address1(),
    memo('description', 'Description'),
    pick('industrycode', 'Industry', INDUSTRY),
    pick('customertypecode', 'Relationship Type', CUSTOMER_TYPE),
    pick('accountcategorycode', 'Category', ACCOUNT_CATEGORY),
    money('revenue', 'Annual Revenue', { minValue: 0, maxValue: 100_000_000_000_000, isSecured: true }),
    money('creditlimit', 'Credit Limit', { minValue: 0, maxValue: 100_000_000_000_000, isSecured: true }),
    int('numberofemployees', 'Number of Employees', 0, 1_000_000_000),
    lookup('parentaccountid', 'Parent Account', ['account']),
    lookup('primarycontactid', 'Primary Contact', ['contact']),
    lookup('originatingleadid', 'Originating Lead', ['lead']),
    ...contactChannels(),
    currency(),
    ...ownedColumns(),
    ...systemColumns(),
  ],
};

const OPPORTUNITY: TableSpec = {
  logicalName: 'opportunity',
  entitySetName: 'opportunities',
  displayName: 'Opportunity',
  displayCollectionName: 'Opportunities',
  primaryIdAttribute: 'opportunityid',
  primaryNameAttribute: 'name',
  objectTypeCode: 3,
  ownership: 'UserOwned',
  columns: [
    primaryId('opportunityid', 'Opportunity'),
    str('name', 'Topic', 300, 'ApplicationRequired'),
    customer('customerid', 'Potential Customer'),
    lookup('parentaccountid', 'Account', ['account']),
    lookup('parentcontactid', 'Contact', ['contact']),
    lookup('originatingleadid', 'Originating Lead', ['lead']),
    money('estimatedvalue', 'Est. Revenue'),
    money('actualvalue', 'Actual Revenue'),
    date('estimatedclosedate', 'Est. Close Date'),
    date('actualclosedate', 'Actual Close Date'),
    int('closeprobability', 'Probability', 0, 100),
    str('stepname', 'Pipeline Phase', 200),
    pick('salesstage', 'Sales Stage', SALES_STAGE),
    pick('opportunityratingcode', 'Rating', RATING),
    memo('description', 'Description'),
    currency(),
    ...ownedColumns(OPPORTUNITY_STATE, OPPORTUNITY_STATUS),
    ...systemColumns(),
  ],
};

const SYSTEMUSER: TableSpec = {
  logicalName: 'systemuser',
  entitySetName: 'systemusers',
  displayName: 'User',
  displayCollectionName: 'Users',
  primaryIdAttribute: 'systemuserid',
  primaryNameAttribute: 'fullname',
  objectTypeCode: 8,
  ownership: 'OrganizationOwned',
  columns: [
    primaryId('systemuserid', 'User'),
    str('fullname', 'Full Name', 200, undefined, readOnly),
    str('firstname', 'First Name', 256, 'Recommended'),
    str('lastname', 'Last Name', 256, 'ApplicationRequired'),
    str('domainname', 'User Name', 1024, 'SystemRequired'),
    str('internalemailaddress', 'Primary Email', 100),
    str('title', 'Title', 128),
    str('mobilephone', 'Mobile Phone', 64),
    guid('azureactivedirectoryobjectid', 'Azure AD Object ID'),
    guid('applicationid', 'Application ID'),
    bool('isdisabled', 'Status'),
    pick('accessmode', 'Access Mode', ACCESS_MODE),
    lookup('businessunitid', 'Business Unit', ['businessunit'], { requiredLevel: 'SystemRequired' }),
    ...systemColumns(),
  ],
};

const TEAM: TableSpec = {
  logicalName: 'team',
  entitySetName: 'teams',
  displayName: 'Team',
  displayCollectionName: 'Teams',
  primaryIdAttribute: 'teamid',
  primaryNameAttribute: 'name',
  objectTypeCode: 9,
  ownership: 'OrganizationOwned',
  columns: [
    primaryId('teamid', 'Team'),
    str('name', 'Team Name', 160, 'SystemRequired'),
    column('teamtype', 'Picklist', 'Team Type', {
      options: [
        { value: 0, label: 'Owner' },
        { value: 1, label: 'Access' },
      ],
    }),
    lookup('businessunitid', 'Business Unit', ['businessunit']),
    ...systemColumns(),
  ],
};

export const TABLE_SPECS: readonly TableSpec[] = [
  ACCOUNT,
  CONTACT,
  LEAD,
  OPPORTUNITY,
  SYSTEMUSER,
  TEAM,
  CONNECTION,
  CONNECTION_ROLE,
];

/** Fresh, mutable table definitions (each registry owns its own: tests change them at run time). */
export function createStandardTables(changeTrackingDisabled: readonly string[] = []): TableDef[] {
  return TABLE_SPECS.map((spec) => buildTable(spec, !changeTrackingDisabled.includes(spec.logicalName)));
}
