/**
 * The rows of the plug-in registration tables the webhook steps live in, kept in memory:
 * `sdkmessage` (Create, Update, Delete), `sdkmessagefilter` (one per message and table),
 * `serviceendpoint` (contract 8 = Webhook) and `sdkmessageprocessingstep`, plus the
 * `asyncoperation` system jobs a delivery leaves. Column names are the Web API's.
 */
import { stableUuid } from '../identity/ids.js';
import type { WriteMessage } from '../data/write-events.js';

export const MESSAGES: readonly WriteMessage[] = ['Create', 'Update', 'Delete'];

/** serviceendpoint.contract */
export const CONTRACT_WEBHOOK = 8;
/** serviceendpoint.authtype of a webhook: WebhookKey, HttpHeader, HttpQueryString. */
export const AuthType = Object.freeze({ WebhookKey: 4, HttpHeader: 5, HttpQueryString: 6 });
/** serviceendpoint.messageformat: 2 = Json (the only one a webhook uses). */
export const MESSAGE_FORMAT_JSON = 2;
/** sdkmessageprocessingstep.stage / mode. */
export const STAGE_POST_OPERATION = 40;
export const MODE_ASYNCHRONOUS = 1;

export interface ServiceEndpoint {
  serviceendpointid: string;
  name: string;
  description: string | null;
  contract: number;
  url: string;
  authtype: number;
  /** Write-only: never serialized. */
  authvalue: string | null;
  messageformat: number;
  createdon: string;
  modifiedon: string;
}

export interface Step {
  sdkmessageprocessingstepid: string;
  name: string;
  description: string | null;
  _sdkmessageid_value: string;
  _sdkmessagefilterid_value: string;
  _eventhandler_value: string;
  stage: number;
  mode: number;
  rank: number;
  filteringattributes: string | null;
  asyncautodelete: boolean;
  supporteddeployment: number;
  statecode: number;
  statuscode: number;
  createdon: string;
  modifiedon: string;
}

export interface AsyncOperation {
  asyncoperationid: string;
  name: string;
  /** 1 = System Event (what an asynchronous step runs as). */
  operationtype: number;
  /** 3 = Completed; statuscode 30 = Succeeded, 31 = Failed. */
  statecode: number;
  statuscode: number;
  message: string | null;
  friendlymessage: string | null;
  errorcode: number | null;
  _owningextensionid_value: string;
  _regardingobjectid_value: string;
  primaryentitytype: string;
  createdon: string;
  completedon: string;
}

export const messageId = (name: WriteMessage): string => stableUuid('sdkmessage', name);
export const filterId = (message: WriteMessage, table: string): string =>
  stableUuid('sdkmessagefilter', `${message}:${table}`);

export function messageRows(): Record<string, unknown>[] {
  return MESSAGES.map((name) => ({ sdkmessageid: messageId(name), name, isprivate: false, isactive: true }));
}

export function filterRows(tables: readonly string[]): Record<string, unknown>[] {
  return MESSAGES.flatMap((m) =>
    tables.map((t) => ({
      sdkmessagefilterid: filterId(m, t),
      _sdkmessageid_value: messageId(m),
      primaryobjecttypecode: t,
      secondaryobjecttypecode: 'none',
      iscustomprocessingstepallowed: true,
      isvisible: true,
    })),
  );
}

/** What a filter id stands for, or undefined. */
export function resolveFilter(
  id: string,
  tables: readonly string[],
): { message: WriteMessage; table: string } | undefined {
  for (const message of MESSAGES)
    for (const table of tables) if (filterId(message, table) === id) return { message, table };
  return undefined;
}

/** The serialized endpoint: `authvalue` is write-only in Dataverse, so it reads back as null. */
export const endpointRow = (e: ServiceEndpoint): Record<string, unknown> => ({ ...e, authvalue: null });
