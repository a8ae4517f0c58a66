/**
 * The seams between the emulator's parts. Each service is implemented in its own folder:
 *   schema/ data/ odata/   the data plane (tables, rows, change log, queries, writes, $batch)
 *   identity/ security/ metadata/ protection/ faults/   the control plane
 * and assembled by createEmulatorContext (context-factory.ts).
 */
import type { ColumnDef, TableDef } from './schema/types.js';
import type { EmuRequest, EmuResponse } from './http/types.js';

export interface Clock {
  /** Milliseconds since the epoch, emulator time (real time plus any advance). */
  now(): number;
  advance(ms: number): void;
}

/** Who is calling: resolved from the bearer token by identity/. */
export interface Principal {
  readonly userId: string;
  /** UPN for users, the app id for application users. */
  readonly name: string;
  readonly kind: 'user' | 'application';
  readonly appId: string;
}

export interface SchemaRegistry {
  tables(): readonly TableDef[];
  table(logicalName: string): TableDef | undefined;
  tableBySet(entitySetName: string): TableDef | undefined;
  addColumn(table: string, column: ColumnDef): void;
  removeColumn(table: string, logicalName: string): void;
  /** A custom table, created at run time (admin API) or by a seed. */
  addTable(table: TableDef): void;
  /** Data stores subscribe so a new column (or table) gets storage and a removed one is dropped. */
  onChange(
    listener: (event: { table: string; added?: ColumnDef; removed?: string; addedTable?: TableDef }) => void,
  ): void;
}

export interface DataService {
  /** Rows currently alive in a table. */
  count(table: string): number;
  /** Make every delta token issued so far (for one table or all) fail as expired. */
  expireDeltaTokens(table?: string): void;
  /** Create/update/delete as a given user; the same path the Web API writes use. */
  create(principal: Principal, table: string, body: Record<string, unknown>): string;
  update(principal: Principal, table: string, id: string, body: Record<string, unknown>): void;
  remove(principal: Principal, table: string, id: string): void;
  /**
   * Store a value bypassing validation (wrong type, too long, unknown option) and bump the row's
   * version, so tests can send the sync a bad record the way a buggy plugin or import would.
   */
  corrupt(table: string, id: string, column: string, value: unknown): void;
  /** Ids of live rows, in primary-key order (for admin tools and the demo's simulated reps). */
  ids(table: string, limit?: number): string[];
}

export interface SecurityService {
  /** Throws a 403 DataverseHttpError when the principal has no read privilege on the table. */
  assertCanRead(p: Principal, table: string): void;
  assertCanWrite(p: Principal, table: string, op: 'create' | 'write' | 'delete'): void;
  /** Throws a 403 when a write sets a secured column the principal may not create / update. */
  assertCanWriteColumns(p: Principal, table: string, columns: readonly string[], op: 'create' | 'write'): void;
  /** Secured columns this principal may not read: they serialize as null. */
  unreadableColumns(p: Principal, table: string): ReadonlySet<string>;
}

export interface IdentityService {
  /** Resolves an `Authorization` header to a principal, or throws a 401 DataverseHttpError. */
  authenticate(authorization: string | undefined): Principal;
  userIdByName(name: string): string | undefined;
  /** Every user of the organization (they are also rows of the systemuser table). */
  users(): readonly EmulatorUser[];
}

export interface EmulatorUser {
  readonly id: string;
  readonly name: string;
  readonly fullName: string;
  readonly disabled: boolean;
}

/** Handlers for resource paths owned by the control plane, dispatched by http/router.ts. */
export interface ControlHandlers {
  metadata(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
  entityDefinitions(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
  whoAmI(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
  /** `RetrieveTotalRecordCount(EntityNames=[...])`: row counts beyond $count's 5,000 cap. */
  totalRecordCount(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
  boundFunction(req: EmuRequest): EmuResponse | Promise<EmuResponse>;
}

export interface OrgSettings {
  readonly organizationId: string;
  readonly businessUnitId: string;
  readonly name: string;
  readonly tenant: string;
  readonly tenantId: string;
  /** organization.expirechangetrackingindays (default 7). */
  changeTrackingExpiryDays: number;
}

export interface EmulatorContext {
  readonly clock: Clock;
  readonly org: OrgSettings;
  readonly schema: SchemaRegistry;
  readonly data: DataService;
  readonly identity: IdentityService;
  readonly security: SecurityService;
  readonly control: ControlHandlers;
}
