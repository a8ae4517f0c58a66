/** The OpenAPI 3 document served at /docs: the REST API, the admin API, metrics and docs. */
import { ADMIN_PATHS, ADMIN_SCHEMAS } from './openapi-admin.js';
import { ADMIN_OPERATION_PATHS } from './openapi-admin-more.js';
import { CUSTOM_PATHS } from './openapi-custom.js';
import { REST_PATHS } from './openapi-rest.js';
import { REST_SCHEMAS } from './openapi-rest-schemas.js';

export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.0.3',
    info: {
      title: 'dynasync',
      version,
      description:
        "The lead database kept in sync with Microsoft Dynamics 365. /identity and /rest follow Marketo's REST API " +
        '(HTTP 200 with `{requestId, success, result | errors}`), so Marketo clients work against it; /api serves the web UI.',
    },
    tags: [
      { name: 'Identity', description: 'Access tokens for the REST API' },
      { name: 'REST (Marketo-compatible)', description: 'Leads, companies and activities' },
      { name: 'Admin (web UI)', description: 'Signed-in admin session; state-changing calls need the CSRF token' },
      { name: 'Operations', description: 'Metrics and this document' },
    ],
    paths: { ...REST_PATHS, ...ADMIN_PATHS, ...ADMIN_OPERATION_PATHS, ...CUSTOM_PATHS },
    components: {
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'A token from /identity/oauth/token' },
        accessTokenParam: {
          type: 'apiKey',
          in: 'query',
          name: 'access_token',
          description: 'The same token as a query parameter',
        },
        adminSession: { type: 'apiKey', in: 'cookie', name: 'dynasync_session' },
        csrfToken: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
      },
      schemas: { ...REST_SCHEMAS, ...ADMIN_SCHEMAS },
    },
  };
}
