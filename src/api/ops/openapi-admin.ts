/**
 * OpenAPI paths of the admin API the web UI uses (/api, built in src/api/admin), plus /metrics and
 * /docs. Written from the routes as they are; a test checks every registered route is described.
 */
type Obj = Record<string, unknown>;

export const json = (schema: Obj = { type: 'object' }): Obj => ({ content: { 'application/json': { schema } } });
export const q = (name: string, description: string, schema: Obj = { type: 'string' }): Obj => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});
export const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } };
const ERROR = { $ref: '#/components/schemas/AdminError' };
const SIGNED_IN = [{ adminSession: [] }];
/** State-changing calls also need the session's CSRF token in X-CSRF-Token and a same-origin request. */
export const CHANGING = [{ adminSession: [], csrfToken: [] }];
export const PAGE = [q('limit', 'Page size'), q('cursor', 'nextCursor of the previous page')];

export function op(
  summary: string,
  opts: { security?: Obj[]; parameters?: Obj[]; body?: Obj; ok?: Obj; status?: number; public?: boolean } = {},
): Obj {
  return {
    summary,
    tags: ['Admin (web UI)'],
    security: opts.public ? [] : (opts.security ?? SIGNED_IN),
    ...(opts.parameters ? { parameters: opts.parameters } : {}),
    ...(opts.body ? { requestBody: { required: true, ...json(opts.body) } } : {}),
    responses: {
      [opts.status ?? 200]: { description: 'OK', ...(opts.ok ?? json()) },
      default: {
        description:
          '`{error: {code, message}}`: 400 invalid input, 401 not signed in, 403 cross-site or CSRF, 404, 409, 429, 502 Dynamics',
        ...json(ERROR),
      },
    },
  };
}

const password = { type: 'object', required: ['password'], properties: { password: { type: 'string', minLength: 8 } } };
const connection = {
  type: 'object',
  required: ['orgUrl', 'clientId'],
  properties: {
    orgUrl: { type: 'string', format: 'uri' },
    username: { type: 'string' },
    password: { type: 'string' },
    clientId: { type: 'string' },
    clientSecret: { type: 'string' },
    tenant: { type: 'string' },
    authority: { type: 'string', format: 'uri' },
    reset: { type: 'boolean' },
  },
};
const fieldsBody = {
  type: 'object',
  required: ['entity'],
  properties: {
    entity: { type: 'string', enum: ['systemuser', 'account', 'contact', 'lead'] },
    selected: { type: 'array', items: { type: 'string' } },
    add: { type: 'array', items: { type: 'string' } },
    remove: { type: 'array', items: { type: 'string' } },
    defaults: { type: 'boolean' },
  },
};
const errorFilter = [
  q('q', 'Text in the message, code or record id'),
  q('entity', 'Dynamics table', { type: 'string', enum: ['systemuser', 'account', 'contact', 'lead', 'opportunity'] }),
];

export const ADMIN_PATHS: Obj = {
  '/api/session': {
    get: op('Whether this browser is signed in, and whether the admin password is set yet', { public: true }),
  },
  '/api/setup': { post: op('Set the admin password on first run, and sign in', { public: true, body: password }) },
  '/api/login': {
    post: op('Sign in (sets the session cookie, answers the CSRF token)', { public: true, body: password }),
  },
  '/api/logout': { post: op('Sign out', { security: CHANGING }) },
  '/api/status': { get: op('Sync status per table, records in the last hour, recent cycles, next cycle') },
  '/api/sync-now': {
    post: op('Start a cycle now (409 when no runner runs in this process)', { security: CHANGING, status: 202 }),
  },
  '/api/sync-errors': { get: op('Search sync errors, newest first', { parameters: [...errorFilter, ...PAGE] }) },
  '/api/sync-errors/{id}/retry': {
    post: op('Retry a write Dynamics refused: its pending writes are sent again', { parameters: [idParam] }),
  },
  '/api/sync-errors.csv': {
    get: op('Sync errors as CSV', {
      parameters: errorFilter,
      ok: { content: { 'text/csv': { schema: { type: 'string' } } } },
    }),
  },
  '/api/connection': {
    get: op('The Dynamics connection (secrets never returned, only whether they are stored)'),
    put: op('Save the Dynamics connection', { security: CHANGING, body: connection }),
  },
  '/api/connection/validate': { post: op('Run the validation checklist against Dynamics', { security: CHANGING }) },
  '/api/fields': {
    get: op('Columns of a table: availability, default mapping, selection', {
      parameters: [
        {
          ...q('entity', 'Table', { type: 'string', enum: ['systemuser', 'account', 'contact', 'lead'] }),
          required: true,
        },
      ],
    }),
    put: op('Save the field selection of a table', { security: CHANGING, body: fieldsBody }),
  },
  '/api/people': {
    get: op('Search people by email or name', {
      parameters: [q('q', 'Email or name'), q('company', 'Company id', { type: 'integer' }), ...PAGE],
    }),
  },
  '/api/people/{id}': { get: op('A person, its company fields and its latest activities', { parameters: [idParam] }) },
  '/api/people/{id}/activities': {
    get: op("A person's activity log, newest first", { parameters: [idParam, ...PAGE] }),
  },
  '/api/people/{id}/company-field': {
    put: op('Edit a company field through a person: every person of the company changes; nothing is sent to Dynamics', {
      security: CHANGING,
      parameters: [idParam],
      body: {
        type: 'object',
        required: ['field', 'value'],
        properties: { field: { type: 'string' }, value: { nullable: true } },
      },
    }),
  },
  '/api/people/{id}/push': {
    post: op(
      "Sync Person to Microsoft: queue a marketing-only person's creation in Dynamics as a lead or a contact (no account), optionally owned by a synced sales person (by email); `skipped` when already in Dynamics or queued",
      {
        security: CHANGING,
        parameters: [idParam],
        body: {
          type: 'object',
          properties: {
            syncAs: { type: 'string', enum: ['lead', 'contact'], default: 'lead' },
            owner: { type: 'string', nullable: true, description: 'Sales person email' },
          },
        },
      },
    ),
  },
  '/api/opportunities': {
    get: op("Opportunities (all, a company's, or a person's with the role)", {
      parameters: [q('company', 'Dynamics account id'), q('person', 'Person id'), ...PAGE],
    }),
  },
  '/api/companies': { get: op('Companies with their people counts', { parameters: [q('q', 'Name'), ...PAGE] }) },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics',
      tags: ['Operations'],
      security: [],
      responses: {
        200: {
          description: 'Prometheus text exposition format',
          content: { 'text/plain': { schema: { type: 'string' } } },
        },
      },
    },
  },
  '/docs': {
    get: {
      summary: 'This OpenAPI document',
      tags: ['Operations'],
      security: [],
      responses: { 200: { description: 'OpenAPI 3', ...json() } },
    },
  },
};

export const ADMIN_SCHEMAS: Obj = {
  AdminError: {
    type: 'object',
    properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } },
  },
};
