/**
 * Commands that change the lead database (api-client, admin-user) while `run` or `serve` holds an
 * embedded (PGlite) data directory: the database admits one process, so instead of opening it the
 * command asks that process over its local admin socket (api/local/server.ts). On PostgreSQL, or
 * when nothing runs, the command opens the database itself as before.
 */
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { FatalError, InvalidInputError, NotFoundError, isSyncError, type ErrorCode } from '../domain/index.js';
import type { Db } from '../store/db/types.js';
import type { CliContext } from './context.js';

/** Same name as api/local/server.ts LOCAL_SOCKET (cli may import api, but this file needs only the name). */
const SOCKET = 'dynasync.sock';

export type Ask = <T>(method: 'GET' | 'POST', path: string, body?: unknown) => Promise<T>;

function errorOf(status: number, body: string): Error {
  let e: { code?: string; message?: string } = {};
  try {
    e = (JSON.parse(body) as { error?: typeof e }).error ?? {};
  } catch {
    // not JSON: the status says enough
  }
  // The running process is this same program: its codes are ours (an unknown one stays readable).
  const code = (e.code ?? 'runner_unreachable') as ErrorCode;
  const message = e.message ?? `The running dynasync process answered ${status}`;
  if (status === 400) return new InvalidInputError(code, message);
  if (status === 404) return new NotFoundError(code, message);
  return new FatalError(code, message);
}

export function askOverSocket(socketPath: string): Ask {
  return <T>(method: 'GET' | 'POST', path: string, body?: unknown) =>
    new Promise<T>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          socketPath,
          method,
          path,
          headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d: string) => (text += d));
          res.on('end', () => {
            const status = res.statusCode ?? 500;
            if (status >= 200 && status < 300) resolve(JSON.parse(text) as T);
            else reject(errorOf(status, text));
          });
        },
      );
      req.on('error', (err) =>
        reject(
          new FatalError(
            'runner_unreachable',
            `The data directory is locked but its process does not answer on ${socketPath}: ${err.message}`,
          ),
        ),
      );
      req.end(payload);
    });
}

/**
 * `local(db)` with the database opened here; when the embedded data directory is held by a running
 * process, `remote(ask)` through its socket instead.
 */
export async function withStoreOrRunning<T>(
  ctx: CliContext,
  local: (db: Db) => Promise<T>,
  remote: (ask: Ask) => Promise<T>,
): Promise<T> {
  try {
    return await ctx.withStore(local);
  } catch (err) {
    const socket = join(ctx.config.dataDir, SOCKET);
    if (ctx.config.databaseUrl || !isSyncError(err) || err.code !== 'data_dir_locked' || !existsSync(socket)) throw err;
    ctx.logger.info({ socket }, 'the data directory is in use: asking its process over the local socket');
    return remote(askOverSocket(socket));
  }
}
