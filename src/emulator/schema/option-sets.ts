/** Option sets of the standard tables, with the labels Dataverse ships (English, 1033). */
import type { OptionDef } from './types.js';

const list = (...labels: string[]): OptionDef[] => labels.map((label, i) => ({ value: i + 1, label }));
const pairs = (entries: [number, string][]): OptionDef[] => entries.map(([value, label]) => ({ value, label }));

export const INDUSTRY = list(
  'Accounting',
  'Agriculture and Non-petrol Natural Resource Extraction',
  'Broadcasting Printing and Publishing',
  'Brokers',
  'Building Supply Retail',
  'Business Services',
  'Consulting',
  'Consumer Services',
  'Design, Direction and Creative Management',
  'Distributors, Dispatchers and Processors',
  "Doctor's Offices and Clinics",
  'Durable Manufacturing',
  'Eating and Drinking Places',
  'Entertainment Retail',
  'Equipment Rental and Leasing',
  'Financial',
  'Food and Tobacco Processing',
  'Inbound Capital Intensive Processing',
  'Inbound Repair and Services',
  'Insurance',
  'Legal Services',
  'Non-Durable Merchandise Retail',
  'Outbound Consumer Service',
  'Petrochemical Extraction and Distribution',
  'Service Retail',
  'SIG Affiliations',
  'Social Services',
  'Special Outbound Trade Contractors',
  'Specialty Realty',
  'Transportation',
  'Utility Creation and Distribution',
  'Vehicle Retail',
  'Wholesale',
);

export const CUSTOMER_TYPE = list(
  'Competitor',
  'Consultant',
  'Customer',
  'Investor',
  'Partner',
  'Influencer',
  'Press',
  'Prospect',
  'Reseller',
  'Supplier',
  'Vendor',
  'Other',
);
export const ACCOUNT_CATEGORY = list('Preferred Customer', 'Standard');
export const PREFERRED_CONTACT_METHOD = list('Any', 'Email', 'Phone', 'Fax', 'Mail');
export const GENDER = list('Male', 'Female');
export const LEAD_SOURCE = list(
  'Advertisement',
  'Employee Referral',
  'External Referral',
  'Partner',
  'Public Relations',
  'Seminar',
  'Trade Show',
  'Web',
  'Word of Mouth',
  'Other',
);
export const RATING = list('Hot', 'Warm', 'Cold');
export const ACCESS_MODE = pairs([
  [0, 'Read-Write'],
  [1, 'Administrative'],
  [2, 'Read'],
  [3, 'Support User'],
  [4, 'Non-interactive'],
  [5, 'Delegated Admin'],
]);

/** statecode/statuscode pairs per table; statuscode options remember their state for validation. */
export const ACTIVE_STATE = pairs([
  [0, 'Active'],
  [1, 'Inactive'],
]);
export const ACTIVE_STATUS = pairs([
  [1, 'Active'],
  [2, 'Inactive'],
]);
export const LEAD_STATE = pairs([
  [0, 'Open'],
  [1, 'Qualified'],
  [2, 'Disqualified'],
]);
export const LEAD_STATUS = pairs([
  [1, 'New'],
  [2, 'Contacted'],
  [3, 'Qualified'],
  [4, 'Lost'],
  [5, 'Cannot Contact'],
  [6, 'No Longer Interested'],
  [7, 'Canceled'],
]);
export const OPPORTUNITY_STATE = pairs([
  [0, 'Open'],
  [1, 'Won'],
  [2, 'Lost'],
]);
export const OPPORTUNITY_STATUS = pairs([
  [1, 'In Progress'],
  [2, 'On Hold'],
  [3, 'Won'],
  [4, 'Canceled'],
  [5, 'Out-Sold'],
]);
export const SALES_STAGE = pairs([
  [0, 'Qualify'],
  [1, 'Develop'],
  [2, 'Propose'],
  [3, 'Close'],
]);
