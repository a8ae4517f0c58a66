/** The fleet: many organizations in one PostgreSQL database, one schema each (registry.ts). */
export * from './registry.js';
export { openFleetDb, type FleetDb } from './registry-db.js';
export * from './org-state.js';
export * from './queue-sql.js';
