/** Realistic values composed from the pools: company names, domains, phones, emails, amounts. */
import type { Prng } from './prng.js';
import type { Pools } from './seed-pools.js';

const SUFFIXES = ['Inc.', 'LLC', 'Group', 'Ltd', 'Corporation', 'Partners', 'Holdings', 'Co.'];
const TRADES = [
  'Systems',
  'Solutions',
  'Labs',
  'Logistics',
  'Foods',
  'Consulting',
  'Industries',
  'Technologies',
  'Health',
  'Energy',
  'Media',
  'Capital',
];

export function companyName(r: Prng, p: Pools): string {
  const l = () => r.pick(p.lastNames);
  switch (r.int(5)) {
    case 0:
      return `${l()} ${r.pick(SUFFIXES)}`;
    case 1:
      return `${l()} & ${l()}`;
    case 2:
      return `${l()}, ${l()} and ${l()}`;
    default:
      return `${r.pick(p.companyWords)} ${r.pick(TRADES)}`;
  }
}

export function domainOf(company: string): string {
  return `${
    company
      .toLowerCase()
      .replace(/&|\band\b/g, '')
      .replace(/[^a-z0-9]+/g, '')
      .slice(0, 24) || 'company'
  }.com`;
}

export function phone(r: Prng): string {
  return `${r.between(201, 989)}-555-${String(r.int(10_000)).padStart(4, '0')}`;
}

const localPart = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

export function email(first: string, last: string, domain: string): string {
  return `${localPart(first)}.${localPart(last)}@${domain}`;
}

export const FREE_MAIL = ['gmail.com', 'outlook.com', 'yahoo.com', 'icloud.com', 'proton.me'];

/** Employees on a log scale (10 to ~300,000) and revenue that roughly follows them, in thousands. */
export function companySize(r: Prng): { employees: number; revenue: number } {
  const employees = Math.round(10 ** (1 + r.next() * 4.5));
  const revenue = Math.round((employees * r.between(40, 400)) / 1) * 1000;
  return { employees, revenue: Math.min(revenue, 99_000_000_000_000) };
}

export const PRODUCTS = [
  'Analytics Suite',
  'Cloud Storage',
  'CRM Licenses',
  'Consulting Hours',
  'Support Plan',
  'Hardware Refresh',
  'Training Package',
  'Data Platform',
];
