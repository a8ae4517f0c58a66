/** errorKind: the category and next step per code and direction; dynamicsRecordUrl: only for a real organization. */
import { describe, expect, it } from 'vitest';
import { dynamicsRecordUrl, errorKind } from '../../src/sync/error-kinds.js';

describe('errorKind', () => {
  it('puts each code in its category, with a next step and whether Retry can help', () => {
    expect(errorKind('privilege_denied', 'to_dynamics')).toMatchObject({ category: 'permission', retryHelps: true });
    expect(errorKind('privilege_denied', 'from_dynamics')).toMatchObject({ category: 'permission', retryHelps: false });
    expect(errorKind('column_unreadable', 'from_dynamics').category).toBe('permission');
    expect(errorKind('unknown_option', 'from_dynamics').nextStep).toMatch(/^Open Field sync/);
    expect(errorKind('column_deleted', 'from_dynamics').category).toBe('schema');
    expect(errorKind('value_too_long', 'from_dynamics')).toMatchObject({ category: 'data', retryHelps: false });
    expect(errorKind('0x80044331', 'to_dynamics')).toMatchObject({ category: 'validation', retryHelps: true });
    expect(errorKind('record_deleted', 'to_dynamics').nextStep).toMatch(/Resolve/);
    expect(errorKind('throttled', 'from_dynamics')).toMatchObject({ category: 'transient', retryHelps: false });
    expect(errorKind('sign_in_failed', 'from_dynamics').nextStep).toMatch(/Connection page/);
  });
});

describe('dynamicsRecordUrl', () => {
  const id = '0ca102aa-eb7e-4ce0-9753-f525c25662fc';
  it('links a record of a real organization to its form in Dynamics', () => {
    expect(dynamicsRecordUrl('https://contoso.crm4.dynamics.com', 'contact', id)).toBe(
      `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=contact&id=${id}`,
    );
  });
  it('gives no link to the loopback emulator, without an org or without a record id', () => {
    expect(dynamicsRecordUrl('http://127.0.0.1:5555', 'contact', id)).toBeNull();
    expect(dynamicsRecordUrl('https://localhost:5555', 'contact', id)).toBeNull();
    expect(dynamicsRecordUrl(null, 'contact', id)).toBeNull();
    expect(dynamicsRecordUrl('https://contoso.crm.dynamics.com', 'account', null)).toBeNull();
    expect(dynamicsRecordUrl('https://contoso.crm.dynamics.com', 'account', 'not-a-guid')).toBeNull();
  });
});
