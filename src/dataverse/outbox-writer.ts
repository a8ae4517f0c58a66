/**
 * The sender's Web API client: `$batch` change sets of person writes and the single-row re-read a
 * 412 needs. It shares the user's throttle with the reads (sessions of one user share one throttle),
 * so writes and reads spend one request budget.
 */
import type { Logger } from '../config/index.js';
import type { ConnectionSettings, TokenSource } from './auth.js';
import { sendBatch, type BatchAnswer, type BatchWrite } from './batch.js';
import { WebApiError } from './errors.js';
import type { HttpSend } from './http.js';
import { parseJson } from './pages.js';
import type { RetryOptions } from './retry.js';
import { WebApiSession } from './session.js';
import { assertGuid, assertName } from './names.js';

export interface OutboxWriterOptions {
  settings: ConnectionSettings;
  logger: Logger;
  retry?: RetryOptions;
  tokens?: TokenSource;
  http?: HttpSend;
}

export class DataverseOutboxWriter {
  private readonly session: WebApiSession;

  constructor(opts: OutboxWriterOptions) {
    this.session = new WebApiSession(opts);
  }

  batch(sets: readonly (readonly BatchWrite[])[], signal?: AbortSignal): Promise<BatchAnswer[][]> {
    return sendBatch(this.session, sets, signal);
  }

  /** One row's current columns (after a 412: the version and values someone else wrote). */
  async readRow(entitySet: string, id: string, select: readonly string[]): Promise<Record<string, unknown> | null> {
    assertName(entitySet, 'entity set');
    assertGuid(id, 'row id');
    try {
      return await this.session.call(
        { target: `${entitySet}(${id})?$select=${select.join(',')}`, entity: entitySet },
        (res) => parseJson(res) as Record<string, unknown>,
      );
    } catch (err) {
      if (err instanceof Error && err.cause instanceof WebApiError && err.cause.status === 404) return null; // deleted
      throw err;
    }
  }

  stats() {
    return this.session.stats();
  }
}
