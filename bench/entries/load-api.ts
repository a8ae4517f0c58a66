/**
 * The REST API under load: autocannon, in its own process, sends `GET /rest/v1/leads.json` by email,
 * each request for another person (emails rotate), for `--seconds`. Prints throughput and latency.
 */
import { createRequire } from 'node:module';
import { emit, options, run } from './common.js';

interface AutocannonRequest {
  method?: string;
  path?: string;
  setupRequest?: (req: { path: string }) => { path: string };
}
interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

// autocannon is CommonJS without type declarations.
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

run(async () => {
  const o = options(['url', 'token', 'emails', 'seconds', 'connections']);
  const emails = JSON.parse(o.emails!) as string[];
  let i = 0;
  const request: AutocannonRequest = {
    method: 'GET',
    setupRequest: (req) => ({
      ...req,
      path: `/rest/v1/leads.json?filterType=email&filterValues=${encodeURIComponent(emails[i++ % emails.length]!)}`,
    }),
  };
  const r = await autocannon({
    url: o.url,
    connections: Number(o.connections ?? 10),
    duration: Number(o.seconds ?? 10),
    headers: { authorization: `Bearer ${o.token}` },
    requests: [request],
  });
  emit({
    requestsPerSec: Math.round(r.requests.average),
    total: r.requests.total,
    latencyMs: {
      avg: r.latency.average,
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
    seconds: r.duration,
  });
});
