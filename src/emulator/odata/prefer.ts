/** The `Prefer` header: page size, change tracking, annotations, representation, batch error mode. */
import { badRequest } from '../errors.js';

export const MAX_PAGE_SIZE = 5000;

export interface Preferences {
  maxPageSize?: number;
  trackChanges: boolean;
  /** Annotation patterns: `*`, `Namespace.*`, or exact terms; `-term` excludes. */
  annotations: string[];
  returnRepresentation: boolean;
  continueOnError: boolean;
}

/** Splits on commas outside double quotes: `odata.include-annotations="a,b",odata.maxpagesize=10`. */
function splitPrefs(header: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      out.push(header.slice(start, i));
      start = i + 1;
    }
  }
  out.push(header.slice(start));
  return out.map((s) => s.trim()).filter(Boolean);
}

export function parsePrefer(header: string | undefined): Preferences {
  const prefs: Preferences = {
    trackChanges: false,
    annotations: [],
    returnRepresentation: false,
    continueOnError: false,
  };
  if (!header) return prefs;
  for (const pref of splitPrefs(header)) {
    const eq = pref.indexOf('=');
    const name = (eq === -1 ? pref : pref.slice(0, eq)).trim().toLowerCase();
    const value =
      eq === -1
        ? ''
        : pref
            .slice(eq + 1)
            .trim()
            .replace(/^"|"$/g, '');
    if (name === 'odata.maxpagesize') prefs.maxPageSize = parsePageSize(value);
    else if (name === 'odata.track-changes') prefs.trackChanges = true;
    else if (name === 'odata.include-annotations')
      prefs.annotations = value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    else if (name === 'return' && value === 'representation') prefs.returnRepresentation = true;
    else if (name === 'odata.continue-on-error') prefs.continueOnError = true;
  }
  return prefs;
}

function parsePageSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) badRequestPageSize(value);
  // Dataverse caps the page at 5,000 whatever the client asks for.
  return Math.min(n, MAX_PAGE_SIZE);
}

function badRequestPageSize(value: string): never {
  throw badRequest(`The value '${value}' for the odata.maxpagesize preference is not valid.`);
}

/** Whether an annotation term is requested, following OData's include-annotations rules. */
export function wantsAnnotation(patterns: readonly string[], term: string): boolean {
  let included = false;
  for (const p of patterns) {
    const exclude = p.startsWith('-');
    const pat = exclude ? p.slice(1) : p;
    const hit = pat === '*' || pat === term || (pat.endsWith('.*') && term.startsWith(pat.slice(0, -1)));
    if (!hit) continue;
    if (exclude) return false;
    included = true;
  }
  return included;
}

/** The `Preference-Applied` header for what the server honoured. */
export function preferenceApplied(parts: (string | false | undefined)[]): Record<string, string> {
  const applied = parts.filter((p): p is string => typeof p === 'string' && p.length > 0);
  return applied.length ? { 'preference-applied': applied.join(',') } : {};
}
