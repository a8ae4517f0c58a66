export * from './odata.js';
export * from './identity.js';
