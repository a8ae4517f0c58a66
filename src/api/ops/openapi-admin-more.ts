/**
 * OpenAPI paths of the admin API's operations pages: grouped sync errors, health and alerts, the
 * paged lists and their CSV, API clients, named users and invites, the audit log, quick syncs.
 */
import { CHANGING, PAGE, idParam, json, op, q } from './openapi-admin.js';

type Obj = Record<string, unknown>;

const csv = (summary: string): Obj =>
  op(summary, {
    parameters: [q('q', 'Search text'), q('sort', 'Column'), q('dir', 'asc or desc'), q('f', 'scope.field:op:value')],
    ok: { content: { 'text/csv': { schema: { type: 'string' } } } },
  });
const group = [q('entity', 'Table'), q('direction', 'from_dynamics or to_dynamics'), q('code', 'Error code')];
const path = (name: string, type = 'string'): Obj => ({ name, in: 'path', required: true, schema: { type } });

export const ADMIN_OPERATION_PATHS: Obj = {
  '/api/health': { get: op('The health line: healthy, behind, throttled or failing, with the one action') },
  '/api/alerts': { get: op('Where alerts go (e-mail, webhook): the environment over the Alert settings page') },
  '/api/alerts/settings': {
    get: op('Alert settings: plain values, secrets only set / not set, fields locked by the environment'),
    put: op('Save alert settings (a value replaces, null clears, absent keeps; the environment wins)', {
      security: CHANGING,
      body: { type: 'object' },
    }),
  },
  '/api/alerts/test': { post: op('Send a test alert to every configured channel', { security: CHANGING }) },
  '/api/sync-errors/groups': { get: op('Open sync errors grouped by kind, with count and next step') },
  '/api/sync-errors/groups/records': { get: op("A group's records", { parameters: [...group, ...PAGE] }) },
  '/api/sync-errors/groups/retry': {
    post: op("Queue a group's refused writes again, or re-read its records from Dynamics", {
      security: CHANGING,
      body: { type: 'object' },
    }),
  },
  '/api/sync-errors/groups/resolve': {
    post: op('Hide a group until it happens again', { security: CHANGING, body: { type: 'object' } }),
  },
  '/api/sync-errors/{id}/resolve': {
    post: op('Hide one sync error until it happens again', { security: CHANGING, parameters: [idParam] }),
  },
  '/api/list-fields': { get: op('The fields People and Companies can be filtered and sorted by') },
  '/api/people.csv': { get: csv('People of the current filter, as CSV (streamed)') },
  '/api/companies.csv': { get: csv('Companies of the current filter, as CSV (streamed)') },
  '/api/api-clients': {
    get: op('REST API clients with their last use'),
    post: op('Create an API client (its secret is shown once)', { security: CHANGING, body: { type: 'object' } }),
  },
  '/api/api-clients/{clientId}/revoke': {
    post: op('Revoke an API client at once', { security: CHANGING, parameters: [path('clientId')] }),
  },
  '/api/users': { get: op('Named admin users and their roles') },
  '/api/users/invite': {
    post: op('Invite a user (admin or viewer): a one-time link', { security: CHANGING, body: { type: 'object' } }),
  },
  '/api/users/{id}': {
    delete: op('Remove a user (never the last admin)', { security: CHANGING, parameters: [idParam] }),
  },
  '/api/invite/accept': {
    post: op('Accept an invite: set the password', { public: true, body: { type: 'object' }, ok: json() }),
  },
  '/api/audit': { get: op('Audit log: who changed what', { parameters: PAGE }) },
  '/api/audit.csv': { get: csv('Audit log as CSV') },
  '/api/quick-syncs': {
    get: op('Quick syncs with their progress'),
    post: op('Refresh fields by a quick sync (Advanced Sync: a modified-on range)', {
      security: CHANGING,
      body: { type: 'object' },
    }),
  },
};
