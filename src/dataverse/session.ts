/**
 * Every Web API request goes through here: URL resolution, headers, the bearer token (with one
 * re-authentication after a 401), the user's shared throttle, and the retry loop. The body is parsed
 * inside the loop, so a malformed answer is retried like a dropped connection.
 */
import type { Logger } from '../config/index.js';
import { API_PATH } from '../wire/index.js';
import { FatalError } from '../domain/index.js';
import { MsalTokenSource, normalizeOrgUrl, type ConnectionSettings, type TokenSource } from './auth.js';
import { send, type HttpMethod, type HttpResponse, type HttpSend } from './http.js';
import { toSyncError, webApiErrorFrom } from './errors.js';
import { DEFAULT_RETRY, throttlePauseMs, withRetries, type RetryEvent, type RetryOptions } from './retry.js';
import { sharedThrottle, type Throttle, type ThrottleOptions } from './throttle.js';
import type { BudgetSnapshot } from './governor.js';

export interface SessionOptions {
  settings: ConnectionSettings;
  logger: Logger;
  throttle?: ThrottleOptions;
  retry?: RetryOptions;
  /** Per-request timeout. Default 120 s (Dataverse's own limit for a request is 2 minutes). */
  timeoutMs?: number;
  /** Test seams. */
  tokens?: TokenSource;
  http?: HttpSend;
  throttleInstance?: Throttle;
}

export interface ApiRequest {
  method?: HttpMethod;
  /** A path under /api/data/v9.2/ (e.g. `WhoAmI`), or an absolute nextLink/deltaLink. */
  target: string;
  prefer?: readonly string[];
  accept?: string;
  body?: unknown;
  /** A body sent as is with its own content type ($batch's multipart), instead of JSON. */
  raw?: { readonly contentType: string; readonly text: string };
  /** `If-Match` for writes (`*`: update only, never upsert). */
  ifMatch?: string;
  signal?: AbortSignal;
  /** Table name for error messages. */
  entity?: string;
}

export interface RequestStats {
  /** HTTP requests sent to the Web API (each attempt counts). */
  requests: number;
  retries: number;
  /** 429 answers received. */
  throttledResponses: number;
  /** Wall-clock ms the user's shared throttle held requests back (429 pauses and budget). */
  throttledMs: number;
}

export class WebApiSession {
  readonly orgUrl: string;
  readonly apiUrl: string;
  private readonly tokens: TokenSource;
  private readonly throttle: Throttle;
  private readonly retry: Required<RetryOptions>;
  private readonly http: HttpSend;
  private readonly timeoutMs: number;
  private readonly log: Logger;
  private readonly counts = { requests: 0, retries: 0, throttledResponses: 0 };

  constructor(opts: SessionOptions) {
    this.orgUrl = normalizeOrgUrl(opts.settings.orgUrl);
    this.apiUrl = `${this.orgUrl}${API_PATH}/`;
    this.log = opts.logger.child({ component: 'dataverse' });
    this.tokens = opts.tokens ?? new MsalTokenSource(opts.settings, this.log);
    this.throttle = opts.throttleInstance ?? sharedThrottle(throttleKey(opts.settings), opts.throttle);
    this.retry = { ...DEFAULT_RETRY, ...definedOnly(opts.retry ?? {}) };
    this.http = opts.http ?? send;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
  }

  /** Sends `req` and parses a 2xx answer with `parse`; throws the domain error once retries are spent. */
  async call<T>(req: ApiRequest, parse: (res: HttpResponse) => T): Promise<T> {
    const url = this.resolve(req.target);
    try {
      return await withRetries(
        (attempt) => this.attempt(url, req, parse, attempt),
        this.retry,
        (e) => this.onRetry(url, e),
        req.signal,
      );
    } catch (e) {
      throw toSyncError(e, req.entity);
    }
  }

  stats(): RequestStats {
    return { ...this.counts, throttledMs: this.throttle.stats().throttledMs };
  }

  /** The user's budget in the current window (shared by every session of that user). */
  budget(): BudgetSnapshot {
    return this.throttle.budgetSnapshot();
  }

  /** The last access token Dataverse refused (for logging each rejection once). */
  private lastRejected: string | undefined;

  private async attempt<T>(url: string, req: ApiRequest, parse: (res: HttpResponse) => T, attempt: number): Promise<T> {
    const token = await this.tokens.getToken();
    let res = await this.sendOnce(url, req, token);
    if (res.status === 401) {
      // Revoked or expired early: one fresh token, then a second 401 is final. Concurrent requests
      // share the rejected token and one sign-in; say so once.
      if (this.lastRejected !== token)
        this.log.info({ path: pathOf(url) }, 'Dataverse refused the access token; signing in again');
      this.lastRejected = token;
      res = await this.sendOnce(url, req, await this.tokens.refreshAfterRejection(token));
    }
    if (res.status < 200 || res.status >= 300) {
      const error = webApiErrorFrom(res);
      if (error.status === 429) {
        this.counts.throttledResponses++;
        this.throttle.pause(throttlePauseMs(error, attempt + 1, this.retry));
      }
      throw error;
    }
    return parse(res);
  }

  private sendOnce(url: string, req: ApiRequest, token: string): Promise<HttpResponse> {
    return this.throttle.run(
      () => {
        this.counts.requests++;
        return this.http({
          method: req.method ?? 'GET',
          url,
          headers: this.headers(req, token),
          body: req.raw?.text ?? (req.body === undefined ? undefined : JSON.stringify(req.body)),
          signal: req.signal,
          timeoutMs: this.timeoutMs,
        });
      },
      req.signal,
      (res) => res.headers,
    );
  }

  private headers(req: ApiRequest, token: string): Record<string, string> {
    const h: Record<string, string> = {
      Accept: req.accept ?? 'application/json',
      'OData-MaxVersion': '4.0',
      'OData-Version': '4.0',
      Authorization: `Bearer ${token}`,
    };
    if ((req.method ?? 'GET') === 'GET') h['If-None-Match'] = 'null'; // documented: avoids cached results
    if (req.prefer && req.prefer.length > 0) h.Prefer = req.prefer.join(',');
    if (req.body !== undefined) h['Content-Type'] = 'application/json; charset=utf-8';
    if (req.raw) h['Content-Type'] = req.raw.contentType;
    if (req.ifMatch !== undefined) h['If-Match'] = req.ifMatch;
    return h;
  }

  /**
   * Links come from Dataverse, but they are stored between runs: never send the bearer token to
   * another origin than the organization's.
   */
  private resolve(target: string): string {
    if (!/^https?:\/\//i.test(target)) return this.apiUrl + target.replace(/^\/+/, '');
    if (new URL(target).origin !== new URL(this.orgUrl).origin) {
      throw new FatalError(
        'invalid_link',
        `Refusing to follow a link outside ${this.orgUrl}: ${new URL(target).origin}`,
      );
    }
    return target;
  }

  private onRetry(url: string, e: RetryEvent): void {
    this.counts.retries++;
    const reason = e.error instanceof Error ? e.error.message : String(e.error);
    this.log.warn(
      { path: pathOf(url), kind: e.kind, attempt: e.attempt, delayMs: e.delayMs, reason },
      'retrying Dataverse request',
    );
  }
}

/** Service protection limits are per user: the app's client id stands for the user with client credentials. */
export function throttleKey(s: ConnectionSettings): string {
  const user = s.authKind === 'client_credentials' ? `app:${s.clientId}` : `user:${s.username ?? ''}`;
  return `${normalizeOrgUrl(s.orgUrl)}|${user}`;
}

/** The path only: queries can hold filter values and tokens, which do not belong in logs. */
const pathOf = (url: string): string => new URL(url).pathname;

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
