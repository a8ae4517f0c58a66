/**
 * Rows for COPY ... FROM (FORMAT text), the format the bulk loads stream. Text format needs no
 * quoting: only backslash, newline, carriage return and tab are escaped, and NULL is `\N`. JSON
 * text (most of a page: the `fields` jsonb) never holds a raw newline or tab, and a backslash only
 * where a value had a quote or control character, so most values go out untouched. CSV (csv.ts)
 * would double every quote of every JSON document; this path costs about half as much CPU per row.
 *
 * Every backslash is doubled, so `\.` (end of data) and `\N` can never appear by accident.
 */
import { copyText } from './csv.js';

const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPES = /[\\\n\r\t]/g;
const ESCAPED: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** One value as COPY text format reads it (`\N` for NULL). */
export function textField(value: unknown): string {
  const text = copyText(value);
  if (text === null) return '\\N';
  return NEEDS_ESCAPE.test(text) ? text.replace(ESCAPES, (c) => ESCAPED[c]!) : text;
}

export interface CopyChunk {
  readonly text: string;
  readonly rows: number;
}

/**
 * Groups rows into chunks of about `chunkChars` characters, so a large load streams in pieces
 * instead of building one giant string. Every row must have exactly `width` values: a short row
 * would otherwise shift later columns silently.
 */
export function* copyTextChunks(
  rows: Iterable<readonly unknown[]>,
  width: number,
  chunkChars = 1 << 20,
): Generator<CopyChunk> {
  let text = '';
  let count = 0;
  let seen = 0;
  for (const row of rows) {
    seen++;
    if (row.length !== width) {
      throw new RangeError(`copyRows: row ${seen} has ${row.length} values, expected ${width}`);
    }
    let line = textField(row[0]);
    for (let i = 1; i < width; i++) line += `\t${textField(row[i])}`;
    text += `${line}\n`;
    count++;
    if (text.length >= chunkChars) {
      yield { text, rows: count };
      text = '';
      count = 0;
    }
  }
  if (count > 0) yield { text, rows: count };
}
