/** Emulator time: real time plus an offset tests can advance (token and change-tracking expiry). */
import type { Clock } from './context.js';

export function createClock(): Clock {
  let offset = 0;
  return {
    now: () => Date.now() + offset,
    advance: (ms: number) => {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms}`);
      offset += ms;
    },
  };
}
