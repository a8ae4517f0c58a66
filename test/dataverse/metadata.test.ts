import { describe, expect, it } from 'vitest';
import {
  AttributeList,
  OptionSetList,
  castsNeeded,
  optionSets,
  parse,
  selectableAttributes,
  toRawAttribute,
} from '../../src/dataverse/metadata.js';
import { MalformedResponseError } from '../../src/dataverse/errors.js';

const label = (text: string) => ({
  LocalizedLabels: [{ Label: text, LanguageCode: 1033 }],
  UserLocalizedLabel: { Label: text, LanguageCode: 1033 },
});
const attr = (over: Record<string, unknown>) => ({
  LogicalName: 'name',
  AttributeType: 'String',
  AttributeTypeName: { Value: 'StringType' },
  IsValidForRead: true,
  IsValidForUpdate: true,
  IsValidForCreate: false,
  IsValidODataAttribute: true,
  IsSecured: false,
  IsCustomAttribute: false,
  AttributeOf: null,
  RequiredLevel: { Value: 'ApplicationRequired', CanBeChanged: true },
  DisplayName: label('Account Name'),
  MetadataId: 'A1965545-0000-0000-0000-000000000001',
  ...over,
});

describe('attribute metadata', () => {
  const list = parse(
    AttributeList,
    {
      value: [
        attr({}),
        attr({
          LogicalName: 'industrycode',
          AttributeType: 'Picklist',
          AttributeTypeName: { Value: 'PicklistType' },
          DisplayName: label('Industry'),
        }),
        attr({ LogicalName: 'industrycodename', AttributeType: 'Virtual', AttributeOf: 'industrycode' }),
        attr({
          LogicalName: 'donotemail',
          AttributeType: 'Boolean',
          DisplayName: { LocalizedLabels: [], UserLocalizedLabel: null },
        }),
        attr({ LogicalName: 'new_secret', IsSecured: true, IsCustomAttribute: true }),
        attr({
          LogicalName: 'entityimage',
          AttributeType: 'Virtual',
          AttributeTypeName: { Value: 'ImageType' },
          IsValidODataAttribute: false,
        }),
      ],
    },
    'columns',
  );

  it('leaves out companion and non-OData columns', () => {
    expect(selectableAttributes(list).map((a) => a.LogicalName)).toEqual([
      'name',
      'industrycode',
      'donotemail',
      'new_secret',
    ]);
  });

  it('asks for each needed cast once', () => {
    expect(castsNeeded(selectableAttributes(list)).sort()).toEqual(['Boolean', 'Picklist', 'String']);
  });

  it('flattens a column with its length, options and labels', () => {
    const [name, industry, donotemail] = selectableAttributes(list);
    const options = optionSets(
      parse(
        OptionSetList,
        {
          value: [
            {
              LogicalName: 'industrycode',
              OptionSet: {
                Options: [
                  { Value: 1, Label: label('Accounting') },
                  { Value: 7, Label: { LocalizedLabels: [{ Label: 'Consulting' }] } },
                ],
              },
            },
            {
              LogicalName: 'donotemail',
              OptionSet: {
                TrueOption: { Value: 1, Label: label('Do Not Allow') },
                FalseOption: { Value: 0, Label: label('Allow') },
              },
            },
          ],
        },
        'options',
      ),
    );
    const lengths = new Map([['name', 160]]);

    expect(toRawAttribute(name!, lengths, options)).toEqual({
      logicalName: 'name',
      attributeType: 'String',
      attributeTypeName: 'StringType',
      displayName: 'Account Name',
      isValidForRead: true,
      isValidForUpdate: true,
      isValidForCreate: false,
      isSecured: false,
      isCustom: false,
      attributeOf: null,
      maxLength: 160,
      minValue: null,
      maxValue: null,
      requiredLevel: 'ApplicationRequired',
      options: null,
      metadataId: 'a1965545-0000-0000-0000-000000000001',
    });
    expect(toRawAttribute(industry!, lengths, options).options).toEqual([
      { value: 1, label: 'Accounting' },
      { value: 7, label: 'Consulting' },
    ]);
    const bool = toRawAttribute(donotemail!, lengths, options);
    expect(bool.options).toEqual([
      { value: 0, label: 'Allow' },
      { value: 1, label: 'Do Not Allow' },
    ]);
    expect(bool.displayName).toBe('donotemail');
  });

  it('treats an unknown attribute type as unsupported', () => {
    const odd = parse(AttributeList, { value: [attr({ AttributeType: 'Hologram' })] }, 'columns').value[0]!;
    expect(toRawAttribute(odd, new Map(), new Map()).attributeType).toBe('Virtual');
  });

  it('rejects metadata of the wrong shape as a malformed answer', () => {
    expect(() => parse(AttributeList, { value: [{ LogicalName: 3 }] }, 'columns')).toThrow(MalformedResponseError);
  });
});
