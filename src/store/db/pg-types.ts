/**
 * Make pg return what PGlite returns, so code behaves the same on both backends: int8 (bigserial
 * ids, count(*)) as a JS number while it is a safe integer, as a BigInt beyond. pg alone would
 * give strings. Scoped to our pool, never set globally (other pg users in the process keep theirs).
 */
import pg from 'pg';

const INT8 = 20;
const INT8_ARRAY = 1016;

export const parseInt8 = (text: string): number | bigint => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
};

// pg's typings list only the builtin oids, not array types like int8[].
const defaultParser = pg.types.getTypeParser as (oid: number, format?: 'text' | 'binary') => (text: string) => unknown;

const parseInt8Array = (text: string): unknown => {
  const strings = defaultParser(INT8_ARRAY, 'text')(text) as (string | null)[];
  return strings.map((s) => (s === null ? null : parseInt8(s)));
};

export const pgTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary' && oid === INT8) return parseInt8;
    if (format !== 'binary' && oid === INT8_ARRAY) return parseInt8Array;
    return defaultParser(oid, format);
  }) as pg.CustomTypesConfig['getTypeParser'],
};
