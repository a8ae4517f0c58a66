import { expect, it } from 'vitest';
import { Utf8Builder } from '../../src/emulator/odata/utf8-builder.js';

it('appends strings as UTF-8 across buffer growth, multi-byte characters included', () => {
  const b = new Utf8Builder(4);
  const pieces = ['{"a":', '"é🎉"', ',"b":"', 'x'.repeat(10_000), '"}'];
  for (const p of pieces) b.append(p);
  const expected = Buffer.from(pieces.join(''), 'utf8');
  expect(b.length).toBe(expected.length);
  expect(b.finish().equals(expected)).toBe(true);
  expect(JSON.parse(b.finish().toString('utf8'))).toEqual({ a: 'é🎉', b: 'x'.repeat(10_000) });
});
