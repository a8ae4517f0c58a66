import { describe, expect, it } from 'vitest';
import { deltaTokenOf, isDeltaLink, parseJson, toReadPage } from '../../src/dataverse/pages.js';
import { MalformedResponseError } from '../../src/dataverse/errors.js';

const ORG = 'https://contoso.crm.dynamics.com/api/data/v9.2';
const json = (text: string, type = 'application/json; odata.metadata=minimal') => ({
  status: 200,
  text,
  headers: new Headers({ 'content-type': type }),
});

describe('toReadPage', () => {
  it('keeps rows in wire format: date strings, lookups and their annotations untouched', () => {
    const row = {
      '@odata.etag': 'W/"915244"',
      contactid: '70bf4d48-34cb-ed11-b596-0022481d68cd',
      modifiedon: '2025-03-01T10:00:00Z',
      birthdate: '1980-01-01',
      nickname: '2025-03-01T10:00:00+02:00', // a string column that merely looks like a date
      '_parentcustomerid_value@Microsoft.Dynamics.CRM.lookuplogicalname': 'account',
      _parentcustomerid_value: '78914942-34cb-ed11-b596-0022481d68cd',
    };
    const body = parseJson(
      json(
        JSON.stringify({
          '@odata.context': `${ORG}/$metadata#contacts`,
          value: [row],
          '@odata.nextLink': `${ORG}/contacts?$skiptoken=x`,
        }),
      ),
    );
    const page = toReadPage(body, false);
    expect(page.rows).toEqual([row]);
    expect(page).toMatchObject({
      deletedIds: [],
      nextLink: `${ORG}/contacts?$skiptoken=x`,
      deltaLink: null,
      isDelta: false,
    });
  });

  it('splits $deletedEntity entries from changed rows in a delta page', () => {
    const body = {
      '@odata.context': `${ORG}/$metadata#accounts(name)/$delta`,
      '@odata.deltaLink': `${ORG}/accounts?$select=name&$deltatoken=919058%2108%2f22%2f2017%2008%3a21%3a20`,
      value: [
        { '@odata.etag': 'W/"1"', name: 'Monte Orton', accountid: '60c4e274-0000-0000-0000-000000000001' },
        {
          '@odata.context': `${ORG}/$metadata#accounts/$deletedEntity`,
          id: '2e451703-c686-e711-80e5-00155db19e6d',
          reason: 'deleted',
        },
      ],
    };
    const page = toReadPage(body, false);
    expect(page.rows).toHaveLength(1);
    expect(page.deletedIds).toEqual(['2e451703-c686-e711-80e5-00155db19e6d']);
    expect(page.isDelta).toBe(true);
    expect(page.nextLink).toBeNull();
    expect(page.deltaLink).toContain('$deltatoken=');
  });

  it('marks a page read from a deltaLink as a delta even without the $delta context', () => {
    expect(toReadPage({ value: [] }, true).isDelta).toBe(true);
  });

  it('refuses pages the sync could misread as "no changes"', () => {
    expect(() => toReadPage({ '@odata.context': 'x' }, false)).toThrow(MalformedResponseError);
    expect(() => toReadPage(null, false)).toThrow(MalformedResponseError);
    expect(() => toReadPage({ value: ['x'] }, false)).toThrow(MalformedResponseError);
    expect(() => toReadPage({ value: [{ '@odata.context': '#accounts/$deletedEntity' }] }, false)).toThrow(
      MalformedResponseError,
    );
  });
});

describe('parseJson', () => {
  it('throws MalformedResponseError on truncated JSON or a non-JSON answer', () => {
    expect(() => parseJson(json('{"value":[{"a":1}'))).toThrow(MalformedResponseError);
    expect(() => parseJson(json('<html></html>', 'text/html'))).toThrow(/text\/html/);
  });
});

describe('delta links', () => {
  const link = `${ORG}/accounts?$select=name&$deltatoken=919042%2108%2f22%2f2017%2008%3a10%3a44`;
  it('recognises a deltaLink and extracts its still-encoded token', () => {
    expect(isDeltaLink(link)).toBe(true);
    expect(isDeltaLink(`${ORG}/accounts?$select=name&$skiptoken=abc`)).toBe(false);
    expect(deltaTokenOf(link)).toBe('919042%2108%2f22%2f2017%2008%3a10%3a44');
    expect(deltaTokenOf(`${ORG}/accounts`)).toBeUndefined();
  });
});
