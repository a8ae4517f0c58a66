import { expect, it } from 'vitest';
import { csvLine } from '../../src/store/db/csv.js';
import { describeEachBackend } from '../helpers/db.js';

const NASTY = [
  '',
  ' ',
  'plain',
  'quote " inside',
  '""',
  '"',
  "it's",
  'comma, here',
  'line1\nline2',
  'crlf\r\nend',
  'tab\there',
  'back\\slash',
  '\\',
  '\\.',
  '\\N',
  'NULL',
  'null',
  '🎉 emoji 👩‍👩‍👧',
  'שלום עולם',
  'مرحبا',
  'zero\u200bwidth',
  'trailing\n',
  ',',
  '\n',
  'x'.repeat(10_000),
];

describeEachBackend('copyRows', ({ db }) => {
  const table = `CREATE TABLE nasty (i int PRIMARY KEY, t text, j jsonb, ts timestamptz, b boolean, n numeric)`;

  it('round-trips nasty text and JSON values, keeping empty string apart from NULL', async () => {
    await db().query(table);
    const json = {
      quote: '"',
      comma: 'a,b',
      nl: 'x\ny',
      bs: '\\',
      emoji: '🎉',
      rtl: 'שלום',
      nested: { arr: [1, null, ''] },
    };
    const rows = NASTY.map((t, i) => [i, t, { t, i }, null, i % 2 === 0, null] as const);
    const extra = [
      [1000, null, null, null, null, null],
      [1001, '', json, new Date('2024-02-29T23:59:59.123Z'), false, 12.5],
      [1002, 'x', [], new Date(0), true, 0],
    ] as const;
    const loaded = await db().copyRows('nasty', ['i', 't', 'j', 'ts', 'b', 'n'], [...rows, ...extra]);
    expect(loaded).toBe(NASTY.length + 3);

    const back = await db().query<{
      i: number;
      t: string | null;
      j: unknown;
      ts: Date | null;
      b: boolean | null;
      n: string | null;
    }>('SELECT * FROM nasty ORDER BY i');
    expect(back.rows.slice(0, NASTY.length).map((r) => r.t)).toEqual(NASTY);
    expect(back.rows.slice(0, NASTY.length).map((r) => r.j)).toEqual(NASTY.map((t, i) => ({ t, i })));
    const [nulls, filled, arr] = back.rows.slice(NASTY.length);
    expect(nulls).toEqual({ i: 1000, t: null, j: null, ts: null, b: null, n: null });
    expect(filled).toEqual({ i: 1001, t: '', j: json, ts: new Date('2024-02-29T23:59:59.123Z'), b: false, n: '12.5' });
    expect(arr).toMatchObject({ j: [], ts: new Date(0), b: true });
    const empties = await db().query<{ empty: number; nulls: number }>(
      `SELECT count(*) FILTER (WHERE t = '')::int AS empty, count(*) FILTER (WHERE t IS NULL)::int AS nulls FROM nasty`,
    );
    expect(empties.rows[0]).toEqual({ empty: 2, nulls: 1 });
  });

  it('loads large inputs in several chunks and returns the count', async () => {
    await db().query(table);
    const many = function* () {
      for (let i = 0; i < 30_000; i++) yield [i, `row ${i}, "quoted"\n${'x'.repeat(600)}`, null, null, null, null];
    };
    expect(await db().copyRows('nasty', ['i', 't', 'j', 'ts', 'b', 'n'], many())).toBe(30_000);
    const r = await db().query<{ n: number; ok: boolean }>(
      `SELECT count(*)::int AS n, bool_and(t = 'row ' || i || ', "quoted"' || chr(10) || repeat('x', 600)) AS ok FROM nasty`,
    );
    expect(r.rows[0]).toEqual({ n: 30_000, ok: true });
  });

  it('loads nothing when one row fails (a single COPY is all or nothing)', async () => {
    await db().query(table);
    const rows = [
      [1, 'a', null, null, null, null],
      [2, 'b', null, null, null, null],
      [1, 'dup', null, null, null, null],
    ];
    await expect(db().copyRows('nasty', ['i', 't', 'j', 'ts', 'b', 'n'], rows)).rejects.toMatchObject({
      code: '23505',
    });
    expect((await db().query('SELECT count(*)::int AS n FROM nasty')).rows[0]).toEqual({ n: 0 });
    expect(await db().copyRows('nasty', ['i', 't', 'j', 'ts', 'b', 'n'], rows.slice(0, 2))).toBe(2);
  });

  it('refuses a row of the wrong width instead of shifting columns', async () => {
    await db().query(table);
    await expect(db().copyRows('nasty', ['i', 't'], [[1, 'a'], [2]])).rejects.toThrow('row 2 has 1 values, expected 2');
    expect((await db().query('SELECT count(*)::int AS n FROM nasty')).rows[0]).toEqual({ n: 0 });
  });

  it('copies into quoted identifiers', async () => {
    await db().query('CREATE TABLE "Odd Table" ("we""ird" text)');
    expect(await db().copyRows('Odd Table', ['we"ird'], [['v']])).toBe(1);
    expect((await db().query('SELECT * FROM "Odd Table"')).rows).toEqual([{ 'we"ird': 'v' }]);
  });
});

it('writes NULL unquoted and every value quoted', () => {
  expect(csvLine([null, undefined, '', 'a"b', 1, true, { k: 'v' }])).toBe(',,"","a""b","1","true","{""k"":""v""}"\n');
});
