export * from './defaults.js';
export * from './convert.js';
export * from './plan.js';
export * from './map-record.js';
export * from './local-value.js';
export * from './wire-value.js';
export * from './custom-plan.js';
export * from './fixed-plans.js';
