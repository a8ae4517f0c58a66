/**
 * "Does this URL answer as Dataverse?", asked before any sign-in so that `validate` can tell a
 * wrong URL from wrong credentials. Without a token the Web API's service document answers
 * 401 with a `WWW-Authenticate: Bearer` challenge; with one (some proxies add it) 200 and an
 * OData service document. Anything else (refused, HTML, 404, a redirect to a login page) is not it.
 */
import { FatalError } from '../domain/index.js';
import { send, TransportError, type HttpResponse, type HttpSend } from './http.js';

const PROBE_TIMEOUT_MS = 15_000;

export async function probeServiceDocument(apiUrl: string, http: HttpSend = send): Promise<void> {
  let res: HttpResponse;
  try {
    res = await http({
      method: 'GET',
      url: apiUrl,
      headers: { Accept: 'application/json', 'OData-Version': '4.0' },
      timeoutMs: PROBE_TIMEOUT_MS,
    });
  } catch (e) {
    const why = (e instanceof TransportError ? e.message : String(e)).replace(/[.\s]*$/, '.');
    throw new FatalError(
      'not_dataverse',
      `${why} Check the organization URL (e.g. https://contoso.crm.dynamics.com).`,
      { cause: e },
    );
  }
  if (answersAsDataverse(res)) return;
  const type = res.headers.get('content-type') ?? 'no content type';
  throw new FatalError(
    'not_dataverse',
    `${apiUrl} answered HTTP ${res.status} (${type}), which is not the Dataverse Web API. ` +
      'Check the organization URL (e.g. https://contoso.crm.dynamics.com).',
  );
}

export function answersAsDataverse(res: HttpResponse): boolean {
  if (res.status === 401) return /^\s*Bearer\b/i.test(res.headers.get('www-authenticate') ?? '');
  if (res.status !== 200 || !(res.headers.get('content-type') ?? '').includes('json')) return false;
  try {
    const body = JSON.parse(res.text) as { '@odata.context'?: unknown; value?: unknown };
    return typeof body['@odata.context'] === 'string' && Array.isArray(body.value);
  } catch {
    return false;
  }
}
