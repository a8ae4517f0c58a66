/**
 * Table, entity set and column names end up inside request URLs. They come from metadata and the
 * field selection, but a name is checked before it is spliced into a URL, so a bad one cannot
 * change the query (`name,x&$filter=…`) or the path.
 */
import { FatalError } from '../domain/index.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function assertName(name: string, what: string): void {
  if (!NAME.test(name)) throw new FatalError('invalid_name', `Not a valid Dataverse ${what} name: '${name}'.`);
}

export function assertGuid(id: string, what: string): void {
  if (!GUID.test(id)) throw new FatalError('invalid_name', `Not a valid ${what}: '${id}'.`);
}
