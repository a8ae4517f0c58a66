/**
 * The webhook steps of the organization: the registered endpoints and steps, and the sink every
 * committed write passes through. A write a step listens to (its message, its table, and for an
 * Update at least one of its filtering attributes) is queued for delivery; nothing else happens on
 * the write's path.
 */
import type { OrgSettings } from '../context.js';
import type { WriteEvent, WriteMessage, WriteSink } from '../data/write-events.js';
import { buildContext } from './execution-context.js';
import { DeliveryQueue, type DeliveryOptions } from './delivery.js';
import { messageId, resolveFilter, type ServiceEndpoint, type Step } from './records.js';

export class WebhookService implements WriteSink {
  readonly endpoints = new Map<string, ServiceEndpoint>();
  readonly steps = new Map<string, Step>();
  readonly queue: DeliveryQueue;
  /** Set once the server listens: the organization's host name for `x-ms-dynamics-organization`. */
  organizationHost = '127.0.0.1';

  constructor(
    private readonly org: OrgSettings,
    readonly tables: () => readonly string[],
    now: () => number,
    options: DeliveryOptions = {},
  ) {
    this.queue = new DeliveryQueue(options, now);
  }

  wants(table: string, message: WriteMessage): boolean {
    for (const s of this.steps.values()) if (this.matches(s, table, message)) return true;
    return false;
  }

  emit(e: WriteEvent): void {
    for (const step of this.steps.values()) {
      if (!this.matches(step, e.table, e.message) || !passesFilteringAttributes(step, e)) continue;
      const endpoint = this.endpoints.get(step._eventhandler_value);
      if (!endpoint) continue;
      this.queue.enqueue({
        endpoint,
        step,
        table: e.table,
        recordId: e.id,
        message: e.message,
        context: buildContext(e, step, this.org),
        organizationHost: this.organizationHost,
      });
    }
  }

  private matches(s: Step, table: string, message: WriteMessage): boolean {
    if (s.statecode !== 0 || s._sdkmessageid_value !== messageId(message)) return false;
    const f = resolveFilter(s._sdkmessagefilterid_value, this.tables());
    return f?.table === table && f.message === message;
  }
}

/** An Update step with filtering attributes runs only when the write set one of them. */
function passesFilteringAttributes(s: Step, e: WriteEvent): boolean {
  if (e.message !== 'Update' || !s.filteringattributes) return true;
  const wanted = new Set(s.filteringattributes.toLowerCase().split(','));
  return e.attributes.some((a) => wanted.has(a.name) && a.name !== 'modifiedon' && a.name !== 'modifiedby');
}
