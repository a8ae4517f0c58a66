/**
 * RetrieveTotalRecordCount: Dataverse answers row counts from a snapshot refreshed daily; the
 * emulator answers the live count (the snapshot's staleness is not emulated). EntityNames come
 * inline (`EntityNames=['account','contact']`) or through a parameter alias (`EntityNames=@p1`).
 */
import { DvCode } from '../../wire/index.js';
import type { EmulatorContext } from '../context.js';
import { DataverseHttpError } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';

type Ctx = Omit<EmulatorContext, 'control'>;

export function totalRecordCount(ctx: Ctx, req: EmuRequest): EmuResponse {
  if (req.method !== 'GET')
    throw new DataverseHttpError(405, DvCode.InvalidArgument, 'RetrieveTotalRecordCount is a function: use GET.');
  const path = req.path;
  const args = path.kind === 'function' ? (path.args ?? '') : '';
  const m = /^EntityNames=(.+)$/.exec(args.trim());
  if (!m) throw badRequest("RetrieveTotalRecordCount needs the parameter EntityNames, e.g. EntityNames=['account'].");
  let list = m[1]!;
  if (list.startsWith('@')) list = req.query.get(list) ?? '';
  const names = parseStringArray(list);
  for (const name of names) {
    if (!ctx.schema.table(name))
      throw badRequest(`The entity with a name = '${name}' was not found in the MetadataCache.`);
  }
  return {
    status: 200,
    body: {
      '@odata.context': `${req.baseUrl}$metadata#Microsoft.Dynamics.CRM.RetrieveTotalRecordCountResponse`,
      EntityRecordCountCollection: {
        Count: names.length,
        IsReadOnly: false,
        Keys: names,
        Values: names.map((n) => ctx.data.count(n)),
      },
    },
  };
}

function parseStringArray(text: string): string[] {
  const inner = /^\[(.*)\]$/.exec(text.trim());
  if (!inner) throw badRequest(`EntityNames must be an array of table names, got ${text}`);
  if (inner[1]!.trim() === '') return [];
  return inner[1]!.split(',').map((item) => {
    const q = /^\s*(['"])([A-Za-z0-9_]+)\1\s*$/.exec(item);
    if (!q) throw badRequest(`EntityNames holds an invalid table name: ${item.trim()}`);
    return q[2]!.toLowerCase();
  });
}

const badRequest = (message: string) => new DataverseHttpError(400, DvCode.InvalidArgument, message);
