export * from './env.js';
export * from './reads-env.js';
export * from './logger.js';
export * from './heap.js';
export * from './terminal.js';
