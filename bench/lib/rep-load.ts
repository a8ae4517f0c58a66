/**
 * The push scenario's load: a sales rep edits one contact and one account once a second, and each
 * edit is timed until dynasync's REST API returns the new value (change-to-visible). One poller per
 * record (every 50 ms), so the measurement does not load the server it measures: when a value
 * shows, it settles that edit and any older edit of the same record still waiting (their change
 * was visible by then at the latest, so their figure is an upper bound).
 *
 * A poll the REST API answers with an error (606: the API client's rate limit, 100 calls per 20 s
 * by default, which two pollers at 50 ms overrun within seconds) shows nothing: it is counted in
 * `refusedPolls`, and a run with any is not a measurement of dynasync but of the limiter (the
 * scenario raises the limit of the `run` it measures, and reports the count).
 */
import { API } from './webapi.js';

export interface Visible {
  readonly latencyMs: number[];
  /** Edits not visible within the timeout. */
  readonly missed: number;
  readonly edits: number;
  /** Polls of the REST API, and those it answered with an error (they could see nothing). */
  readonly polls: number;
  readonly refusedPolls: number;
}

export interface LoadTarget {
  readonly emulatorUrl: string;
  readonly repToken: string;
  readonly restUrl: string;
  readonly restToken: string;
  readonly contact: { id: string; email: string };
  readonly accountId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Record_ {
  readonly set: string;
  readonly id: string;
  readonly column: string;
  readonly rest: string;
  readonly field: string;
}

async function patch(t: LoadTarget, r: Record_, value: string): Promise<void> {
  const res = await fetch(`${t.emulatorUrl}${API}${r.set}(${r.id})`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${t.repToken}`, 'content-type': 'application/json', 'if-match': '*' },
    body: JSON.stringify({ [r.column]: value }),
  });
  if (res.status !== 204) throw new Error(`PATCH ${r.set}: HTTP ${res.status} ${await res.text()}`);
}

/** The record's values as the REST API returns them; null when it refused the call. */
async function restValues(t: LoadTarget, r: Record_): Promise<unknown[] | null> {
  const res = await fetch(`${t.restUrl}/rest/v1/${r.rest}&fields=${r.field}`, {
    headers: { authorization: `Bearer ${t.restToken}` },
  });
  const body = (await res.json()) as { success?: boolean; result?: Record<string, unknown>[] };
  if (!res.ok || body.success !== true) return null;
  return (body.result ?? []).map((row) => row[r.field]);
}

export async function repLoad(t: LoadTarget, seconds: number, timeoutMs: number): Promise<Visible> {
  const records: Record_[] = [
    {
      set: 'contacts',
      id: t.contact.id,
      column: 'jobtitle',
      rest: `leads.json?filterType=email&filterValues=${encodeURIComponent(t.contact.email)}`,
      field: 'title',
    },
    {
      set: 'accounts',
      id: t.accountId,
      column: 'name',
      rest: `companies.json?filterType=externalCompanyId&filterValues=${t.accountId}`,
      field: 'company',
    },
  ];
  const latencyMs: number[] = [];
  let missed = 0;
  let polls = 0;
  let refusedPolls = 0;
  let sending = true;
  const waiting = records.map(() => [] as { tag: string; sent: number }[]);
  const pollers = records.map(async (r, k) => {
    while (sending || waiting[k]!.length > 0) {
      const values = await restValues(t, r);
      const now = performance.now();
      polls++;
      if (values === null) refusedPolls++;
      const q = waiting[k]!;
      const hit = values === null ? -1 : q.findLastIndex((w) => values.includes(w.tag));
      if (hit >= 0) for (const w of q.splice(0, hit + 1)) latencyMs.push(Math.round(now - w.sent));
      while (q.length > 0 && now - q[0]!.sent > timeoutMs) {
        q.shift();
        missed++;
      }
      await sleep(50);
    }
  });
  const start = performance.now();
  for (let i = 0; i < seconds; i++) {
    const tag = `Push ${Date.now().toString(36)} ${i}`;
    await Promise.all(
      records.map(async (r, k) => {
        const sent = performance.now();
        await patch(t, r, tag);
        waiting[k]!.push({ tag, sent });
      }),
    );
    await sleep(Math.max(0, start + (i + 1) * 1000 - performance.now()));
  }
  sending = false;
  await Promise.all(pollers);
  return { latencyMs, missed, edits: seconds * records.length, polls, refusedPolls };
}
