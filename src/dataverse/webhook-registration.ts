/**
 * The registration writer: creates and removes one webhook (a `serviceendpoint`, contract 8) and
 * its steps (`sdkmessageprocessingstep`: Create, Update, Delete per table, post-operation,
 * asynchronous). This configures Dynamics; it never writes a record, so it is not the sender's
 * business. It is its own class, and only sync/webhooks.ts uses it (ARCHITECTURE.md "Push").
 */
import { z } from 'zod';
import type { Logger } from '../config/index.js';
import type { ConnectionSettings, TokenSource } from './auth.js';
import { MalformedResponseError } from './errors.js';
import type { HttpSend } from './http.js';
import { assertGuid, assertName } from './names.js';
import { parseJson } from './pages.js';
import { WebApiSession } from './session.js';

export type StepMessage = 'Create' | 'Update' | 'Delete';
export const STEP_MESSAGES: readonly StepMessage[] = ['Create', 'Update', 'Delete'];

export interface WebhookRegistrationOptions {
  settings: ConnectionSettings;
  logger: Logger;
  tokens?: TokenSource;
  http?: HttpSend;
}

export interface EndpointSpec {
  readonly name: string;
  readonly url: string;
  /** HttpHeader authentication (authtype 5): this header with this value on every POST. */
  readonly header: string;
  readonly key: string;
}

export interface RegisteredStep {
  readonly id: string;
  readonly name: string;
  readonly filterId: string;
}

const ENTITY_ID = /\(([0-9a-f-]{36})\)\s*$/i;
const Rows = <T extends z.ZodType>(row: T) => z.object({ value: z.array(row) });
const MessageRow = z.object({ sdkmessageid: z.string(), name: z.string() });
const FilterRow = z.object({ sdkmessagefilterid: z.string() });
const EndpointRow = z.object({ serviceendpointid: z.string(), name: z.string(), url: z.string().nullish() });
const StepRow = z.object({
  sdkmessageprocessingstepid: z.string(),
  name: z.string(),
  _sdkmessagefilterid_value: z.string().nullish(),
});

export class DataverseWebhookRegistration {
  private readonly session: WebApiSession;

  constructor(opts: WebhookRegistrationOptions) {
    this.session = new WebApiSession(opts);
  }

  async messageIds(): Promise<Record<StepMessage, string>> {
    const filter = STEP_MESSAGES.map((m) => `name eq '${m}'`).join(' or ');
    const rows = await this.rows(`sdkmessages?$select=sdkmessageid,name&$filter=${filter}`, MessageRow);
    const out: Partial<Record<StepMessage, string>> = {};
    for (const r of rows)
      if ((STEP_MESSAGES as readonly string[]).includes(r.name)) out[r.name as StepMessage] = r.sdkmessageid;
    for (const m of STEP_MESSAGES)
      if (!out[m]) throw new MalformedResponseError(`Dataverse has no sdkmessage named ${m}.`);
    return out as Record<StepMessage, string>;
  }

  async filterId(messageId: string, table: string): Promise<string> {
    assertGuid(messageId, 'sdkmessage id');
    assertName(table, 'table');
    const q = `sdkmessagefilters?$select=sdkmessagefilterid&$filter=primaryobjecttypecode eq '${table}' and _sdkmessageid_value eq ${messageId}`;
    const row = (await this.rows(q, FilterRow))[0];
    if (!row) throw new MalformedResponseError(`Dataverse has no sdkmessagefilter for ${table}.`);
    return row.sdkmessagefilterid;
  }

  async createEndpoint(spec: EndpointSpec): Promise<string> {
    const authvalue = `<settings><setting name="${xml(spec.header)}" value="${xml(spec.key)}" /></settings>`;
    const body = { name: spec.name, contract: 8, url: spec.url, authtype: 5, authvalue, messageformat: 2 };
    return this.create('serviceendpoints', body);
  }

  async createStep(o: { name: string; messageId: string; filterId: string; endpointId: string }): Promise<string> {
    return this.create('sdkmessageprocessingsteps', {
      name: o.name,
      description: 'dynasync: a change of this table triggers an immediate delta read',
      'sdkmessageid@odata.bind': `/sdkmessages(${o.messageId})`,
      'sdkmessagefilterid@odata.bind': `/sdkmessagefilters(${o.filterId})`,
      'eventhandler_serviceendpoint@odata.bind': `/serviceendpoints(${o.endpointId})`,
      stage: 40,
      mode: 1,
      rank: 1,
      asyncautodelete: true,
      supporteddeployment: 0,
    });
  }

  /** null when the endpoint no longer exists in Dynamics. */
  async endpoint(id: string): Promise<{ id: string; name: string; url: string | null } | null> {
    assertGuid(id, 'serviceendpoint id');
    const rows = await this.rows(
      `serviceendpoints?$select=serviceendpointid,name,url&$filter=serviceendpointid eq ${id}`,
      EndpointRow,
    );
    const r = rows[0];
    return r ? { id: r.serviceendpointid, name: r.name, url: r.url ?? null } : null;
  }

  async steps(endpointId: string): Promise<RegisteredStep[]> {
    assertGuid(endpointId, 'serviceendpoint id');
    const q = `sdkmessageprocessingsteps?$select=sdkmessageprocessingstepid,name,_sdkmessagefilterid_value&$filter=_eventhandler_value eq ${endpointId}`;
    return (await this.rows(q, StepRow)).map((r) => ({
      id: r.sdkmessageprocessingstepid,
      name: r.name,
      filterId: r._sdkmessagefilterid_value ?? '',
    }));
  }

  async deleteStep(id: string): Promise<void> {
    assertGuid(id, 'step id');
    await this.session.call({ method: 'DELETE', target: `sdkmessageprocessingsteps(${id})` }, () => undefined);
  }

  async deleteEndpoint(id: string): Promise<void> {
    assertGuid(id, 'serviceendpoint id');
    await this.session.call({ method: 'DELETE', target: `serviceendpoints(${id})` }, () => undefined);
  }

  private async rows<T extends z.ZodType>(target: string, row: T): Promise<z.infer<T>[]> {
    return this.session.call({ target }, (res) => {
      const parsed = Rows(row).safeParse(parseJson(res));
      if (!parsed.success) throw new MalformedResponseError(`Unexpected answer to ${target.split('?')[0]}.`);
      return parsed.data.value as z.infer<T>[];
    });
  }

  private async create(entitySet: string, body: Record<string, unknown>): Promise<string> {
    return this.session.call({ method: 'POST', target: entitySet, body }, (res) => {
      const id = ENTITY_ID.exec(res.headers.get('odata-entityid') ?? '')?.[1];
      if (id === undefined)
        throw new MalformedResponseError(`Dataverse created a ${entitySet} row but sent no OData-EntityId.`);
      return id.toLowerCase();
    });
  }
}

const xml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
