/**
 * Control-plane state shared by the HTTP pipeline and the in-process admin. It is keyed by the
 * emulator context, so `createAdmin(handle.ctx)` reaches the same queues and counters as the server.
 */
import type { EmulatorContext } from '../context.js';
import { FaultQueue } from '../faults/queue.js';
import { DEFAULT_LIMITS, type CostModel } from '../options.js';
import { RequestCounts } from './counts.js';
import { ServiceProtection } from './limiter.js';

export interface ControlState {
  readonly faults: FaultQueue;
  readonly counts: RequestCounts;
  readonly protection: ServiceProtection;
  /** The server-time model (null: off, execution time is the emulator's own). */
  cost: CostModel | null;
}

const states = new WeakMap<EmulatorContext, ControlState>();

export function controlState(ctx: EmulatorContext): ControlState {
  let s = states.get(ctx);
  if (!s) {
    s = {
      faults: new FaultQueue(),
      counts: new RequestCounts(),
      protection: new ServiceProtection({ ...DEFAULT_LIMITS }, () => ctx.clock.now()),
      cost: null,
    };
    states.set(ctx, s);
  }
  return s;
}
