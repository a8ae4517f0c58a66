/** Tokens of OData `$filter`: literals are recognised here so the parser stays small. */
import type { Literal } from './filter-ast.js';

export type Token =
  | { t: '(' | ')' | ','; pos: number }
  | { t: 'ident'; value: string; pos: number }
  | { t: 'literal'; value: Literal; pos: number };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?![\w-])/;
const DATETIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+-]\d{2}:\d{2})?)?(?![\w:.-])/;
const NUMBER = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?[mMdDlLfF]?(?![\w.])/;
const IDENT = /^[A-Za-z_][\w.]*(?:\/[A-Za-z_][\w.]*)*/;

export class FilterSyntaxError extends Error {}

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      out.push({ t: ch, pos: i });
      i++;
      continue;
    }
    if (ch === "'") {
      i = readString(src, i, out);
      continue;
    }
    const rest = src.slice(i);
    const m = GUID.exec(rest) ?? DATETIME.exec(rest);
    if (m) {
      out.push({ t: 'literal', value: dateOrGuid(m[0]), pos: i });
      i += m[0].length;
      continue;
    }
    const num = NUMBER.exec(rest);
    if (num) {
      out.push({ t: 'literal', value: { kind: 'number', value: parseFloat(num[0]) }, pos: i });
      i += num[0].length;
      continue;
    }
    const id = IDENT.exec(rest);
    if (!id) throw new FilterSyntaxError(`Syntax error at position ${i} in '${src}'.`);
    // `Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'`: an enum member, compared as its name.
    if (src[i + id[0].length] === "'") {
      i = readString(src, i + id[0].length, out);
      continue;
    }
    out.push(keywordOrIdent(id[0], i));
    i += id[0].length;
  }
  return out;
}

function dateOrGuid(text: string): Literal {
  if (GUID.test(text)) return { kind: 'guid', value: text.toLowerCase() };
  const ms = Date.parse(/T/.test(text) && !/(Z|[+-]\d{2}:\d{2})$/.test(text) ? `${text}Z` : text);
  if (Number.isNaN(ms)) throw new FilterSyntaxError(`The date literal '${text}' is not valid.`);
  return { kind: 'datetime', value: ms, text };
}

function keywordOrIdent(word: string, pos: number): Token {
  if (word === 'true' || word === 'false')
    return { t: 'literal', value: { kind: 'boolean', value: word === 'true' }, pos };
  if (word === 'null') return { t: 'literal', value: { kind: 'null' }, pos };
  return { t: 'ident', value: word, pos };
}

/** Reads a single-quoted string where `''` stands for one quote. */
function readString(src: string, start: number, out: Token[]): number {
  let i = start + 1;
  let value = '';
  for (;;) {
    const q = src.indexOf("'", i);
    if (q === -1) throw new FilterSyntaxError(`Unterminated string literal at position ${start} in '${src}'.`);
    value += src.slice(i, q);
    if (src[q + 1] === "'") {
      value += "'";
      i = q + 2;
      continue;
    }
    out.push({ t: 'literal', value: { kind: 'string', value }, pos: start });
    return q + 1;
  }
}
