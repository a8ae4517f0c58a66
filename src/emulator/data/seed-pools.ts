/**
 * Value pools built once per seed value with a seeded faker: a few hundred names, places and titles.
 * The generator then combines them with a fast PRNG, which is what makes a million rows cheap.
 */
// The English-only entry point loads in a fifth of the time of the all-locales one (startup budget).
import { faker } from '@faker-js/faker/locale/en';

export interface Place {
  city: string;
  state: string | null;
  postalCode: string;
  country: string;
}

export interface Pools {
  firstNames: string[];
  lastNames: string[];
  companyWords: string[];
  streets: string[];
  places: Place[];
  jobTitles: string[];
  departments: string[];
}

const COUNTRIES = [
  'United States',
  'United States',
  'United States',
  'United States',
  'Canada',
  'United Kingdom',
  'Germany',
  'France',
  'Australia',
  'Netherlands',
];

const cache = new Map<number, Pools>();

export function poolsFor(seedValue: number): Pools {
  let pools = cache.get(seedValue);
  if (!pools) cache.set(seedValue, (pools = build(seedValue)));
  return pools;
}

function many<T>(n: number, f: () => T): T[] {
  return Array.from({ length: n }, f);
}

function build(seedValue: number): Pools {
  // Seeded and drained synchronously, so sharing the module's instance cannot interleave with others.
  const f = faker;
  f.seed(seedValue);
  return {
    firstNames: [...new Set(many(400, () => f.person.firstName()))],
    lastNames: [...new Set(many(600, () => f.person.lastName()))],
    companyWords: [...new Set(many(200, () => f.word.noun()).map((w) => w[0]!.toUpperCase() + w.slice(1)))],
    streets: many(300, () => f.location.streetAddress()),
    places: many(250, (): Place => {
      const country = f.helpers.arrayElement(COUNTRIES);
      const us = country === 'United States';
      return {
        city: f.location.city(),
        state: us ? f.location.state({ abbreviated: true }) : null,
        postalCode: f.location.zipCode(),
        country,
      };
    }),
    jobTitles: [...new Set(many(160, () => f.person.jobTitle()))],
    departments: [
      'Sales',
      'Marketing',
      'Finance',
      'IT',
      'Operations',
      'Procurement',
      'Human Resources',
      'Engineering',
      'Legal',
      'Customer Service',
    ],
  };
}
