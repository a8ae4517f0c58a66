/**
 * Parses the part of a Web API URL after `/api/data/v9.2/` into what it addresses.
 * Dataverse paths carry keys in parentheses (`accounts(<guid>)`, `EntityDefinitions(LogicalName='account')`),
 * which no router pattern expresses, so the emulator parses them once here.
 */
export type ResourcePath =
  | { kind: 'serviceDocument' }
  | { kind: 'metadata' }
  | { kind: 'batch' }
  | { kind: 'function'; name: string; args?: string }
  | { kind: 'entityDefinitions'; segments: string[] }
  | { kind: 'collection'; entitySet: string }
  | { kind: 'count'; entitySet: string }
  | { kind: 'entity'; entitySet: string; id: string; property?: string }
  | { kind: 'boundFunction'; entitySet: string; id: string; name: string }
  | { kind: 'unknown'; raw: string };

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const FUNCTION = /^(?:Microsoft\.Dynamics\.CRM\.)?([A-Za-z]+)(?:\(\))?$/;
const FUNCTION_CALL = /^(?:Microsoft\.Dynamics\.CRM\.)?([A-Za-z]+)(?:\((.*)\))?$/;

export function parseResourcePath(raw: string): ResourcePath {
  const path = decodeURIComponent(raw).replace(/^\/+|\/+$/g, '');
  if (path === '') return { kind: 'serviceDocument' };
  if (path === '$metadata') return { kind: 'metadata' };
  if (path === '$batch') return { kind: 'batch' };
  const segments = splitSegments(path);
  const first = segments[0] ?? '';
  if (first.startsWith('EntityDefinitions')) return { kind: 'entityDefinitions', segments };
  // Unbound functions start with a capital (entity sets never do): `WhoAmI()`,
  // `RetrieveTotalRecordCount(EntityNames=['account'])`.
  const call = segments.length === 1 ? FUNCTION_CALL.exec(first) : null;
  if (call && /^[A-Z]/.test(call[1]!))
    return { kind: 'function', name: call[1]!, ...(call[2] ? { args: call[2] } : {}) };
  // Keys are never empty.
  const keyed = /^([A-Za-z_][A-Za-z0-9_]*)\(([^)]+)\)$/.exec(first);
  if (!keyed) {
    if (segments.length === 1) return { kind: 'collection', entitySet: first };
    if (segments.length === 2 && segments[1] === '$count') return { kind: 'count', entitySet: first };
    return { kind: 'unknown', raw };
  }
  const entitySet = keyed[1]!;
  const id = keyed[2]!.replace(/^'(.*)'$/, '$1');
  if (!GUID.test(id)) return { kind: 'unknown', raw };
  if (segments.length === 1) return { kind: 'entity', entitySet, id: id.toLowerCase() };
  const second = segments[1]!;
  const fn = second.startsWith('Microsoft.Dynamics.CRM.') ? FUNCTION.exec(second) : null;
  if (segments.length === 2 && fn) return { kind: 'boundFunction', entitySet, id: id.toLowerCase(), name: fn[1]! };
  if (segments.length === 2) return { kind: 'entity', entitySet, id: id.toLowerCase(), property: second };
  return { kind: 'unknown', raw };
}

/** Splits on `/` outside parentheses and quotes (keys may contain slashes in quoted strings). */
function splitSegments(path: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const ch = path[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && ch === '/') {
      out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  out.push(path.slice(start));
  return out;
}
