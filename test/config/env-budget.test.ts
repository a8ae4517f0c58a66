/** DYNASYNC_DATAVERSE_SHARE and DYNASYNC_DATAVERSE_LIMITS: parsed once, clear messages when wrong. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/env.js';

const messageOf = (env: Record<string, string>): string => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('no ConfigError');
};

describe('Dataverse budget settings', () => {
  it("defaults to the whole budget at Dataverse's own limits", () => {
    expect(loadConfig({}).dataverseBudget).toEqual({ share: 1, limits: {} });
  });

  it('takes a share and any of the limits', () => {
    const c = loadConfig({
      DYNASYNC_DATAVERSE_SHARE: '0.25',
      DYNASYNC_DATAVERSE_LIMITS: 'requests=600, executionSeconds=120,concurrent=8,windowSeconds=30',
    });
    expect(c.dataverseBudget).toEqual({
      share: 0.25,
      limits: { requests: 600, executionMs: 120_000, concurrent: 8, windowMs: 30_000 },
    });
  });

  it('refuses a share outside (0, 1] and a malformed limit, quoting what was typed', () => {
    expect(messageOf({ DYNASYNC_DATAVERSE_SHARE: '0' })).toContain(
      'DYNASYNC_DATAVERSE_SHARE: must be a number above 0 and at most 1, got "0"',
    );
    expect(messageOf({ DYNASYNC_DATAVERSE_SHARE: '1.5' })).toContain('got "1.5"');
    expect(messageOf({ DYNASYNC_DATAVERSE_LIMITS: 'requests=lots' })).toContain(
      'DYNASYNC_DATAVERSE_LIMITS: must be name=whole number pairs (requests, executionSeconds, concurrent, windowSeconds), got "requests=lots"',
    );
    expect(messageOf({ DYNASYNC_DATAVERSE_LIMITS: 'burst=5' })).toContain('got "burst=5"');
  });
});
