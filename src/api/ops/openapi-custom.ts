/**
 * OpenAPI paths of the custom tables: the REST custom objects (Marketo's shape) and the admin
 * routes of the Custom tables page and the person page. Kept apart from openapi-rest/-admin.
 */
type Obj = Record<string, unknown>;

const json = (schema: Obj = { type: 'object' }): Obj => ({ content: { 'application/json': { schema } } });
const q = (name: string, description: string, required = false): Obj => ({
  name,
  in: 'query',
  required,
  description,
  schema: { type: 'string' },
});
const pathParam = (name: string, schema: Obj = { type: 'string' }): Obj => ({
  name,
  in: 'path',
  required: true,
  schema,
});
const NAME = pathParam('name');
const REST_SECURITY = [{ bearerToken: [] }, { accessTokenParam: [] }];

const rest = (summary: string, description: string, parameters: Obj[] = [], body = false): Obj => ({
  summary,
  description,
  tags: ['REST (Marketo-compatible)'],
  security: REST_SECURITY,
  parameters,
  ...(body ? { requestBody: { required: true, ...json() } } : {}),
  responses: { 200: { description: 'Marketo envelope (`success` with `result`, or `errors`)', ...json() } },
});

const admin = (summary: string, parameters: Obj[] = [], changing = false, body = false): Obj => ({
  summary,
  tags: ['Admin (web UI)'],
  security: changing ? [{ adminSession: [], csrfToken: [] }] : [{ adminSession: [] }],
  parameters,
  ...(body ? { requestBody: { required: true, ...json() } } : {}),
  responses: {
    200: { description: 'OK', ...json() },
    default: {
      description: '`{error: {code, message}}`: 400, 404, 503 cycle_running (try again after the cycle)',
      ...json(),
    },
  },
});

const READ = [
  q('filterType', 'marketoGUID, the dedupe field (the Dynamics primary key), leadId or any field', true),
  q('filterValues', 'Comma-separated values (at most 300)', true),
  q('fields', 'Comma-separated field names (see describe)'),
  q('batchSize', 'Records per page, 1 to 300'),
  q('nextPageToken', 'The token of the previous page'),
];

export const CUSTOM_PATHS: Obj = {
  '/rest/v1/customobjects.json': {
    get: rest('Custom objects', 'The enabled Dynamics custom tables.', [q('names', 'Comma-separated names')]),
  },
  '/rest/v1/customobjects/{name}/describe.json': {
    get: rest('Describe a custom object', 'Fields, dedupe and searchable fields; every field is CRM-managed.', [NAME]),
  },
  '/rest/v1/customobjects/{name}.json': {
    get: rest('Custom object records by filter', 'Records in record id order, paged.', [NAME, ...READ]),
    post: rest(
      'Create or update custom object records: always refused',
      'Synced one way from Dynamics: every record is skipped with 1003 (managed by the CRM). With `?_method=GET` and a form body, this is the GET.',
      [NAME],
      true,
    ),
  },
  '/rest/v1/customobjects/{name}/delete.json': {
    post: rest(
      'Delete custom object records: always refused',
      'Every record is skipped (managed by the CRM).',
      [NAME],
      true,
    ),
  },
  '/api/custom-tables': { get: admin('Custom tables of Dynamics, which can sync and why not') },
  '/api/custom-tables/{name}/enable': {
    post: admin('Enable a custom table (between cycles only); body `{columns?}`', [NAME], true, true),
  },
  '/api/custom-tables/{name}/disable': { post: admin('Disable a custom table (its records are kept)', [NAME], true) },
  '/api/custom-tables/{name}/columns': {
    get: admin('Columns of an enabled custom table', [NAME]),
    put: admin('Save the selected columns; body `{selected}`', [NAME], true, true),
  },
  '/api/people/{id}/custom-records': {
    get: admin("A person's custom-table records (the person's and the company's)", [
      pathParam('id', { type: 'integer', minimum: 1 }),
    ]),
  },
};
