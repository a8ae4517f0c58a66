/**
 * Admin API for the web UI (/api/*) and the UI pages themselves. Everything here sits behind one
 * guard (sign-in, CSRF token, same-origin check: guard.ts) and one error mapping (errors.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ApiDeps } from '../deps.js';
import { registerAlertRoutes } from './alert-routes.js';
import { registerApiClientRoutes } from './api-client-routes.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerConnectionRoutes } from './connection-routes.js';
import { registerCustomTableRoutes } from './custom-table-routes.js';
import { DynamicsAccess } from './dynamics.js';
import { registerErrorGroupRoutes } from './error-group-routes.js';
import { createErrorHandler } from './errors.js';
import { registerFieldRoutes } from './field-routes.js';
import { createGuard } from './guard.js';
import { registerHealthRoutes } from './health-routes.js';
import { registerPageRoutes } from './page-routes.js';
import { applyEnvironmentPassword, needsSetup } from './password.js';
import { registerOpportunityRoutes } from './opportunity-routes.js';
import { registerListRoutes } from './list-routes.js';
import { registerPeopleRoutes } from './people-routes.js';
import { registerPushRoutes } from './push-routes.js';
import { registerQuickSyncRoutes } from './quick-sync-routes.js';
import { SessionStore, type SessionLimits } from './session.js';
import type { SetupCode } from './setup-code.js';
import { registerStatusRoutes } from './status-routes.js';
import { registerSyncErrorRoutes } from './sync-error-routes.js';
import { registerSyncErrorRetryRoutes } from './sync-error-retry-routes.js';
import { registerUserRoutes } from './user-routes.js';

export interface AdminOptions {
  readonly deps: ApiDeps;
  /** Session lifetimes (tests shorten them). */
  readonly sessionLimits?: SessionLimits;
  /** Armed here when no admin password is set; the server prints it at start. */
  readonly setupCode: SetupCode;
  /** Called after a field selection is saved (the REST API's cached field list). */
  readonly onFieldsSaved?: () => void;
}

export async function adminRoutes(app: FastifyInstance, opts: AdminOptions): Promise<void> {
  const { deps } = opts;
  await applyEnvironmentPassword(deps.db, deps.config.adminPassword);
  if (await needsSetup(deps.db)) opts.setupCode.arm();
  const sessions = new SessionStore(deps.db, opts.sessionLimits);
  const dynamics = new DynamicsAccess({
    db: deps.db,
    secretBox: deps.secretBox,
    logger: deps.logger,
    pageSize: deps.config.pageSize,
  });

  app.setErrorHandler(createErrorHandler(deps.logger));
  app.addHook('onRequest', createGuard(sessions));
  app.addHook('onSend', async (_request, reply) => {
    void reply
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .header('x-frame-options', 'DENY');
  });

  registerAuthRoutes(app, { db: deps.db, sessions, setupCode: opts.setupCode });
  registerStatusRoutes(app, deps, dynamics);
  registerHealthRoutes(app, deps, dynamics);
  registerSyncErrorRoutes(app, deps.db);
  registerSyncErrorRetryRoutes(app, deps.db, dynamics);
  registerErrorGroupRoutes(app, deps.db, dynamics);
  registerAlertRoutes(app, deps);
  registerConnectionRoutes(app, deps.db, deps.secretBox, dynamics);
  registerFieldRoutes(app, deps.db, dynamics, opts.onFieldsSaved);
  registerPeopleRoutes(app, deps.db);
  registerOpportunityRoutes(app, deps.db);
  registerListRoutes(app, deps.db);
  registerPushRoutes(app, deps.db);
  registerCustomTableRoutes(app, deps.db, dynamics);
  registerQuickSyncRoutes(app, deps.db);
  registerApiClientRoutes(app, deps.db);
  registerUserRoutes(app, deps.db);
  registerPageRoutes(app);
}
