/**
 * The two tables whose rows are people, contact and lead, with the columns of behavior reference
 * 2.10 (the default lead and contact mapping) and Dataverse's own lengths and required levels.
 * They share the name, phone, address and channel columns, declared once here.
 */
import {
  bool,
  currency,
  customer,
  date,
  int,
  lookup,
  memo,
  money,
  ownedColumns,
  pick,
  primaryId,
  str,
  systemColumns,
  type ColumnFactory,
  type TableSpec,
} from './columns.js';
import {
  GENDER,
  INDUSTRY,
  LEAD_SOURCE,
  LEAD_STATE,
  LEAD_STATUS,
  PREFERRED_CONTACT_METHOD,
  RATING,
} from './option-sets.js';

const readOnly = { isValidForCreate: false, isValidForUpdate: false } as const;

export const address1 = (): ColumnFactory[] => [
  str('address1_line1', 'Address 1: Street 1', 250),
  str('address1_line2', 'Address 1: Street 2', 250),
  str('address1_line3', 'Address 1: Street 3', 250),
  str('address1_city', 'Address 1: City', 80),
  str('address1_stateorprovince', 'Address 1: State/Province', 50),
  str('address1_postalcode', 'Address 1: ZIP/Postal Code', 20),
  str('address1_country', 'Address 1: Country/Region', 80),
];

export const contactChannels = (): ColumnFactory[] => [
  bool('donotemail', 'Do not allow Emails'),
  bool('donotbulkemail', 'Do not allow Bulk Emails'),
  bool('donotphone', 'Do not allow Phone Calls'),
];

/** Name, email, phone and preference columns every person row has. */
function person(mobileLength: number): ColumnFactory[] {
  return [
    str('salutation', 'Salutation', 100),
    str('firstname', 'First Name', 50, 'Recommended'),
    str('middlename', 'Middle Name', 50),
    str('lastname', 'Last Name', 50, 'ApplicationRequired'),
    str('fullname', 'Full Name', 160, undefined, readOnly),
    str('emailaddress1', 'Email', 100),
    str('emailaddress2', 'Email Address 2', 100),
    str('emailaddress3', 'Email Address 3', 100),
    str('jobtitle', 'Job Title', 100),
    str('telephone1', 'Business Phone', 50),
    str('telephone2', 'Home Phone', 50),
    str('mobilephone', 'Mobile Phone', mobileLength),
    str('fax', 'Fax', 50),
    ...address1(),
    pick('preferredcontactmethodcode', 'Preferred Method of Contact', PREFERRED_CONTACT_METHOD),
    memo('description', 'Description'),
    ...contactChannels(),
    bool('donotfax', 'Do not allow Faxes'),
    bool('donotsendmm', 'Send Marketing Materials'),
  ];
}

export const CONTACT: TableSpec = {
  logicalName: 'contact',
  entitySetName: 'contacts',
  displayName: 'Contact',
  displayCollectionName: 'Contacts',
  primaryIdAttribute: 'contactid',
  primaryNameAttribute: 'fullname',
  objectTypeCode: 2,
  ownership: 'UserOwned',
  columns: [
    primaryId('contactid', 'Contact'),
    ...person(50),
    str('department', 'Department', 100),
    date('birthdate', 'Birthday', { dateOnly: true, isSecured: true }),
    pick('gendercode', 'Gender', GENDER),
    customer('parentcustomerid', 'Company Name'),
    lookup('originatingleadid', 'Originating Lead', ['lead']),
    ...ownedColumns(),
    ...systemColumns(),
  ],
};

export const LEAD: TableSpec = {
  logicalName: 'lead',
  entitySetName: 'leads',
  displayName: 'Lead',
  displayCollectionName: 'Leads',
  primaryIdAttribute: 'leadid',
  primaryNameAttribute: 'fullname',
  objectTypeCode: 4,
  ownership: 'UserOwned',
  columns: [
    primaryId('leadid', 'Lead'),
    str('subject', 'Topic', 300, 'ApplicationRequired'),
    ...person(20),
    str('companyname', 'Company Name', 100),
    str('websiteurl', 'Website', 200),
    pick('industrycode', 'Industry', INDUSTRY),
    money('revenue', 'Annual Revenue', { minValue: 0, maxValue: 100_000_000_000_000 }),
    int('numberofemployees', 'No. of Employees', 0, 1_000_000),
    str('sic', 'SIC Code', 20),
    pick('leadsourcecode', 'Lead Source', LEAD_SOURCE),
    pick('leadqualitycode', 'Rating', RATING),
    customer('customerid', 'Customer'),
    lookup('parentaccountid', 'Existing Account', ['account']),
    lookup('parentcontactid', 'Existing Contact', ['contact']),
    lookup('qualifyingopportunityid', 'Qualifying Opportunity', ['opportunity']),
    currency(),
    ...ownedColumns(LEAD_STATE, LEAD_STATUS),
    ...systemColumns(),
  ],
};
