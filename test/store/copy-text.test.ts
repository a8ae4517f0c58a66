import { expect, it } from 'vitest';
import { copyTextChunks, textField } from '../../src/store/db/copy-text.js';
import { describeEachBackend } from '../helpers/db.js';

it('escapes only backslash, newline, carriage return and tab; NULL is \\N', () => {
  expect(
    [null, undefined, '', 'plain', 'a"b', 'tab\there', 'nl\nx', 'cr\rx', 'back\\slash', '\\N', '\\.'].map(textField),
  ).toEqual(['\\N', '\\N', '', 'plain', 'a"b', 'tab\\there', 'nl\\nx', 'cr\\rx', 'back\\\\slash', '\\\\N', '\\\\.']);
  expect(textField({ q: 'say "hi"\n' })).toBe('{"q":"say \\\\"hi\\\\"\\\\n"}');
  expect(textField(10n)).toBe('10');
  expect(textField({ big: 10n })).toBe('{"big":"10"}');
});

it('joins values with tabs, rows with newlines, and splits chunks by size', () => {
  const chunks = [
    ...copyTextChunks(
      [
        [1, 'a'],
        [2, null],
        [3, 'c'],
      ],
      2,
      4,
    ),
  ];
  expect(chunks).toEqual([
    { text: '1\ta\n', rows: 1 },
    { text: '2\t\\N\n', rows: 1 },
    { text: '3\tc\n', rows: 1 },
  ]);
});

describeEachBackend('copyRows (text format)', ({ db }) => {
  it('round-trips backslashes, JSON escapes, bytea and the end-of-data marker', async () => {
    await db().query('CREATE TABLE t (i int, s text, j jsonb, b bytea)');
    const odd = ['\\.', '\\N', 'a\\\\b', 'x\ty\nz\r', '"quoted"', 'é 🎉'];
    const rows = odd.map((s, i) => [i, s, { s, nested: [s] }, new Uint8Array([0, 92, 255, i])]);
    expect(await db().copyRows('t', ['i', 's', 'j', 'b'], rows)).toBe(odd.length);
    const back = await db().query<{ s: string; j: unknown; b: Uint8Array }>('SELECT s, j, b FROM t ORDER BY i');
    expect(back.rows.map((r) => r.s)).toEqual(odd);
    expect(back.rows.map((r) => r.j)).toEqual(odd.map((s) => ({ s, nested: [s] })));
    expect(back.rows.map((r) => [...r.b])).toEqual(odd.map((_, i) => [0, 92, 255, i]));
  });
});
