/**
 * The control plane's Web API resources: `$metadata`, `EntityDefinitions`, `WhoAmI` and the
 * functions bound to systemusers. They need an authenticated caller but no table privilege.
 */
import { DvCode } from '../../wire/index.js';
import type { ControlHandlers, EmulatorContext } from '../context.js';
import { DataverseHttpError } from '../errors.js';
import { renderCsdl } from './csdl.js';
import { entityDefinitions } from './entity-definitions.js';
import { boundFunction, whoAmI } from './functions.js';
import { totalRecordCount } from './record-count.js';

export function createControlHandlers(ctx: Omit<EmulatorContext, 'control'>): ControlHandlers {
  return {
    metadata(req) {
      if (req.method !== 'GET')
        throw new DataverseHttpError(405, DvCode.InvalidArgument, '$metadata supports GET only.');
      const annotations = req.query.get('annotations') === 'true';
      return {
        status: 200,
        headers: { 'content-type': 'application/xml' },
        body: renderCsdl(ctx.schema.tables(), annotations),
      };
    },
    entityDefinitions: (req) => entityDefinitions(ctx.schema, req),
    whoAmI: (req) => whoAmI(ctx, req),
    totalRecordCount: (req) => totalRecordCount(ctx, req),
    boundFunction: (req) => boundFunction(ctx, req),
  };
}
