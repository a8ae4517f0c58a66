/**
 * emulator-serve: how fast the emulator serves one client paging an entity set, 5,000-row pages,
 * the same $select and Prefer headers as the sync's initial read. Parse time is measured apart, so
 * the emulator's share (request to last byte) is reported on its own.
 */
import { API, readHeaders, token } from '../lib/webapi.js';
import { emit, ms, options, run } from './common.js';

run(async () => {
  const o = options(['url', 'entity-set', 'select', 'page-size']);
  const url = o.url!;
  const bearer = await token(url, 'sync@contoso.test');
  const headers = readHeaders(bearer, Number(o['page-size'] ?? 5000), true);
  let link: string | null = `${url}${API}${o['entity-set'] ?? 'contacts'}?$select=${o.select}`;
  let rows = 0;
  let bytes = 0;
  let parseMs = 0;
  const pageMs: number[] = [];
  const t0 = performance.now();
  while (link) {
    const p0 = performance.now();
    const res: Response = await fetch(link, { headers });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    const p1 = performance.now();
    pageMs.push(p1 - p0);
    const body = JSON.parse(text) as { value: unknown[]; '@odata.nextLink'?: string };
    parseMs += performance.now() - p1;
    rows += body.value.length;
    bytes += text.length;
    link = body['@odata.nextLink'] ?? null;
  }
  const totalMs = ms(t0);
  const serveMs = pageMs.reduce((a, b) => a + b, 0);
  pageMs.sort((a, b) => a - b);
  emit({
    rows,
    pages: pageMs.length,
    bytes,
    totalMs,
    serveMs: Math.round(serveMs),
    parseMs: Math.round(parseMs),
    rowsPerSecServed: Math.round(rows / (serveMs / 1000)),
    rowsPerSecWithParse: Math.round(rows / (totalMs / 1000)),
    pageMsP50: Math.round(pageMs[Math.floor(pageMs.length / 2)] ?? 0),
    pageMsMax: Math.round(pageMs.at(-1) ?? 0),
  });
});
