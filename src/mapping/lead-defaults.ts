/**
 * The default lead mapping (behavior-reference §2.10, Lead): Dynamics column → local field name.
 * The names are the contact's where Marketo uses one field for both, so a qualified lead's
 * values land in the same fields of its person. A lead's company fields are its own columns
 * (companyname, revenue…), stored on the person: the account rule applies to contacts only.
 * Microsoft Created Date is `createdon`, a system column of every person (dynamics_created_on).
 */
/** Contact pairs a lead does not have (reference: Person Score is contact only). */
const CONTACT_ONLY = new Set(['mkt_leadscore']);

const LEAD_ONLY: Readonly<Record<string, string>> = {
  fax: 'fax',
  leadsourcecode: 'leadSource',
  leadqualitycode: 'rating',
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
};

/** The lead mapping: the contact's pairs (same local names) without the contact-only ones, plus the lead's own. */
export const leadMapping = (contact: Readonly<Record<string, string>>): Readonly<Record<string, string>> =>
  Object.freeze({ ...Object.fromEntries(Object.entries(contact).filter(([k]) => !CONTACT_ONLY.has(k))), ...LEAD_ONLY });
