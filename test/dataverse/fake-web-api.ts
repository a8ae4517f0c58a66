/** A scripted Web API for unit tests: answers by URL, records every request it sees. */
import type { HttpRequest, HttpResponse, HttpSend } from '../../src/dataverse/http.js';
import type { TokenSource } from '../../src/dataverse/auth.js';
import type { ConnectionSettings } from '../../src/dataverse/auth.js';

export const ORG = 'https://contoso.crm.dynamics.com';
export const API = `${ORG}/api/data/v9.2/`;

export const settings: ConnectionSettings = {
  orgUrl: `${ORG}/`,
  authKind: 'password',
  username: 'sync@contoso.test',
  password: 'Passw0rd!',
  clientId: 'dynasync-local',
};

export type Answer = HttpResponse | Error | ((req: HttpRequest) => HttpResponse | Promise<HttpResponse>);

export const ok = (body: unknown, headers: Record<string, string> = {}): HttpResponse => ({
  status: 200,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  headers: new Headers({ 'content-type': 'application/json; odata.metadata=minimal', ...headers }),
});

export const fail = (
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): HttpResponse => ({
  status,
  text: JSON.stringify({ error: { code, message } }),
  headers: new Headers({ 'content-type': 'application/json', ...headers }),
});

export class FakeWebApi {
  readonly requests: HttpRequest[] = [];
  private readonly routes: Array<{ match: (url: string) => boolean; answers: Answer[] }> = [];

  /** Answers for URLs containing `fragment`, used in turn; the last one repeats. */
  on(fragment: string | RegExp, ...answers: Answer[]): this {
    const match = (url: string) => (typeof fragment === 'string' ? url.includes(fragment) : fragment.test(url));
    this.routes.unshift({ match, answers });
    return this;
  }

  readonly send: HttpSend = async (req) => {
    this.requests.push(req);
    const route = this.routes.find((r) => r.match(req.url));
    if (!route) return fail(404, '0x80040217', `no route for ${req.url}`);
    const answer = route.answers.length > 1 ? route.answers.shift()! : route.answers[0]!;
    if (answer instanceof Error) throw answer;
    return typeof answer === 'function' ? answer(req) : answer;
  };

  urls(): string[] {
    return this.requests.map((r) => r.url);
  }
}

/** Tokens `t1`, `t2`… ; a refresh after rejection issues the next one. */
export class FakeTokens implements TokenSource {
  issued = 1;
  refreshes = 0;
  async getToken(): Promise<string> {
    return `t${this.issued}`;
  }
  async refreshAfterRejection(token: string): Promise<string> {
    if (token === `t${this.issued}`) {
      this.issued++;
      this.refreshes++;
    }
    return `t${this.issued}`;
  }
}
