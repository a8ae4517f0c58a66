/**
 * The emulator's admin operations, in process. Tests and the demo call these directly
 * (`createAdmin(handle.ctx)`); the /_emulator HTTP API is a thin JSON layer over the same class.
 * Every method validates its input and throws AdminInputError (HTTP 400) on a bad one.
 */
import type { EmulatorContext, EmulatorUser, Principal } from '../context.js';
import { controlIdentity, type ControlIdentityService } from '../identity/service.js';
import {
  DEFAULT_APP_ID,
  resolveCostModel,
  type CostModel,
  type EmulatorUserOptions,
  type ServiceProtectionLimits,
} from '../options.js';
import type { RequestCountSnapshot } from '../protection/counts.js';
import { controlState, type ControlState } from '../protection/state.js';
import type { ColumnDef, TableDef } from '../schema/types.js';
import { TABLE_OPS, type TableOp } from '../security/privileges.js';
import { FIELD_RIGHTS, type FieldRight } from '../security/field-profiles.js';
import { controlSecurity, type ControlSecurityService } from '../security/service.js';
import { customColumn, type CustomColumnSpec } from './columns.js';
import type { FaultSpec } from './queue.js';
import { customTable, type CustomTableSpec } from './tables.js';
import * as S from './schemas.js';

const { AdminInputError } = S;
const DAY_MS = 86_400_000;

export class EmulatorAdmin {
  readonly #state: ControlState;
  readonly #identity: ControlIdentityService;
  readonly #security: ControlSecurityService;

  constructor(private readonly ctx: EmulatorContext) {
    this.#state = controlState(ctx);
    this.#identity = controlIdentity(ctx.identity);
    this.#security = controlSecurity(ctx.security);
  }

  // Faults -------------------------------------------------------------------------------------
  /** The next `count` Web API responses (optionally only for one entity set) fail this way. */
  injectFault(spec: FaultSpec): void {
    this.#state.faults.add(S.parse(S.faultSpec, spec));
  }
  pendingFaults(): FaultSpec[] {
    return this.#state.faults.pending();
  }
  clearFaults(): void {
    this.#state.faults.clear();
  }

  // Time and tokens ----------------------------------------------------------------------------
  expireAccessTokens(): void {
    this.#identity.revokeAccessTokens();
  }
  expireDeltaTokens(table?: string): void {
    this.ctx.data.expireDeltaTokens(table === undefined ? undefined : this.#table(table).logicalName);
  }
  /** Moves emulator time forward; returns the new emulator time (ms since the epoch). */
  advanceClock(by: { ms?: number; seconds?: number; days?: number }): number {
    const a = S.parse(S.clockAdvance, by);
    this.ctx.clock.advance(a.ms ?? (a.seconds !== undefined ? a.seconds * 1000 : a.days! * DAY_MS));
    return this.ctx.clock.now();
  }
  now(): number {
    return this.ctx.clock.now();
  }
  setChangeTrackingExpiryDays(days: number): void {
    this.ctx.org.changeTrackingExpiryDays = S.parse(S.days, { days }).days;
  }

  // Request counts and service protection ------------------------------------------------------
  requestCounts(): RequestCountSnapshot {
    return this.#state.counts.snapshot();
  }
  /** The same counts per signed-in user: proves who wrote what (e.g. the sync user never wrote accounts). */
  requestCountsByUser(): Record<string, RequestCountSnapshot> {
    return this.#state.counts.snapshotByUser();
  }
  /** Requests seen for one resource (entity set, `$metadata`, ...), optionally of one method. */
  requestCount(resource: string, method?: string): number {
    return this.#state.counts.count(resource, method);
  }
  /** Execution time (ms) each user id used since the last reset: what service protection charges. */
  executionMsByUser(): Record<string, number> {
    return this.#state.protection.executionTotals();
  }
  resetRequestCounts(): void {
    this.#state.counts.reset();
    this.#state.protection.resetTotals();
  }
  limits(): ServiceProtectionLimits {
    return { ...this.#state.protection.limits };
  }
  /** Changes service protection limits and starts every user's window afresh. */
  setLimits(limits: Partial<ServiceProtectionLimits>): ServiceProtectionLimits {
    this.#state.protection.limits = { ...this.#state.protection.limits, ...S.parse(S.limitsSpec, limits) };
    this.#state.protection.reset();
    return this.limits();
  }

  /** The server-time model in force (null: off). */
  costModel(): CostModel | null {
    return this.#state.cost === null ? null : { ...this.#state.cost };
  }
  /** Turns the cost model on (`true`: defaults, or some of its numbers) or off (`false`). */
  setCostModel(model: boolean | Partial<CostModel>): CostModel | null {
    this.#state.cost = resolveCostModel(S.parse(S.costModelSpec, model));
    return this.costModel();
  }

  // Schema drift -------------------------------------------------------------------------------
  addColumn(table: string, spec: CustomColumnSpec): ColumnDef {
    const t = this.#table(table);
    const parsed = S.parse(S.columnSpec, spec);
    if (t.columns.has(parsed.logicalName))
      throw new AdminInputError(`${t.logicalName}.${parsed.logicalName} already exists`);
    for (const target of parsed.targets ?? []) this.#table(target);
    const column = customColumn(t.logicalName, parsed);
    this.ctx.schema.addColumn(t.logicalName, column);
    return column;
  }
  /** A custom table with its columns (lookups to existing tables or to itself), empty, change-tracked. */
  addTable(spec: CustomTableSpec): TableDef {
    const parsed = S.parse(S.tableSpec, spec);
    if (this.ctx.schema.table(parsed.logicalName))
      throw new AdminInputError(`table ${parsed.logicalName} already exists`);
    const set = parsed.entitySetName ?? `${parsed.logicalName}s`;
    if (this.ctx.schema.tableBySet(set)) throw new AdminInputError(`entity set ${set} already exists`);
    const columns = (parsed.columns ?? []).map((c) => S.parse(S.columnSpec, c));
    const names = new Set<string>();
    for (const c of columns) {
      if (names.has(c.logicalName)) throw new AdminInputError(`column ${c.logicalName} is listed twice`);
      names.add(c.logicalName);
      for (const target of c.targets ?? []) if (target !== parsed.logicalName) this.#table(target);
    }
    const def = customTable({ ...parsed, columns });
    this.ctx.schema.addTable(def);
    return def;
  }
  removeColumn(table: string, column: string): void {
    const t = this.#table(table);
    const c = this.#column(t, column);
    if (!c.isCustom) throw new AdminInputError(`${t.logicalName}.${column} is a system column and cannot be removed`);
    this.ctx.schema.removeColumn(t.logicalName, column);
  }
  setChangeTracking(table: string, enabled: boolean): void {
    this.#table(table).changeTrackingEnabled = S.parse(S.flag('enabled'), { enabled }).enabled;
  }
  setColumnSecured(table: string, column: string, secured: boolean): void {
    const t = this.#table(table);
    this.#column(t, column).isSecured = S.parse(S.flag('secured'), { secured }).secured;
  }

  // Users and privileges -----------------------------------------------------------------------
  addUser(options: EmulatorUserOptions): EmulatorUser {
    const o = S.parse(S.userSpec, options);
    if (this.#identity.userIdByName(o.name)) throw new AdminInputError(`user ${o.name} already exists`);
    for (const t of [...(o.denyRead ?? []), ...(o.denyWrite ?? [])]) this.#table(t);
    const user = this.#identity.addUser(o);
    this.#security.registerUser(user.id, o);
    // Every user who can sign in is a systemuser row, as seeded users are (WhoAmI's UserId must resolve).
    const [first, ...rest] = user.fullName.split(' ');
    this.ctx.data.create(this.#organization(), 'systemuser', {
      systemuserid: user.id,
      firstname: first ?? null,
      lastname: rest.join(' ') || user.fullName,
      domainname: user.name,
      internalemailaddress: user.name,
      azureactivedirectoryobjectid: user.id,
      isdisabled: user.disabled,
      accessmode: 0,
      'businessunitid@odata.bind': `/businessunits(${this.ctx.org.businessUnitId})`,
    });
    return user;
  }
  setUserDisabled(user: string, disabled: boolean): void {
    const u = this.#user(user);
    const flag = S.parse(S.flag('disabled'), { disabled }).disabled;
    this.#identity.setUserDisabled(u.name, flag);
    // The user's row says so too, as Dataverse's does (the sync sees the change).
    if (this.ctx.data.ids('systemuser').includes(u.id))
      this.ctx.data.update(this.#organization(), 'systemuser', u.id, { isdisabled: flag });
  }
  setTableRead(user: string, table: string, allowed: boolean): void {
    this.setTablePrivileges(user, table, { read: allowed });
  }
  setTablePrivileges(user: string, table: string, privileges: Partial<Record<TableOp, boolean>>): void {
    const id = this.#user(user).id;
    const t = this.#table(table);
    const p = S.parse(S.privileges, privileges);
    for (const op of TABLE_OPS) if (p[op] !== undefined) this.#security.setTablePrivilege(id, t.logicalName, op, p[op]);
  }
  setSecuredColumnRead(user: string, table: string, column: string, allowed: boolean): void {
    this.setSecuredColumn(user, table, column, { read: S.parse(S.flag('read'), { read: allowed }).read });
  }
  /** A user's field permission on a secured column: CanRead, CanCreate, CanUpdate. */
  setSecuredColumn(user: string, table: string, column: string, rights: Partial<Record<FieldRight, boolean>>): void {
    const id = this.#user(user).id;
    const t = this.#table(table);
    this.#column(t, column);
    const r = S.parse(S.fieldRights, rights);
    for (const right of FIELD_RIGHTS)
      if (r[right] !== undefined) this.#security.setSecuredColumn(id, t.logicalName, column, right, r[right]);
  }

  // Records ------------------------------------------------------------------------------------
  corruptRecord(table: string, id: string, column: string, value: unknown): void {
    const t = this.#table(table);
    this.#column(t, column);
    this.ctx.data.corrupt(t.logicalName, id.toLowerCase(), column, value);
  }

  /** The principal admin changes are made as: the organization's first (administrator) user. */
  #organization(): Principal {
    const u = this.#identity.users()[0]!;
    return { userId: u.id, name: u.name, kind: 'user', appId: DEFAULT_APP_ID };
  }

  // Lookups that turn unknown names into 400s --------------------------------------------------
  /** A table by logical name or entity set name. */
  #table(name: string): TableDef {
    const t = this.ctx.schema.table(name) ?? this.ctx.schema.tableBySet(name);
    if (!t) throw new AdminInputError(`unknown table '${name}'`);
    return t;
  }
  #column(t: TableDef, column: string): ColumnDef {
    const c = t.columns.get(column);
    if (!c) throw new AdminInputError(`unknown column '${t.logicalName}.${column}'`);
    return c;
  }
  /** A user by UPN or id. */
  #user(nameOrId: string): EmulatorUser {
    const id = this.#identity.userIdByName(nameOrId) ?? nameOrId.toLowerCase();
    const u = this.#identity.userById(id);
    if (!u) throw new AdminInputError(`unknown user '${nameOrId}'`);
    return u;
  }
}

export const createAdmin = (ctx: EmulatorContext): EmulatorAdmin => new EmulatorAdmin(ctx);
export { AdminInputError };
