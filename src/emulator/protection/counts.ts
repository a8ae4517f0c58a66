/**
 * Request counts per resource (entity set, or `$metadata`, `EntityDefinitions`, `WhoAmI`, ...) and
 * method, so a test can prove, say, that nothing was ever written to accounts. Requests inside a
 * `$batch` are counted under their own resource too.
 */
import type { ResourcePath } from '../http/resource-path.js';

export type RequestCountSnapshot = Record<string, Record<string, number>>;

type Counts = Map<string, Map<string, number>>;

function add(counts: Counts, resource: string, method: string): void {
  let byMethod = counts.get(resource);
  if (!byMethod) counts.set(resource, (byMethod = new Map()));
  byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
}

const toSnapshot = (counts: Counts): RequestCountSnapshot => {
  const out: RequestCountSnapshot = {};
  for (const [resource, byMethod] of counts) out[resource] = Object.fromEntries(byMethod);
  return out;
};

export class RequestCounts {
  #counts: Counts = new Map();
  /** The same counts per signed-in user (UPN, or app id for application users). */
  #byUser = new Map<string, Counts>();

  record(resource: string, method: string): void {
    add(this.#counts, resource, method);
  }

  /** Counts a request under the user who sent it (the totals are counted by `record`). */
  recordFor(user: string, resource: string, method: string): void {
    let counts = this.#byUser.get(user);
    if (!counts) this.#byUser.set(user, (counts = new Map()));
    add(counts, resource, method);
  }

  /** `{ accounts: { GET: 12, PATCH: 1 }, $metadata: { GET: 1 } }` */
  snapshot(): RequestCountSnapshot {
    return toSnapshot(this.#counts);
  }

  /** `{ 'sync@contoso.test': { leads: { PATCH: 3 } } }` */
  snapshotByUser(): Record<string, RequestCountSnapshot> {
    return Object.fromEntries([...this.#byUser].map(([user, counts]) => [user, toSnapshot(counts)]));
  }

  count(resource: string, method?: string): number {
    const byMethod = this.#counts.get(resource);
    if (!byMethod) return 0;
    return method ? (byMethod.get(method.toUpperCase()) ?? 0) : [...byMethod.values()].reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.#counts = new Map();
    this.#byUser = new Map();
  }
}

/** The resource a path addresses, as counts and faults name it. */
export function resourceOf(path: ResourcePath): string {
  switch (path.kind) {
    case 'collection':
    case 'count':
    case 'entity':
    case 'boundFunction':
      return path.entitySet;
    case 'serviceDocument':
      return '$service';
    case 'metadata':
      return '$metadata';
    case 'batch':
      return '$batch';
    case 'entityDefinitions':
      return 'EntityDefinitions';
    case 'function':
      return path.name;
    case 'unknown':
      return '$unknown';
  }
}
