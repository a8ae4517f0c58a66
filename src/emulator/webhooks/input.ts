/**
 * Bodies of POST/PATCH on `serviceendpoints` and `sdkmessageprocessingsteps`, checked the way the
 * platform checks them: a webhook needs an absolute http(s) URL, an authentication type of its
 * own (4, 5 or 6) with a value; a step names its message, filter and event handler by binding.
 * Only what the emulator delivers is accepted: a post-operation asynchronous step.
 */
import { badRequest } from '../errors.js';
import type { WriteMessage } from '../data/write-events.js';
import {
  AuthType,
  CONTRACT_WEBHOOK,
  MESSAGES,
  MESSAGE_FORMAT_JSON,
  MODE_ASYNCHRONOUS,
  STAGE_POST_OPERATION,
  messageId,
} from './records.js';

type Body = Record<string, unknown>;

export interface EndpointInput {
  name?: string;
  description?: string | null;
  url?: string;
  authtype?: number;
  authvalue?: string | null;
}

export interface StepInput {
  name: string;
  description: string | null;
  message: WriteMessage;
  filterId: string;
  endpointId: string;
  stage: number;
  mode: number;
  rank: number;
  filteringattributes: string | null;
  asyncautodelete: boolean;
}

const AUTH_TYPES = new Set<number>(Object.values(AuthType));
const BIND = /^\/?([a-z]+)\(([0-9a-fA-F-]{36})\)$/;

export function asBody(raw: unknown): Body {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw badRequest('The request body must be a JSON object describing the record.');
  return raw as Body;
}

export function parseEndpoint(body: Body, mode: 'create' | 'update'): EndpointInput {
  const out: EndpointInput = {};
  for (const key of Object.keys(body)) {
    if (!['name', 'description', 'contract', 'url', 'authtype', 'authvalue', 'messageformat'].includes(key))
      throw badRequest(`Invalid property '${key}' was found in entity 'Microsoft.Dynamics.CRM.serviceendpoint'.`);
  }
  if (mode === 'create' && body.contract !== CONTRACT_WEBHOOK)
    throw badRequest(
      `Only webhooks (contract ${CONTRACT_WEBHOOK}) are emulated; got contract ${String(body.contract)}.`,
    );
  if (body.messageformat !== undefined && body.messageformat !== MESSAGE_FORMAT_JSON)
    throw badRequest('A webhook sends its execution context as JSON (messageformat 2).');
  if (body.name !== undefined) out.name = text(body.name, 'name');
  if (body.description !== undefined)
    out.description = body.description === null ? null : text(body.description, 'description');
  if (body.url !== undefined) out.url = webhookUrl(body.url);
  if (body.authtype !== undefined) {
    if (typeof body.authtype !== 'number' || !AUTH_TYPES.has(body.authtype))
      throw badRequest('The authtype of a webhook must be 4 (WebhookKey), 5 (HttpHeader) or 6 (HttpQueryString).');
    out.authtype = body.authtype;
  }
  if (body.authvalue !== undefined) out.authvalue = body.authvalue === null ? null : text(body.authvalue, 'authvalue');
  if (mode === 'create') {
    if (!out.name || !out.url || out.authtype === undefined)
      throw badRequest('A webhook needs name, url and authtype.');
    if (!out.authvalue) throw badRequest('A webhook needs an authvalue for its authentication type.');
  }
  return out;
}

export function parseStep(body: Body): Omit<StepInput, 'message'> & { messageId: string } {
  const messageRef = bind(body, 'sdkmessageid@odata.bind', 'sdkmessages');
  const filterRef = bind(body, 'sdkmessagefilterid@odata.bind', 'sdkmessagefilters');
  const endpointRef = bind(body, 'eventhandler_serviceendpoint@odata.bind', 'serviceendpoints');
  if (!MESSAGES.some((m) => messageId(m) === messageRef))
    throw badRequest(`sdkmessage With Id = ${messageRef} Does Not Exist`);
  const stage = body.stage ?? STAGE_POST_OPERATION;
  const mode = body.mode ?? 0;
  if (stage !== STAGE_POST_OPERATION || mode !== MODE_ASYNCHRONOUS)
    throw badRequest('The emulator runs webhook steps post-operation (stage 40) and asynchronously (mode 1) only.');
  const attrs = body.filteringattributes;
  if (attrs !== undefined && attrs !== null && typeof attrs !== 'string')
    throw badRequest('filteringattributes must be a comma-separated list of column names.');
  return {
    name: text(body.name ?? `${endpointRef}: step`, 'name'),
    description: typeof body.description === 'string' ? body.description : null,
    messageId: messageRef,
    filterId: filterRef,
    endpointId: endpointRef,
    stage,
    mode,
    rank: typeof body.rank === 'number' ? body.rank : 1,
    filteringattributes: typeof attrs === 'string' && attrs.trim() !== '' ? attrs.replace(/\s+/g, '') : null,
    asyncautodelete: body.asyncautodelete === true,
  };
}

function bind(body: Body, key: string, set: string): string {
  const raw = body[key];
  const m = typeof raw === 'string' ? BIND.exec(raw) : null;
  if (!m || m[1] !== set) throw badRequest(`A step needs '${key}' set to '/${set}(<id>)'.`);
  return m[2]!.toLowerCase();
}

function text(v: unknown, name: string): string {
  if (typeof v !== 'string') throw badRequest(`${name} must be a string.`);
  return v;
}

function webhookUrl(v: unknown): string {
  const raw = text(v, 'url');
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw badRequest(`The webhook url '${raw}' is not an absolute URL.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw badRequest('A webhook url must be http or https.');
  return raw;
}

/**
 * `authvalue` of HttpHeader and HttpQueryString: `<settings><setting name="k" value="v" /></settings>`.
 * Attribute values are XML-unescaped; a value that is not this shape is refused at registration.
 */
export function parseSettings(xml: string): [string, string][] {
  const out: [string, string][] = [];
  const re = /<setting\s+name="([^"]*)"\s+value="([^"]*)"\s*\/>/g;
  for (let m = re.exec(xml); m; m = re.exec(xml)) out.push([unescapeXml(m[1]!), unescapeXml(m[2]!)]);
  if (out.length === 0 || !/^\s*<settings>[\s\S]*<\/settings>\s*$/.test(xml))
    throw badRequest('The authvalue must be <settings><setting name="…" value="…" /></settings>.');
  return out;
}

const unescapeXml = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
