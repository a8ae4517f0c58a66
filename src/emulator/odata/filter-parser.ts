/**
 * Recursive-descent parser for the `$filter` subset Dataverse clients use:
 * or < and < not < comparison / string function / parentheses.
 */
import type { CompareOp, FilterExpr, Operand, StringFn } from './filter-ast.js';
import { FilterSyntaxError, tokenize, type Token } from './filter-lexer.js';

const COMPARE = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const STRING_FNS = new Set(['contains', 'startswith', 'endswith']);

export function parseFilter(src: string): FilterExpr {
  const tokens = tokenize(src);
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const isWord = (w: string): boolean => {
    const t = peek();
    return t?.t === 'ident' && t.value === w;
  };
  const fail = (what: string): never => {
    const t = peek();
    throw new FilterSyntaxError(`Syntax error: ${what} at position ${t ? t.pos : src.length} in '${src}'.`);
  };
  const expect = (ch: '(' | ')' | ','): void => {
    if (peek()?.t !== ch) fail(`expected '${ch}'`);
    i++;
  };

  const parseOr = (): FilterExpr => {
    let left = parseAnd();
    while (isWord('or')) {
      i++;
      left = { kind: 'or', left, right: parseAnd() };
    }
    return left;
  };
  const parseAnd = (): FilterExpr => {
    let left = parseUnary();
    while (isWord('and')) {
      i++;
      left = { kind: 'and', left, right: parseUnary() };
    }
    return left;
  };
  const parseUnary = (): FilterExpr => {
    if (isWord('not')) {
      i++;
      return { kind: 'not', expr: parseUnary() };
    }
    if (peek()?.t === '(') {
      i++;
      const inner = parseOr();
      expect(')');
      return inner;
    }
    const t = peek();
    if (t?.t === 'ident' && STRING_FNS.has(t.value) && tokens[i + 1]?.t === '(')
      return parseFunction(t.value as StringFn);
    return parseComparison();
  };
  const parseFunction = (name: StringFn): FilterExpr => {
    i += 2;
    const prop = peek();
    if (prop?.t !== 'ident') return fail(`${name} expects a property name`);
    i++;
    expect(',');
    const lit = peek();
    if (lit?.t !== 'literal' || lit.value.kind !== 'string') return fail(`${name} expects a string literal`);
    i++;
    expect(')');
    return { kind: 'function', name, property: prop.value, value: lit.value.value };
  };
  const parseOperand = (): Operand => {
    const t = peek();
    if (!t) return fail('unexpected end of expression');
    i++;
    if (t.t === 'literal') return t.value;
    if (t.t === 'ident') {
      if (peek()?.t === '(') throw new FilterSyntaxError(`The function '${t.value}' is not supported by the emulator.`);
      return { kind: 'property', name: t.value };
    }
    return fail(`unexpected '${t.t}'`);
  };
  const parseComparison = (): FilterExpr => {
    const left = parseOperand();
    const op = peek();
    if (op?.t !== 'ident' || !COMPARE.has(op.value)) return fail('expected a comparison operator');
    i++;
    return { kind: 'compare', op: op.value as CompareOp, left, right: parseOperand() };
  };

  const expr = parseOr();
  if (i !== tokens.length) fail('unexpected token');
  return expr;
}
