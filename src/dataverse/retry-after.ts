/**
 * `Retry-After` as Dataverse and proxies send it: delta-seconds (`38`, sometimes fractional), an
 * HTTP-date, or a .NET TimeSpan (`00:00:38`) as some gateways emit. Returns milliseconds, or
 * undefined when the header is absent or unreadable (the caller then backs off exponentially).
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;

  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);

  const span = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(v);
  if (span) {
    const [, days = '0', h = '0', m = '0', s = '0', frac = '0'] = span;
    const seconds = Number(days) * 86_400 + Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(`0.${frac}`);
    return Math.round(seconds * 1000);
  }

  // Only a real HTTP-date: Date.parse alone would accept odd strings such as "1".
  if (/^[A-Za-z]{3}, \d{2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/.test(v)) {
    const at = Date.parse(v);
    if (!Number.isNaN(at)) return Math.max(0, at - now);
  }
  return undefined;
}
