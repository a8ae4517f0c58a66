/**
 * Request counts per resource (entity set, or `$metadata`, `EntityDefinitions`, `WhoAmI`, ...) and
 * method, so a test can prove, say, that nothing was ever written to accounts. Requests inside a
 * `$batch` are counted under their own resource too.
 */
import type { ResourcePath } from '../http/resource-path.js';

export type RequestCountSnapshot = Record<string, Record<string, number>>;

export class RequestCounts {
  #counts = new Map<string, Map<string, number>>();

  record(resource: string, method: string): void {
    let byMethod = this.#counts.get(resource);
    if (!byMethod) this.#counts.set(resource, (byMethod = new Map()));
    byMethod.set(method, (byMethod.get(method) ?? 0) + 1);
  }

  /** `{ accounts: { GET: 12, PATCH: 1 }, $metadata: { GET: 1 } }` */
  snapshot(): RequestCountSnapshot {
    const out: RequestCountSnapshot = {};
    for (const [resource, byMethod] of this.#counts) out[resource] = Object.fromEntries(byMethod);
    return out;
  }

  count(resource: string, method?: string): number {
    const byMethod = this.#counts.get(resource);
    if (!byMethod) return 0;
    return method ? (byMethod.get(method.toUpperCase()) ?? 0) : [...byMethod.values()].reduce((a, b) => a + b, 0);
  }

  reset(): void {
    this.#counts = new Map();
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
