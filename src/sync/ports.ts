/**
 * What the engine needs from Dynamics, as an interface: the Dataverse client implements it, and
 * the engine never sees HTTP. Pages stream one at a time.
 */
import type { AttributeType, OptionValue } from '../domain/index.js';

export interface ReadPage {
  /** Created or updated rows, in wire format (`_x_value` lookups, ISO date strings). */
  readonly rows: readonly Record<string, unknown>[];
  /** Primary keys of rows deleted in Dynamics (delta reads only). */
  readonly deletedIds: readonly string[];
  readonly nextLink: string | null;
  /** Present on the last page of a change-tracked read. */
  readonly deltaLink: string | null;
}

export interface ReadRequest {
  readonly entity: string;
  readonly entitySet: string;
  readonly select: readonly string[];
  /** null: a new change-tracked full read; otherwise a nextLink or deltaLink to continue from. */
  readonly link: string | null;
  readonly signal?: AbortSignal;
  /** Fetch the next page while this one is stored (two pages in memory; the stream may map a third on PostgreSQL). */
  readonly prefetch?: boolean;
}

/** A plain read (no change tracking) of a few columns, e.g. a quick sync's; pages prefetched. */
export interface PlainReadRequest {
  readonly entity: string;
  readonly entitySet: string;
  readonly select: readonly string[];
  readonly filter?: string;
  /** Ascending order on this column (the primary key of a key-range read). */
  readonly orderBy?: string;
  readonly link: string | null;
  readonly signal?: AbortSignal;
}

export interface SourceAttribute {
  readonly logicalName: string;
  readonly attributeType: AttributeType | string;
  readonly displayName: string;
  readonly isValidForRead: boolean;
  readonly isValidForUpdate: boolean;
  readonly isValidForCreate: boolean;
  readonly isSecured: boolean;
  readonly isCustom: boolean;
  readonly attributeOf: string | null;
  readonly maxLength: number | null;
  readonly minValue?: number | null;
  readonly maxValue?: number | null;
  readonly requiredLevel: string;
  readonly options: readonly OptionValue[] | null;
  readonly metadataId: string;
}

export interface ColumnRights {
  readonly read: boolean;
  readonly update: boolean;
  readonly create: boolean;
}

export interface SourceReader {
  readPages(req: ReadRequest): AsyncGenerator<ReadPage>;
  countChanges(entitySet: string, deltaLink: string): Promise<number>;
  /** A plain read with nextLink paging (quick sync). */
  readRows?(req: PlainReadRequest): AsyncGenerator<ReadPage>;
  /** Estimated rows of a table (for progress only; null when unknown). */
  totalRecordCount?(logicalName: string): Promise<number | null>;
  attributes(logicalName: string): Promise<readonly SourceAttribute[]>;
  readableSecuredColumnIds(userId: string): Promise<ReadonlySet<string>>;
  /** Read, update and create rights on secured columns, by MetadataId (lower case); one request. */
  columnPrivileges(userId: string): Promise<ReadonlyMap<string, ColumnRights>>;
  /** Privilege names such as `prvWriteLead`, from all of the user's roles. */
  privileges(userId: string): Promise<ReadonlySet<string>>;
  /** Secured columns of a table now: logical name → MetadataId (lower case). One cheap request. */
  securedColumns?(logicalName: string): Promise<ReadonlyMap<string, string>>;
  /** Custom tables (IsCustomEntity) and where their lookups point: custom-tables.ts. */
  customTables?(): Promise<readonly CustomTableInfo[]>;
  lookupRelationships?(logicalName: string): Promise<readonly { column: string; target: string }[]>;
}

export interface CustomTableInfo {
  readonly logicalName: string;
  readonly schemaName: string;
  readonly entitySetName: string;
  readonly primaryIdAttribute: string;
  readonly primaryNameAttribute: string | null;
  readonly changeTrackingEnabled: boolean;
  readonly displayName: string;
}
