/** Identifier quoting for the few statements that cannot take a table or schema name as a parameter. */
import { FatalError } from '../../domain/errors.js';

export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `schema.table` or `table`, each part quoted (a dot is never part of our table names). */
export const quoteQualified = (name: string): string => name.split('.').map(quoteIdent).join('.');

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * A schema name goes into a connection option (`-c search_path=...`) as well as into SQL, where
 * quoting rules differ; accepting only plain lower-case names keeps both safe.
 */
export function assertSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) {
    throw new FatalError('invalid_schema_name', `Schema name ${JSON.stringify(schema)} must match ${SCHEMA_NAME}`);
  }
  return schema;
}

/** `COPY table (cols) FROM <source> (FORMAT text)`, the format copy-text.ts writes. */
export const copyStatement = (table: string, columns: readonly string[], source: string): string =>
  `COPY ${quoteQualified(table)} (${columns.map(quoteIdent).join(', ')}) FROM ${source} WITH (FORMAT text, ENCODING 'UTF8')`;
