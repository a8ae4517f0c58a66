/**
 * The default lead mapping (behavior-reference §2.10, Lead): Dynamics column → local field name.
 * The names are the contact's where Marketo uses one field for both, so a qualified lead's
 * values land in the same fields of its person. A lead's company fields are its own columns
 * (companyname, revenue…), stored on the person: the account rule applies to contacts only.
 * Microsoft Created Date is `createdon`, a system column of every person (dynamics_created_on).
 */
export const LEAD_MAPPING: Readonly<Record<string, string>> = Object.freeze({
  salutation: 'salutation',
  firstname: 'firstName',
  middlename: 'middleName',
  lastname: 'lastName',
  emailaddress1: 'email',
  jobtitle: 'title',
  telephone1: 'phone',
  mobilephone: 'mobilePhone',
  fax: 'fax',
  address1_line1: 'address',
  address1_line2: 'microsoftAddress2',
  address1_line3: 'microsoftAddress3',
  address1_city: 'city',
  address1_stateorprovince: 'state',
  address1_country: 'country',
  address1_postalcode: 'postalCode',
  leadsourcecode: 'leadSource',
  statecode: 'personStatus',
  statuscode: 'statusReason',
  description: 'personNotes',
  donotphone: 'doNotCall',
  donotbulkemail: 'unsubscribed',
  leadqualitycode: 'rating',
  donotemail: 'microsoftDoNotEmail',
  donotfax: 'microsoftDoNotFax',
  donotsendmm: 'microsoftDoNotSendMarketingMaterial',
  telephone2: 'microsoftHomePhone',
  preferredcontactmethodcode: 'microsoftPreferredMethodOfContact',
  // Marketo maps subject to both Microsoft Topic and Subject; one local field holds it.
  subject: 'microsoftTopic',
  mkt_lastinterestingmomentdate: 'lastInterestingMomentDate',
  mkt_lastinterestingmomentdesc: 'lastInterestingMomentDesc',
  mkt_leadinterestingmomentsource: 'lastInterestingMomentSource',
  mkt_lastinterestingmomenttype: 'lastInterestingMomentType',
  companyname: 'company',
  mkt_relativescore: 'relativeScore',
  mkt_priority: 'priority',
  mkt_urgency: 'urgency',
  revenue: 'annualRevenue',
});
