/**
 * Shapes that cross the wire between a Dataverse Web API client and server.
 * Both the sync client (src/dataverse) and the emulator (src/emulator) import these, and nothing else
 * of each other, so a misunderstanding of the protocol cannot hide on both sides at once.
 */
export const API_VERSION = 'v9.2';
export const API_PATH = `/api/data/${API_VERSION}`;

/** A row as Dataverse serializes it: columns, `_x_value` lookups, `@odata.etag`, annotations. */
export type WireRow = Record<string, unknown>;

export interface ODataPage<T = WireRow> {
  '@odata.context': string;
  value: T[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
  '@odata.count'?: number;
}

/** A delete in a delta response: its `@odata.context` ends with `$deletedEntity`. */
export interface DeletedEntityEntry {
  '@odata.context': string;
  id: string;
  reason: 'deleted';
}

export const isDeletedEntity = (row: WireRow): boolean =>
  typeof row['@odata.context'] === 'string' && (row['@odata.context'] as string).endsWith('$deletedEntity');

export interface DataverseErrorBody {
  error: { code: string; message: string; [annotation: string]: unknown };
}

export const Annotation = Object.freeze({
  FormattedValue: 'OData.Community.Display.V1.FormattedValue',
  LookupLogicalName: 'Microsoft.Dynamics.CRM.lookuplogicalname',
  AssociatedNavigationProperty: 'Microsoft.Dynamics.CRM.associatednavigationproperty',
});

/** Dataverse error codes (hex strings as the Web API returns them). */
export const DvCode = Object.freeze({
  RequestLimit: '0x80072322',
  ExecutionTimeLimit: '0x80072321',
  ConcurrencyLimit: '0x80072326',
  ExpiredVersionStamp: '0x80044352',
  RecordNotFound: '0x80040217',
  Validation: '0x80044331',
  QueryValidation: '0x80060888',
  PrivilegeDenied: '0x80040220',
  NotOrgMember: '0x80072560',
  InvalidArgument: '0x80040203',
  AttributeNotFound: '0x80041103',
  ChangeTrackingDisabled: '0x80044353',
  Unauthenticated: '0x80048306',
  GenericSql: '0x80044150',
  /** 412 on a create whose primary key exists (DuplicateRecord). */
  DuplicateRecord: '0x80040237',
  /** 412 when If-Match names an older row version (ConcurrencyVersionMismatch). */
  ConcurrencyVersionMismatch: '0x80060882',
  /** 403 writing a secured column without CanCreate / CanUpdate (field security). */
  AttributePrivilegeCreateIsMissing: '0x8004F502',
  AttributePermissionUpdateIsMissingDuringUpdate: '0x8004F507',
});

export const EXPIRED_VERSION_STAMP_MESSAGE =
  'Version stamp associated with the client has expired. Please perform a full sync.';
