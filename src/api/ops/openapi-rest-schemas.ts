/** The component schemas of the Marketo-style REST API's answers (envelope, errors, records). */
import { ref } from './openapi-rest.js';

type Obj = Record<string, unknown>;

const attr = { type: 'object', properties: { name: { type: 'string' }, value: {} } };

export const REST_SCHEMAS: Obj = {
  Envelope: {
    type: 'object',
    required: ['requestId', 'success'],
    properties: {
      requestId: { type: 'string', example: 'e42b#18c9f1a2b3c' },
      success: { type: 'boolean' },
      errors: { type: 'array', items: ref('RestError') },
      moreResult: { type: 'boolean' },
      nextPageToken: { type: 'string' },
    },
  },
  RestError: { type: 'object', properties: { code: { type: 'string', example: '1003' }, message: { type: 'string' } } },
  Token: {
    type: 'object',
    properties: {
      access_token: { type: 'string' },
      token_type: { type: 'string', enum: ['bearer'] },
      expires_in: { type: 'integer' },
      scope: { type: 'string' },
    },
  },
  OAuthError: { type: 'object', properties: { error: { type: 'string' }, error_description: { type: 'string' } } },
  Lead: { type: 'object', required: ['id'], properties: { id: { type: 'integer' } }, additionalProperties: true },
  Company: {
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      id: { type: 'integer' },
      externalCompanyId: { type: 'string', format: 'uuid' },
    },
    additionalProperties: true,
  },
  RecordResult: {
    type: 'object',
    properties: {
      seq: { type: 'integer' },
      id: { type: 'integer' },
      status: { type: 'string', enum: ['updated', 'queued', 'skipped'] },
      reasons: { type: 'array', items: ref('RestError') },
    },
  },
  FieldDescription: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      displayName: { type: 'string' },
      dataType: { type: 'string' },
      length: { type: 'integer' },
      rest: { type: 'object', properties: { name: { type: 'string' }, readOnly: { type: 'boolean' } } },
      soap: { type: 'object', properties: { name: { type: 'string' }, readOnly: { type: 'boolean' } } },
    },
  },
  ActivityType: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      name: { type: 'string' },
      description: { type: 'string' },
      primaryAttribute: { type: 'object' },
      attributes: { type: 'array', items: { type: 'object' } },
    },
  },
  Activity: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      marketoGUID: { type: 'string' },
      leadId: { type: 'integer' },
      activityDate: { type: 'string', format: 'date-time' },
      activityTypeId: { type: 'integer' },
      primaryAttributeValueId: { type: 'integer' },
      primaryAttributeValue: { type: 'string', nullable: true },
      attributes: { type: 'array', items: attr },
    },
  },
  LeadChange: {
    type: 'object',
    properties: {
      id: { type: 'integer' },
      marketoGUID: { type: 'string' },
      leadId: { type: 'integer' },
      activityDate: { type: 'string', format: 'date-time' },
      activityTypeId: { type: 'integer' },
      fields: {
        type: 'array',
        items: {
          type: 'object',
          properties: { id: { type: 'integer', nullable: true }, name: { type: 'string' }, newValue: {}, oldValue: {} },
        },
      },
      attributes: { type: 'array', items: attr },
    },
  },
};
