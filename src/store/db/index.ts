export type { Db, QueryResult, SqlClient } from './types.js';
export { openDb, type OpenDbOptions } from './open.js';
export { inTransaction } from './tx.js';
export { csvLine, csvField } from './csv.js';
