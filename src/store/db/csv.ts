/**
 * CSV for COPY ... WITH (FORMAT csv) and for exports.
 *
 * NULL convention: in CSV format PostgreSQL reads an *unquoted* empty field as NULL and a quoted
 * empty field ("") as the empty string. So NULL is written as nothing and every other value is
 * quoted, with inner quotes doubled. No FORCE_NULL / FORCE_NOT_NULL is needed, '' stays '' and
 * null stays NULL. Quoting every value also means a value of `\.` can never be read as the
 * end-of-data marker, and commas, newlines, tabs and backslashes are plain data inside quotes.
 */

/** The text COPY should read for a value, or null for SQL NULL (the rules of SqlClient.copyRows). */
export function copyText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString(); // an invalid Date throws here, not in the database
  if (value instanceof Uint8Array) return `\\x${Buffer.from(value).toString('hex')}`;
  return json(value);
}

/**
 * JSON text of an object. A replacer function makes JSON.stringify several times slower, and
 * bigints are rare (JSON.stringify throws a TypeError on them), so the replacer runs only then.
 */
function json(value: object): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  }
}

export function csvField(value: unknown): string {
  const text = copyText(value);
  return text === null ? '' : `"${text.replaceAll('"', '""')}"`;
}

export function csvLine(values: readonly unknown[], eol = '\n'): string {
  let line = '';
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + csvField(values[i]);
  return line + eol;
}
