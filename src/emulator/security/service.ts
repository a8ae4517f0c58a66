/**
 * Table privileges and field security profiles per user. Every user starts with full table
 * privileges except the reads listed in `denyRead`; secured columns are readable only through
 * `securedRead`. Both can be changed at run time (admin API, tests) to simulate a changed role.
 */
import { DvCode } from '../../wire/index.js';
import type { IdentityService, Principal, SchemaRegistry, SecurityService } from '../context.js';
import { forbidden } from '../errors.js';
import { FieldProfile, type FieldRight } from './field-profiles.js';
import type { EmulatorUserOptions } from '../options.js';
import type { TableDef } from '../schema/types.js';
import { TABLE_OPS, privilegeDeniedMessage, type TableOp } from './privileges.js';

interface UserGrants {
  /** `table` → ops denied (tables not listed: every op allowed). */
  denied: Map<string, Set<TableOp>>;
  fields: FieldProfile;
}

export interface FieldPrivilege {
  readonly table: string;
  readonly column: string;
  readonly canRead: boolean;
  readonly canCreate: boolean;
  readonly canUpdate: boolean;
}

type GrantOptions = Pick<EmulatorUserOptions, 'denyRead' | 'denyWrite' | 'securedRead' | 'securedWrite'>;

export interface ControlSecurityService extends SecurityService {
  can(p: Principal | string, table: string, op: TableOp): boolean;
  setTablePrivilege(userId: string, table: string, op: TableOp, allowed: boolean): void;
  setSecuredColumn(userId: string, table: string, column: string, right: FieldRight, allowed: boolean): void;
  /** Secured columns (currently `isSecured`) the user has a profile entry for. */
  fieldPrivileges(userId: string): FieldPrivilege[];
  registerUser(userId: string, options: GrantOptions): void;
}

export function createSecurityService(deps: {
  schema: SchemaRegistry;
  identity: IdentityService;
  users: EmulatorUserOptions[];
}): ControlSecurityService {
  const { schema, identity } = deps;
  const grants = new Map<string, UserGrants>();
  // Users (and the application user) not configured explicitly: full table access, all secured columns.
  const fullAccess = (): UserGrants => ({ denied: new Map(), fields: FieldProfile.full() });
  const grantsOf = (userId: string): UserGrants => {
    let g = grants.get(userId);
    if (!g) grants.set(userId, (g = fullAccess()));
    return g;
  };

  const registerUser = (userId: string, o: GrantOptions): void => {
    const denied = new Map<string, Set<TableOp>>();
    const deny = (table: string, ops: TableOp[]) => denied.set(table, new Set([...(denied.get(table) ?? []), ...ops]));
    for (const t of o.denyRead ?? []) deny(t, ['read']);
    for (const t of o.denyWrite ?? []) deny(t, ['create', 'write', 'delete']);
    grants.set(userId, { denied, fields: new FieldProfile(o.securedRead, o.securedWrite ?? o.securedRead) });
  };
  for (const u of deps.users) {
    const id = identity.userIdByName(u.name);
    if (id) registerUser(id, u);
  }

  const tableOrThrow = (name: string): TableDef => {
    const t = schema.table(name);
    if (!t) throw new Error(`unknown table ${name}`);
    return t;
  };
  const idOf = (p: Principal | string): string => (typeof p === 'string' ? p : p.userId);
  const can = (p: Principal | string, table: string, op: TableOp): boolean =>
    !grantsOf(idOf(p)).denied.get(table)?.has(op);

  const assert = (p: Principal, table: string, op: TableOp): void => {
    if (can(p, table, op)) return;
    const g = grantsOf(p.userId);
    const deniedCount = [...g.denied.values()].reduce((n, s) => n + s.size, 0);
    const privilegeCount = schema.tables().length * TABLE_OPS.length - deniedCount;
    throw forbidden(privilegeDeniedMessage(p.userId, privilegeCount, op, tableOrThrow(table)));
  };

  return {
    can,
    registerUser,
    assertCanRead: (p, table) => assert(p, table, 'read'),
    assertCanWrite: (p, table, op) => assert(p, table, op),
    unreadableColumns(p, table) {
      const f = grantsOf(p.userId).fields;
      const out = new Set<string>();
      for (const c of schema.table(table)?.columns.values() ?? []) {
        if (c.isSecured && !f.can('read', `${table}.${c.logicalName}`)) out.add(c.logicalName);
      }
      return out;
    },
    setTablePrivilege(userId, table, op, allowed) {
      tableOrThrow(table);
      const denied = grantsOf(userId).denied;
      const ops = denied.get(table) ?? new Set<TableOp>();
      if (allowed) ops.delete(op);
      else ops.add(op);
      denied.set(table, ops);
    },
    assertCanWriteColumns(p, table, columns, op) {
      const f = grantsOf(p.userId).fields;
      const defs = tableOrThrow(table).columns;
      const right: FieldRight = op === 'create' ? 'create' : 'update';
      for (const name of columns) {
        if (!defs.get(name)?.isSecured || f.can(right, `${table}.${name}`)) continue;
        throw op === 'create'
          ? forbidden(
              'The user does not have create permissions to a secured field. The requested operation could not be completed.',
              DvCode.AttributePrivilegeCreateIsMissing,
            )
          : forbidden(
              "The user doesn't have AttributePrivilegeUpdate and not granted shared access for a secured attribute during update operation",
              DvCode.AttributePermissionUpdateIsMissingDuringUpdate,
            );
      }
    },
    setSecuredColumn(userId, table, column, right, allowed) {
      if (!tableOrThrow(table).columns.has(column)) throw new Error(`unknown column ${table}.${column}`);
      grantsOf(userId).fields.set(right, `${table}.${column}`, allowed);
    },
    fieldPrivileges(userId) {
      const f = grantsOf(userId).fields;
      const out: FieldPrivilege[] = [];
      for (const t of schema.tables()) {
        for (const c of t.columns.values()) {
          const key = `${t.logicalName}.${c.logicalName}`;
          if (!c.isSecured || !f.lists(key)) continue;
          out.push({
            table: t.logicalName,
            column: c.logicalName,
            canRead: f.can('read', key),
            canCreate: f.can('create', key),
            canUpdate: f.can('update', key),
          });
        }
      }
      return out;
    },
  };
}

/** The run-time controls exist only on the service created here; admin and metadata need them. */
export function controlSecurity(s: SecurityService): ControlSecurityService {
  if (!('fieldPrivileges' in s)) throw new Error('the security service has no run-time controls');
  return s as ControlSecurityService;
}
