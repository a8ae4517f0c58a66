/** System query options of a collection GET, validated the way Dataverse does. */
import { DvCode } from '../../wire/index.js';
import { badRequest } from '../errors.js';
import type { FilterExpr } from './filter-ast.js';
import { FilterSyntaxError } from './filter-lexer.js';
import { parseFilter } from './filter-parser.js';

export interface OrderBy {
  name: string;
  desc: boolean;
}

export interface QueryOptions {
  select?: string[];
  filter?: FilterExpr;
  orderby: OrderBy[];
  top?: number;
  count: boolean;
  expand?: string;
  skiptoken?: string;
  deltatoken?: string;
}

/** Dataverse refuses these outright. */
const UNSUPPORTED = new Set(['$skip', '$search', '$format']);
/** Real Dataverse supports these; the emulator does not (yet), and says so rather than ignoring them. */
const NOT_EMULATED = new Set(['$apply', '$expand']);
const KNOWN = new Set(['$select', '$filter', '$orderby', '$top', '$count', '$skiptoken', '$deltatoken']);

export function parseQueryOptions(query: URLSearchParams): QueryOptions {
  const opts: QueryOptions = { orderby: [], count: false };
  for (const [name, value] of query) {
    if (!name.startsWith('$')) continue;
    if (UNSUPPORTED.has(name)) throw badRequest(`The query parameter ${name} is not supported`, DvCode.QueryValidation);
    if (NOT_EMULATED.has(name)) {
      if (name === '$expand') opts.expand = value;
      else
        throw badRequest(
          `The query parameter ${name} is not supported by the Dataverse emulator.`,
          DvCode.QueryValidation,
        );
      continue;
    }
    if (!KNOWN.has(name)) throw badRequest(`The query parameter ${name} is not supported`, DvCode.QueryValidation);
    applyOption(opts, name, value);
  }
  return opts;
}

function applyOption(opts: QueryOptions, name: string, value: string): void {
  switch (name) {
    case '$select':
      opts.select = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      break;
    case '$filter':
      opts.filter = parseFilterOption(value);
      break;
    case '$orderby':
      opts.orderby = parseOrderBy(value);
      break;
    case '$top':
      opts.top = parseTop(value);
      break;
    case '$count':
      if (value !== 'true' && value !== 'false')
        throw badRequest(`'${value}' is not a valid count option.`, DvCode.QueryValidation);
      opts.count = value === 'true';
      break;
    case '$skiptoken':
      opts.skiptoken = value;
      break;
    case '$deltatoken':
      opts.deltatoken = value;
      break;
  }
}

function parseFilterOption(value: string): FilterExpr {
  try {
    return parseFilter(value);
  } catch (err) {
    if (err instanceof FilterSyntaxError) throw badRequest(err.message, DvCode.QueryValidation);
    throw err;
  }
}

function parseOrderBy(value: string): OrderBy[] {
  return value.split(',').map((part) => {
    const [name, dir, extra] = part.trim().split(/\s+/);
    if (!name || extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
      throw badRequest(`Syntax error in $orderby '${value}'.`, DvCode.QueryValidation);
    }
    return { name, desc: dir === 'desc' };
  });
}

function parseTop(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw badRequest(
      `Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`,
      DvCode.QueryValidation,
    );
  }
  return n;
}

/** With `Prefer: odata.track-changes` (or a $deltatoken) only $select (and paging) may be used. */
export function assertTrackingCompatible(opts: QueryOptions): void {
  const offending = opts.filter
    ? '$filter'
    : opts.orderby.length
      ? '$orderby'
      : opts.expand !== undefined
        ? '$expand'
        : opts.top !== undefined
          ? '$top'
          : undefined;
  if (offending) {
    throw badRequest(
      `The "${offending}" query parameter isn't supported when Change Tracking is enabled.`,
      DvCode.QueryValidation,
    );
  }
}

export function assertNoExpand(opts: QueryOptions): void {
  if (opts.expand !== undefined) {
    throw badRequest('The query parameter $expand is not supported by the Dataverse emulator.', DvCode.QueryValidation);
  }
}
