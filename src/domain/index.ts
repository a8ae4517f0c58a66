export * from './errors.js';
export * from './entities.js';
export * from './fields.js';
export * from './activities.js';
export * from './custom-tables.js';
