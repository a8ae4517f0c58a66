/** OpenAPI paths of the Marketo-compatible API (/identity and /rest), written as data. */
type Obj = Record<string, unknown>;

export const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, description: string, required = false, schema: Obj = { type: 'string' }): Obj => ({
  name,
  in: 'query',
  required,
  description,
  schema,
});

const BATCH = q('batchSize', 'Records per page, 1 to 300 (default 300)', false, {
  type: 'integer',
  minimum: 1,
  maximum: 300,
});
const NEXT = q('nextPageToken', 'The token of the previous page, to continue');
const FIELDS = q('fields', 'Comma-separated field names (see describe); unknown names answer 1006');
const SECURED = [{ bearerToken: [] }, { accessTokenParam: [] }];

/** A /rest operation: always HTTP 200 with Marketo's envelope (errors inside it). */
function restOp(summary: string, description: string, result: Obj, extra: Obj = {}): Obj {
  return {
    summary,
    description,
    tags: ['REST (Marketo-compatible)'],
    security: SECURED,
    ...extra,
    responses: {
      200: {
        description:
          'Marketo envelope: `success` with `result`, or `success: false` with `errors` (600, 601, 602, 606, 609, 610, 1001, 1003, 1004, 1006, 1007)',
        content: {
          'application/json': {
            schema: {
              allOf: [ref('Envelope'), { type: 'object', properties: { result: { type: 'array', items: result } } }],
            },
          },
        },
      },
    },
  };
}

const tokenOp = (method: 'get' | 'post'): Obj => ({
  summary: 'Access token (client credentials)',
  description:
    'Marketo identity: an API client made with `dynasync api-client create` exchanges its id and secret for a bearer token (1 hour). A revoked client gets none. Failed checks are limited to 10 per 5 minutes per client id and per address, and at most 8 checks run at once (4 per address).',
  tags: ['Identity'],
  ...(method === 'get'
    ? {
        parameters: [
          q('grant_type', 'client_credentials', true),
          q('client_id', 'API client id', true),
          q('client_secret', 'API client secret', true),
        ],
      }
    : {
        requestBody: {
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                required: ['grant_type', 'client_id', 'client_secret'],
                properties: {
                  grant_type: { type: 'string', enum: ['client_credentials'] },
                  client_id: { type: 'string' },
                  client_secret: { type: 'string' },
                },
              },
            },
          },
        },
      }),
  responses: {
    200: { description: 'A token', content: { 'application/json': { schema: ref('Token') } } },
    400: {
      description: 'Missing or unsupported grant type',
      content: { 'application/json': { schema: ref('OAuthError') } },
    },
    401: {
      description: 'Bad client credentials (or a revoked client)',
      content: { 'application/json': { schema: ref('OAuthError') } },
    },
    429: {
      description: 'Too many failed attempts, or too many at once: retry after the Retry-After header (seconds)',
      content: { 'application/json': { schema: ref('OAuthError') } },
    },
  },
});

const batchBody = (record: Obj, extra: Obj = {}): Obj => ({
  required: true,
  content: {
    'application/json': {
      schema: {
        type: 'object',
        required: ['input'],
        properties: { ...extra, input: { type: 'array', maxItems: 300, items: record } },
      },
    },
  },
});

const ANY_RECORD: Obj = { type: 'object', additionalProperties: true };

export const REST_PATHS: Obj = {
  '/identity/oauth/token': { get: tokenOp('get'), post: tokenOp('post') },
  '/rest/v1/leads.json': {
    get: restOp(
      'Leads by filter',
      'filterType is id, email, or any person or company field; at most 300 filterValues. Paged by nextPageToken.',
      ref('Lead'),
      {
        parameters: [
          q('filterType', 'id, email, or a field name', true),
          q('filterValues', 'Comma-separated values (at most 300)', true),
          FIELDS,
          BATCH,
          NEXT,
        ],
      },
    ),
    post: restOp(
      'Create or update leads',
      'createOnly, updateOnly or createOrUpdate (the default), by email (id: updateOnly only). A lead not found by email is created as a marketing-only person (Microsoft Type empty; it reaches Dynamics only when pushed). Person fields of a synced lead or contact are written to Dynamics. Company fields of a contact change for every person of the company, log Change Data Value, and are never sent to Dynamics; a lead or marketing-only person holds its company fields itself. Each record is one transaction and gets its own result in input order (`created`, `updated`, or `skipped` with reasons: 1001 invalid value, e.g. outside the range of its Dynamics column; 1003; 1004 not found (updateOnly); 1005 already exists (createOnly); 1006; 1007; 611 when its write failed); one bad record never fails the call. With `?_method=GET` and a form body of the GET parameters, this is the GET (for long filter lists).',
      ref('RecordResult'),
      {
        requestBody: batchBody(
          { type: 'object', additionalProperties: true },
          {
            action: { type: 'string', enum: ['createOnly', 'updateOnly', 'createOrUpdate'], default: 'createOrUpdate' },
            lookupField: { type: 'string', enum: ['email', 'id'], default: 'email' },
          },
        ),
      },
    ),
  },
  '/rest/v1/leads/push.json': {
    post: restOp(
      'Sync Person to Microsoft',
      'Creates marketing-only persons (no Microsoft Type yet) in Dynamics, as leads (default) or as contacts (without an account), optionally owned by a synced sales person (`assignTo`: their email). Each person is queued in one transaction with a Sync Lead to Microsoft activity (type 300) and a primary key chosen by dynasync, so a resent create never makes a second record; the sender writes it to Dynamics within seconds while `run` is up, else at the next cycle. A refused create becomes a sync error (direction to_dynamics) and a Sync Error activity. Each record gets its own result in input order: `queued`, or `skipped` with reasons: 1001 invalid id; 1003 no synced sales person has the assignTo email; 1004 no such person; 1005 already in Dynamics, or already queued (a no-op). A person whose Dynamics record was deleted gets a new one. A bad syncAs or assignTo fails the whole call (1003).',
      ref('RecordResult'),
      {
        requestBody: batchBody(
          { type: 'object', required: ['id'], properties: { id: { type: 'integer' } } },
          {
            syncAs: { type: 'string', enum: ['lead', 'contact'], default: 'lead' },
            assignTo: {
              type: 'string',
              format: 'email',
              description: 'Email of a synced Dynamics user (sales person) to own the new record',
            },
          },
        ),
      },
    ),
  },
  '/rest/v1/lead/{id}.json': {
    get: restOp('One lead', 'An empty result when there is no such lead.', ref('Lead'), {
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }, FIELDS],
    }),
  },
  '/rest/v1/leads/describe.json': {
    get: restOp(
      'Lead fields',
      'Every field the API knows, with its type and whether it can be written.',
      ref('FieldDescription'),
    ),
  },
  '/rest/v1/companies.json': {
    get: restOp('Companies by filter', 'externalCompanyId is the Dynamics account id.', ref('Company'), {
      parameters: [
        q('filterType', 'externalCompanyId, id or company', true, {
          type: 'string',
          enum: ['externalCompanyId', 'id', 'company'],
        }),
        q('filterValues', 'Comma-separated values (at most 300)', true),
        FIELDS,
        BATCH,
        NEXT,
      ],
    }),
    post: restOp(
      'Create or update companies: always refused',
      'Companies are Dynamics accounts synced one way: every record is skipped with 1003 (managed by the CRM). With `?_method=GET` and a form body, this is the GET.',
      ref('RecordResult'),
      {
        requestBody: batchBody({ type: 'object', additionalProperties: true }),
      },
    ),
  },
  '/rest/v1/opportunities.json': {
    get: restOp(
      'Opportunities by filter',
      'externalOpportunityId is the Dynamics opportunity id; marketoGUID and id are ours; externalCompanyId the account; any synced opportunity field can filter too.',
      ANY_RECORD,
      {
        parameters: [
          q('filterType', 'externalOpportunityId, id, marketoGUID, externalCompanyId or a field name', true),
          q('filterValues', 'Comma-separated values (at most 300)', true),
          FIELDS,
          BATCH,
          NEXT,
        ],
      },
    ),
    post: restOp(
      'Create or update opportunities: always refused',
      'Opportunities are synced one way from Dynamics: every record is skipped with 1018 (CRM Enabled). With `?_method=GET` and a form body, this is the GET.',
      ref('RecordResult'),
      { requestBody: batchBody(ANY_RECORD) },
    ),
  },
  '/rest/v1/opportunities/delete.json': {
    post: restOp(
      'Delete opportunities: always refused',
      'Every record is skipped with 1018 (CRM Enabled).',
      ref('RecordResult'),
      {
        requestBody: batchBody(ANY_RECORD),
      },
    ),
  },
  '/rest/v1/opportunities/roles.json': {
    get: restOp(
      'Opportunity contact roles',
      'Potential Customer (the customer contact, primary) and Stakeholder (a connection to a contact) roles.',
      ANY_RECORD,
      {
        parameters: [
          q('filterType', 'externalOpportunityId or leadId', true),
          q('filterValues', 'Comma-separated values', true),
        ],
      },
    ),
    post: restOp(
      'Create roles: always refused',
      'Every record is skipped with 1018 (CRM Enabled); `?_method=GET` reads.',
      ref('RecordResult'),
      {
        requestBody: batchBody(ANY_RECORD),
      },
    ),
  },
  '/rest/v1/opportunities/describe.json': {
    get: restOp(
      'Describe opportunities',
      'The opportunity object: idField, dedupeFields and its synced fields.',
      ANY_RECORD,
    ),
  },
  '/rest/v1/activities/types.json': {
    get: restOp(
      'Activity types',
      '12 New Lead, 13 Change Data Value, 300 Sync Lead to Microsoft, 10001 Dynamics Sync Error.',
      ref('ActivityType'),
    ),
  },
  '/rest/v1/activities/pagingtoken.json': {
    get: restOp(
      'Paging token for a time',
      'A token that starts the activity stream at the first activity at or after sinceDatetime (no result, only nextPageToken).',
      { type: 'object' },
      {
        parameters: [
          q('sinceDatetime', 'ISO 8601 date-time from 1753-01-01 to 9999-12-31 (else 1001)', true, {
            type: 'string',
            format: 'date-time',
          }),
        ],
      },
    ),
  },
  '/rest/v1/activities.json': {
    get: restOp(
      'Activities',
      'In id order from the token; moreResult tells whether to ask again now, nextPageToken where to continue (also for polling).',
      ref('Activity'),
      {
        parameters: [
          { ...NEXT, required: true },
          q('activityTypeIds', 'Comma-separated, at most 10', true),
          q('leadIds', 'Comma-separated, at most 30'),
          BATCH,
        ],
      },
    ),
  },
  '/rest/v1/activities/leadchanges.json': {
    get: restOp(
      'Lead changes',
      'New Lead and Change Data Value activities of the fields asked for, with old and new values.',
      ref('LeadChange'),
      {
        parameters: [
          { ...NEXT, required: true },
          { ...FIELDS, required: true },
          q('leadIds', 'Comma-separated, at most 30'),
          BATCH,
        ],
      },
    ),
  },
};
