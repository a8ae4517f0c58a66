/**
 * Writes to Dynamics, for the demo's simulated sales reps and for tests that play a rep editing
 * records. The sync must never use this class: the lead database is fed one way, from Dynamics.
 */
import type { Logger } from '../config/index.js';
import type { ConnectionSettings, TokenSource } from './auth.js';
import type { HttpSend } from './http.js';
import { MalformedResponseError } from './errors.js';
import type { RetryOptions } from './retry.js';
import { WebApiSession } from './session.js';
import type { ThrottleOptions } from './throttle.js';
import { assertGuid, assertName } from './names.js';

export interface DataverseWriterOptions {
  settings: ConnectionSettings;
  logger: Logger;
  throttle?: ThrottleOptions;
  retry?: RetryOptions;
  tokens?: TokenSource;
  http?: HttpSend;
}

/** The id at the end of `OData-EntityId: …/accounts(00000000-…)`. */
const ENTITY_ID = /\(([0-9a-f-]{36})\)\s*$/i;

export class DataverseWriter {
  private readonly session: WebApiSession;

  constructor(opts: DataverseWriterOptions) {
    this.session = new WebApiSession(opts);
  }

  /** Creates a row and returns its id. Lookups are set with `"parentcustomerid_account@odata.bind": "/accounts(<id>)"`. */
  async create(entitySet: string, body: Record<string, unknown>): Promise<string> {
    assertName(entitySet, 'entity set');
    return this.session.call({ method: 'POST', target: entitySet, body }, (res) => {
      const id = ENTITY_ID.exec(res.headers.get('odata-entityid') ?? '')?.[1];
      if (id === undefined) throw new MalformedResponseError('Dataverse created a row but sent no OData-EntityId.');
      return id.toLowerCase();
    });
  }

  async update(entitySet: string, id: string, body: Record<string, unknown>): Promise<void> {
    assertName(entitySet, 'entity set');
    assertGuid(id, 'row id');
    // If-Match: * makes PATCH an update only; without it a missing row would be created (upsert).
    await this.session.call({ method: 'PATCH', target: `${entitySet}(${id})`, body, ifMatch: '*' }, () => undefined);
  }

  /** The lead's out-of-box Qualify (bound action QualifyLead): closes it and creates what is asked. */
  async qualifyLead(
    id: string,
    params: { CreateAccount: boolean; CreateContact: boolean; CreateOpportunity: boolean; Status: number },
  ): Promise<void> {
    assertGuid(id, 'lead id');
    await this.session.call(
      { method: 'POST', target: `leads(${id})/Microsoft.Dynamics.CRM.QualifyLead`, body: params },
      () => undefined,
    );
  }

  async remove(entitySet: string, id: string): Promise<void> {
    assertName(entitySet, 'entity set');
    assertGuid(id, 'row id');
    await this.session.call({ method: 'DELETE', target: `${entitySet}(${id})` }, () => undefined);
  }
}
