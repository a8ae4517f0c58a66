// Calls to the admin API: JSON in and out, the session's CSRF token on every state-changing
// request, and a trip to the sign-in page when the session has ended.

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function signInUrl() {
  return `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
}

let sessionInfo = null;

/** The session as /api/session describes it ({ signedIn, csrfToken, user: { email, role } }), fetched once. */
export async function session() {
  sessionInfo ??= fetch('/api/session', { credentials: 'same-origin' }).then((r) => r.json());
  return sessionInfo;
}

async function token() {
  if (csrfToken) return csrfToken;
  const s = await session();
  if (!s.signedIn) {
    location.assign(signInUrl());
    throw new ApiError(401, 'not_signed_in', 'Sign in first');
  }
  csrfToken = s.csrfToken;
  return csrfToken;
}

/**
 * `api('/api/status')`, `api('/api/fields', { method: 'PUT', body: {...} })`. Throws ApiError.
 * `signedIn: false` is for the sign-in calls themselves, which have no session (hence no token) yet.
 */
export async function api(path, { method = 'GET', body, signedIn = true } = {}) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (signedIn && method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = await token();
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network_error', 'The dynasync server does not answer. Is it still running?');
  }
  const data = res.headers.get('content-type')?.includes('application/json') ? await res.json() : null;
  if (res.status === 401 && signedIn) {
    location.assign(signInUrl());
  }
  if (!res.ok) {
    const e = data?.error ?? {};
    throw new ApiError(res.status, e.code ?? `http_${res.status}`, e.message ?? `The server answered ${res.status}`);
  }
  return data;
}

/** Query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
