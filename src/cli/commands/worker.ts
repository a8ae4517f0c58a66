import type { Command } from 'commander';
import type { CliContext } from '../context.js';
export function registerWorker(_p: Command, _c: CliContext): void {}
