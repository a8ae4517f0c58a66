/**
 * The default field mapping (behavior-reference §2.10): Dynamics column → local field name.
 * `fields --defaults` selects the ones the sync user can read; any other readable column can be
 * added and keeps its logical name locally.
 */
import { leadMapping } from './lead-defaults.js';

const BASE_MAPPING = {
  account: {
    name: 'company',
    address1_line1: 'billingStreet',
    address1_line2: 'microsoftBillingAddress2',
    address1_line3: 'microsoftBillingAddress3',
    address1_city: 'billingCity',
    address1_country: 'billingCountry',
    address1_postalcode: 'billingPostalCode',
    telephone1: 'mainPhone',
    businesstypecode: 'businessType',
    accountnumber: 'microsoftAccountNumber',
    statecode: 'microsoftCompanyStatus',
    revenue: 'annualRevenue',
    description: 'companyNotes',
    industrycode: 'industry',
    sic: 'sicCode',
    websiteurl: 'website',
    numberofemployees: 'numberOfEmployees',
  },
  contact: {
    salutation: 'salutation',
    firstname: 'firstName',
    middlename: 'middleName',
    lastname: 'lastName',
    emailaddress1: 'email',
    jobtitle: 'title',
    telephone1: 'phone',
    mobilephone: 'mobilePhone',
    address1_line1: 'address',
    address1_line2: 'microsoftAddress2',
    address1_line3: 'microsoftAddress3',
    address1_city: 'city',
    address1_stateorprovince: 'state',
    address1_country: 'country',
    address1_postalcode: 'postalCode',
    statecode: 'personStatus',
    statuscode: 'statusReason',
    description: 'personNotes',
    donotphone: 'doNotCall',
    donotbulkemail: 'unsubscribed',
    donotemail: 'microsoftDoNotEmail',
    donotfax: 'microsoftDoNotFax',
    donotsendmm: 'microsoftDoNotSendMarketingMaterial',
    telephone2: 'microsoftHomePhone',
    preferredcontactmethodcode: 'microsoftPreferredMethodOfContact',
    mkt_leadscore: 'personScore',
  },
  // Reference 2.10 (Stage <- statecode: Open, Won, Lost); customerid and ownerid are links, always read.
  opportunity: {
    name: 'name',
    estimatedvalue: 'estimatedValue',
    closeprobability: 'closeProbability',
    statecode: 'stage',
    actualclosedate: 'actualCloseDate',
    description: 'description',
  },
  systemuser: {
    fullname: 'fullName',
    firstname: 'firstName',
    lastname: 'lastName',
    internalemailaddress: 'email',
    domainname: 'userName',
    title: 'title',
    isdisabled: 'isDisabled',
  },
};

export const DEFAULT_MAPPING: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({
  ...BASE_MAPPING,
  lead: leadMapping(BASE_MAPPING.contact),
});

/** The local name a selected column gets: its default name, else its logical name. */
export const localNameFor = (entity: string, logicalName: string): string =>
  DEFAULT_MAPPING[entity]?.[logicalName] ?? logicalName;
