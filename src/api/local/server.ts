/**
 * The local admin API: a Unix socket in the data directory (`<data dir>/dynasync.sock`, mode 0600)
 * that `serve` and `run` open on the embedded database. PGlite is one process: while `run` holds the
 * data directory, `dynasync api-client create` (or `admin-user invite`) cannot open the database
 * itself, so it asks the process that has it, over this socket. Only the data directory's owner can
 * reach it (the directory is 0700 and the socket 0600), the same people who could open the database
 * when nothing runs, so it needs no password. It listens on no TCP port.
 */
import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from '../../config/index.js';
import type { Db } from '../../store/db/types.js';
import { mapError } from '../admin/errors.js';
import { registerLocalRoutes } from './routes.js';

export const LOCAL_SOCKET = 'dynasync.sock';
export const localSocketPath = (dataDir: string): string => join(dataDir, LOCAL_SOCKET);

export interface LocalAdmin {
  readonly path: string;
  close(): Promise<void>;
}

export function buildLocalAdmin(db: Db, logger: Logger): FastifyInstance {
  const app = fastify({ logger: false, bodyLimit: 64 * 1024 });
  app.setErrorHandler((err, _request, reply) => {
    const mapped = mapError(err);
    if (!mapped) logger.error({ err }, 'local admin request failed');
    const answer = mapped ?? { status: 500, code: 'internal_error', message: 'Something went wrong; see the log' };
    void reply.code(answer.status).send({ error: { code: answer.code, message: answer.message } });
  });
  registerLocalRoutes(app, db);
  return app;
}

/**
 * Listens on the socket. The caller holds the data-directory lock, so a socket file already there
 * was left by a process that is gone (a SIGKILL): it is removed first.
 */
export async function startLocalAdmin(db: Db, dataDir: string, logger: Logger): Promise<LocalAdmin> {
  const path = localSocketPath(dataDir);
  rmSync(path, { force: true });
  const app = buildLocalAdmin(db, logger);
  await app.listen({ path });
  chmodSync(path, 0o600);
  logger.info({ socket: path }, 'local admin API listening');
  return {
    path,
    close: async () => {
      await app.close();
      rmSync(path, { force: true });
    },
  };
}
