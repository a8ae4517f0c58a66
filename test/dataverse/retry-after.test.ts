import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/dataverse/retry-after.js';

describe('parseRetryAfter', () => {
  it('reads delta-seconds, including fractions', () => {
    expect(parseRetryAfter('38')).toBe(38_000);
    expect(parseRetryAfter(' 0 ')).toBe(0);
    expect(parseRetryAfter('1.5')).toBe(1500);
  });

  it('reads a .NET TimeSpan, with or without days and fractions', () => {
    expect(parseRetryAfter('00:00:38')).toBe(38_000);
    expect(parseRetryAfter('00:01:05.5')).toBe(65_500);
    expect(parseRetryAfter('1.00:00:00')).toBe(86_400_000);
  });

  it('reads an HTTP-date relative to now, never negative', () => {
    const now = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:59:00 GMT', now)).toBe(0);
  });

  it('gives undefined for absent or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
    expect(parseRetryAfter('')).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter('-5')).toBeUndefined();
    expect(parseRetryAfter('2026-11-25T10:00:30Z')).toBeUndefined();
  });
});
