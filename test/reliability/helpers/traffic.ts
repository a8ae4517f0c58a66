/**
 * Every HTTP exchange the sync's Dataverse client makes, timed, by wrapping its real transport
 * (fetch underneath, the real emulator on the other end). Used to prove Retry-After is honoured
 * and that nothing is sent while the user is paused.
 */
import { send, type HttpSend } from '../../../src/dataverse/http.js';

export interface Exchange {
  readonly method: string;
  readonly origin: string;
  readonly path: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** HTTP status, or 'no response' for a reset connection or a timeout. */
  readonly status: number | 'no response';
  readonly retryAfterSeconds: number | null;
}

export class Traffic {
  readonly exchanges: Exchange[] = [];
  /** Every bearer token the client sent, so a test can prove none of them was logged. */
  readonly tokens = new Set<string>();

  readonly send: HttpSend = async (req) => {
    const startedAt = Date.now();
    const bearer = /^Bearer (.+)$/.exec(req.headers.Authorization ?? req.headers.authorization ?? '')?.[1];
    if (bearer) this.tokens.add(bearer);
    const { origin, pathname } = new URL(req.url);
    const path = pathname.replace(/^\/api\/data\/v9\.2\//, '');
    try {
      const res = await send(req);
      const ra = res.headers.get('retry-after');
      this.exchanges.push({
        method: req.method,
        origin,
        path,
        startedAt,
        endedAt: Date.now(),
        status: res.status,
        retryAfterSeconds: ra === null ? null : Number(ra),
      });
      return res;
    } catch (err) {
      this.exchanges.push({
        method: req.method,
        origin,
        path,
        startedAt,
        endedAt: Date.now(),
        status: 'no response',
        retryAfterSeconds: null,
      });
      throw err;
    }
  };

  mark(): number {
    return this.exchanges.length;
  }

  since(mark: number): Exchange[] {
    return this.exchanges.slice(mark);
  }

  withStatus(status: Exchange['status'], mark = 0): Exchange[] {
    return this.since(mark).filter((e) => e.status === status);
  }

  /**
   * Requests started while a Retry-After was running: after a 429 or 503 answer, nothing may be
   * sent until its Retry-After has passed (a few ms of timer slack allowed).
   */
  retryAfterViolations(mark = 0, slackMs = 15): string[] {
    const list = this.since(mark);
    const out: string[] = [];
    for (const e of list) {
      if (e.retryAfterSeconds === null || (e.status !== 429 && e.status !== 503)) continue;
      const until = e.endedAt + e.retryAfterSeconds * 1000 - slackMs;
      for (const later of list) {
        if (later.startedAt > e.endedAt && later.startedAt < until) {
          out.push(
            `${later.method} ${later.path} sent ${later.startedAt - e.endedAt} ms after a ${e.status} asking for ${e.retryAfterSeconds} s`,
          );
        }
      }
    }
    return out;
  }
}
