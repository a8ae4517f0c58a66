/**
 * Delivers queued execution contexts to their webhooks, off the request path: a write has already
 * answered when its POST leaves. Each delivery is a system job: tried with a 60 s timeout, retried
 * with exponential backoff when the endpoint does not answer or answers 502, 503 or 504 (the
 * failures Dataverse treats as transient), and recorded as an `asyncoperation`: Succeeded (30) or,
 * once the attempts are spent or the endpoint answered anything else, Failed (31).
 */
import { randomUUID } from 'node:crypto';
import { AuthType, type AsyncOperation, type ServiceEndpoint, type Step } from './records.js';
import { parseSettings } from './input.js';
import type { BuiltContext } from './execution-context.js';
import type { WebhookDeliveryOptions } from '../options.js';

export type DeliveryOptions = WebhookDeliveryOptions;

export interface DeliveryJob {
  readonly endpoint: ServiceEndpoint;
  readonly step: Step;
  readonly table: string;
  readonly recordId: string;
  readonly message: string;
  readonly context: BuiltContext;
  /** `x-ms-dynamics-organization`: the organization's host name. */
  readonly organizationHost: string;
}

/** One attempt as the emulator saw it (for tests and the admin API). */
export interface DeliveryAttempt {
  readonly jobId: string;
  readonly url: string;
  readonly attempt: number;
  /** HTTP status, or 0 when the endpoint did not answer. */
  readonly status: number;
  readonly at: number;
}

const TRANSIENT = new Set([502, 503, 504]);
const KEEP = 1000;

export class DeliveryQueue {
  readonly attempts: DeliveryAttempt[] = [];
  readonly operations: AsyncOperation[] = [];
  readonly #queue: { job: DeliveryJob; id: string }[] = [];
  readonly #opts: Required<DeliveryOptions>;
  #active = 0;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(
    opts: DeliveryOptions,
    private readonly now: () => number,
  ) {
    this.#opts = { attempts: 4, backoffMs: 1000, timeoutMs: 60_000, concurrency: 8, ...opts };
  }

  enqueue(job: DeliveryJob): void {
    if (this.#closed) return;
    this.#queue.push({ job, id: randomUUID() });
    setImmediate(() => this.pump());
  }

  /** Resolves once nothing is queued or in flight (tests). */
  idle(): Promise<void> {
    if (this.#active === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((r) => this.#idle.push(r));
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  private pump(): void {
    while (this.#active < this.#opts.concurrency && this.#queue.length > 0) {
      const next = this.#queue.shift()!;
      this.#active++;
      void this.run(next.job, next.id).finally(() => {
        this.#active--;
        this.pump();
        if (this.#active === 0 && this.#queue.length === 0) for (const r of this.#idle.splice(0)) r();
      });
    }
  }

  private async run(job: DeliveryJob, id: string): Promise<void> {
    const created = this.now();
    let last = { status: 0, message: '' };
    for (let attempt = 1; attempt <= this.#opts.attempts && !this.#closed; attempt++) {
      last = await this.post(job, id, attempt);
      if (last.status >= 200 && last.status < 300) return this.record(job, created, null);
      if (last.status !== 0 && !TRANSIENT.has(last.status)) break;
      if (attempt < this.#opts.attempts) await sleep(this.#opts.backoffMs * 2 ** (attempt - 1));
    }
    this.record(job, created, last);
  }

  private async post(job: DeliveryJob, jobId: string, attempt: number): Promise<{ status: number; message: string }> {
    const { url, headers } = authenticated(job.endpoint);
    let status = 0;
    let message = '';
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'x-ms-dynamics-organization': job.organizationHost,
          'x-ms-dynamics-entity-name': job.table,
          'x-ms-dynamics-request-name': job.message,
          'x-ms-correlation-request-id': job.context.correlationId,
          ...(job.context.sizeExceeded ? { 'x-ms-dynamics-msg-size-exceeded': 'true' } : {}),
        },
        body: job.context.body,
        signal: AbortSignal.timeout(this.#opts.timeoutMs),
      });
      status = res.status;
      message = `The webhook answered ${res.status}.`;
      await res.arrayBuffer().catch(() => undefined);
    } catch (err) {
      message = `The webhook did not answer: ${err instanceof Error ? err.message : String(err)}`;
    }
    this.attempts.push({ jobId, url: job.endpoint.url, attempt, status, at: this.now() });
    if (this.attempts.length > KEEP) this.attempts.splice(0, this.attempts.length - KEEP);
    return { status, message };
  }

  private record(job: DeliveryJob, created: number, failure: { status: number; message: string } | null): void {
    if (!failure && job.step.asyncautodelete) return; // a succeeded job deletes itself
    const at = new Date(this.now()).toISOString();
    this.operations.push({
      asyncoperationid: randomUUID(),
      name: job.step.name,
      operationtype: 1,
      statecode: 3,
      statuscode: failure ? 31 : 30,
      message: failure?.message ?? null,
      friendlymessage: failure ? 'An error occurred while sending the execution context to the webhook.' : null,
      errorcode: failure ? -2147220970 : null,
      _owningextensionid_value: job.step.sdkmessageprocessingstepid,
      _regardingobjectid_value: job.recordId,
      primaryentitytype: job.table,
      createdon: new Date(created).toISOString(),
      completedon: at,
    });
    if (this.operations.length > KEEP) this.operations.splice(0, this.operations.length - KEEP);
  }
}

/** The URL and headers an endpoint's authentication type adds to every POST. */
export function authenticated(e: ServiceEndpoint): { url: string; headers: Record<string, string> } {
  const url = new URL(e.url);
  const headers: Record<string, string> = {};
  const value = e.authvalue ?? '';
  if (e.authtype === AuthType.WebhookKey) url.searchParams.set('code', value);
  else if (e.authtype === AuthType.HttpHeader) for (const [k, v] of parseSettings(value)) headers[k.toLowerCase()] = v;
  else if (e.authtype === AuthType.HttpQueryString)
    for (const [k, v] of parseSettings(value)) url.searchParams.set(k, v);
  return { url: url.toString(), headers };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());
