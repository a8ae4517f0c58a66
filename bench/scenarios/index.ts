import { api } from './api.js';
import { ceiling } from './ceiling.js';
import { emulatorServe } from './emulator-serve.js';
import { fanout } from './fanout.js';
import { fleet } from './fleet.js';
import { idle } from './idle.js';
import { incremental } from './incremental.js';
import { initial } from './initial.js';
import { memory } from './memory.js';
import { quickSync } from './quick-sync.js';
import { push } from './push.js';
import type { Scenario } from './types.js';
import { writeback } from './writeback.js';

/** In this order: later scenarios continue from the databases the initial sync filled. */
export const SCENARIOS: readonly Scenario[] = [
  initial,
  memory,
  idle,
  incremental,
  fanout,
  api,
  emulatorServe,
  writeback,
  quickSync,
  push,
  fleet,
  ceiling,
];
