/** Faults queued by tests or the admin API, consumed by the next matching Web API responses. */
export type FaultKind = '429' | '500' | '503' | 'slow' | 'reset' | 'malformed';
export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '503', 'slow', 'reset', 'malformed'];

export interface FaultSpec {
  kind: FaultKind;
  /** How many responses this applies to. Default 1. */
  count?: number;
  /** Only requests to this entity set (or resource, e.g. `$batch`). Default: any Web API request. */
  entitySet?: string;
  /** For 429 and 503. Default 5. */
  retryAfterSeconds?: number;
  /** For `slow`. Default 2000. */
  delayMs?: number;
}

export interface Fault {
  readonly kind: FaultKind;
  readonly retryAfterSeconds: number;
  readonly delayMs: number;
}

interface Pending extends Fault {
  readonly entitySet?: string;
  remaining: number;
}

export class FaultQueue {
  #pending: Pending[] = [];

  add(spec: FaultSpec): void {
    this.#pending.push({
      kind: spec.kind,
      remaining: spec.count ?? 1,
      entitySet: spec.entitySet,
      retryAfterSeconds: spec.retryAfterSeconds ?? 5,
      delayMs: spec.delayMs ?? 2000,
    });
  }

  /** The first queued fault matching this resource, consuming one of its uses. */
  take(resource: string): Fault | undefined {
    const i = this.#pending.findIndex((p) => p.entitySet === undefined || p.entitySet === resource);
    if (i < 0) return undefined;
    const p = this.#pending[i]!;
    if (--p.remaining <= 0) this.#pending.splice(i, 1);
    return { kind: p.kind, retryAfterSeconds: p.retryAfterSeconds, delayMs: p.delayMs };
  }

  pending(): (FaultSpec & { count: number })[] {
    return this.#pending.map((p) => ({
      kind: p.kind,
      count: p.remaining,
      entitySet: p.entitySet,
      retryAfterSeconds: p.retryAfterSeconds,
      delayMs: p.delayMs,
    }));
  }

  clear(): void {
    this.#pending = [];
  }
}
