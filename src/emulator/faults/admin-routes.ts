/**
 * The admin API under /_emulator/ (only when enabled): JSON in, JSON out, 400 with a clear
 * message on bad input. Each route is one EmulatorAdmin call.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorAdmin } from './admin.js';
import { AdminInputError } from './admin.js';
import type { CustomColumnSpec } from './columns.js';
import * as S from './schemas.js';
import type { FaultSpec } from './queue.js';
import { describeTable } from './table-summary.js';
import type { CustomTableSpec } from './tables.js';

type Params = Record<string, string>;
type Handler = (params: Params, body: unknown, query: Params) => unknown;

export function registerAdminRoutes(app: FastifyInstance, admin: EmulatorAdmin): void {
  void app.register(
    async (scope) => {
      const route = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, handle: Handler): void => {
        scope.route({ method, url, handler: (req, reply) => run(req, reply, handle) });
      };
      route('GET', '/faults', () => ({ faults: admin.pendingFaults() }));
      route('POST', '/faults', (_, body) => {
        admin.injectFault(body as FaultSpec);
        return { faults: admin.pendingFaults() };
      });
      route('DELETE', '/faults', () => admin.clearFaults());

      route('POST', '/tokens/expire', () => admin.expireAccessTokens());
      route('POST', '/delta-tokens/expire', (_, body) => admin.expireDeltaTokens(S.parse(S.optionalTable, body).table));
      route('GET', '/clock', () => ({ now: new Date(admin.now()).toISOString() }));
      route('POST', '/clock/advance', (_, body) => ({
        now: new Date(admin.advanceClock(body as { ms?: number })).toISOString(),
      }));
      route('PUT', '/change-tracking/expiry-days', (_, body) =>
        admin.setChangeTrackingExpiryDays(S.parse(S.days, body).days),
      );

      route('GET', '/requests', () => ({
        counts: admin.requestCounts(),
        byUser: admin.requestCountsByUser(),
        executionMs: admin.executionMsByUser(),
      }));
      route('DELETE', '/requests', () => admin.resetRequestCounts());
      route('GET', '/limits', () => admin.limits());
      route('PUT', '/limits', (_, body) => admin.setLimits(S.parse(S.limitsSpec, body)));
      route('GET', '/cost-model', () => ({ costModel: admin.costModel() }));
      route('PUT', '/cost-model', (_, body) => ({ costModel: admin.setCostModel(S.parse(S.costModelSpec, body)) }));

      route('POST', '/tables', (_, body) => describeTable(admin.addTable(body as CustomTableSpec)));
      route('POST', '/tables/:table/columns', (p, body) => admin.addColumn(p.table!, body as CustomColumnSpec));
      route('DELETE', '/tables/:table/columns/:column', (p) => admin.removeColumn(p.table!, p.column!));
      route('PUT', '/tables/:table/change-tracking', (p, body) =>
        admin.setChangeTracking(p.table!, S.parse(S.flag('enabled'), body).enabled),
      );
      route('PUT', '/tables/:table/columns/:column/secured', (p, body) =>
        admin.setColumnSecured(p.table!, p.column!, S.parse(S.flag('secured'), body).secured),
      );

      route('POST', '/users', (_, body) => admin.addUser(S.parse(S.userSpec, body)));
      route('PUT', '/users/:user/disabled', (p, body) =>
        admin.setUserDisabled(p.user!, S.parse(S.flag('disabled'), body).disabled),
      );
      route('PUT', '/users/:user/privileges/:table', (p, body) =>
        admin.setTablePrivileges(p.user!, p.table!, S.parse(S.privileges, body)),
      );
      route('PUT', '/users/:user/secured-columns/:table/:column', (p, body) =>
        admin.setSecuredColumn(p.user!, p.table!, p.column!, S.parse(S.fieldRights, body)),
      );

      route('POST', '/records/:table/:id/corrupt', (p, body) => {
        const c = S.parse(S.corruption, body);
        admin.corruptRecord(p.table!, p.id!, c.column, c.value);
      });
    },
    { prefix: '/_emulator' },
  );
}

async function run(req: FastifyRequest, reply: FastifyReply, handle: Handler): Promise<FastifyReply> {
  try {
    const out = handle(req.params as Params, req.body, req.query as Params);
    return out === undefined ? reply.code(204).send() : reply.code(200).send(out);
  } catch (err) {
    if (!(err instanceof AdminInputError)) throw err;
    return reply.code(400).send({ error: { code: 'BadRequest', message: err.message } });
  }
}
