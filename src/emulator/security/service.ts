/**
 * Table privileges and field security profiles per user. Every user starts with full table
 * privileges except the reads listed in `denyRead`; secured columns are readable only through
 * `securedRead`. Both can be changed at run time (admin API, tests) to simulate a changed role.
 */
import type { IdentityService, Principal, SchemaRegistry, SecurityService } from '../context.js';
import { forbidden } from '../errors.js';
import type { EmulatorUserOptions } from '../options.js';
import type { TableDef } from '../schema/types.js';
import { TABLE_OPS, privilegeDeniedMessage, type TableOp } from './privileges.js';

/** A user's field security profile: `all` is the `'*'` option; `revoked` overrides it per column. */
interface FieldProfile {
  all: boolean;
  granted: Set<string>;
  revoked: Set<string>;
}

interface UserGrants {
  /** `table` → ops denied (tables not listed: every op allowed). */
  denied: Map<string, Set<TableOp>>;
  fields: FieldProfile;
}

export interface FieldPrivilege {
  readonly table: string;
  readonly column: string;
  readonly canRead: boolean;
}

export interface ControlSecurityService extends SecurityService {
  can(p: Principal | string, table: string, op: TableOp): boolean;
  setTablePrivilege(userId: string, table: string, op: TableOp, allowed: boolean): void;
  setSecuredColumnRead(userId: string, table: string, column: string, allowed: boolean): void;
  /** Secured columns (currently `isSecured`) the user has a profile entry for. */
  fieldPrivileges(userId: string): FieldPrivilege[];
  registerUser(userId: string, options: Pick<EmulatorUserOptions, 'denyRead' | 'securedRead'>): void;
}

export function createSecurityService(deps: {
  schema: SchemaRegistry;
  identity: IdentityService;
  users: EmulatorUserOptions[];
}): ControlSecurityService {
  const { schema, identity } = deps;
  const grants = new Map<string, UserGrants>();
  // Users (and the application user) not configured explicitly: full table access, all secured columns.
  const fullAccess = (): UserGrants => ({ denied: new Map(), fields: { all: true, granted: new Set(), revoked: new Set() } });
  const grantsOf = (userId: string): UserGrants => {
    let g = grants.get(userId);
    if (!g) grants.set(userId, (g = fullAccess()));
    return g;
  };

  const registerUser = (userId: string, o: Pick<EmulatorUserOptions, 'denyRead' | 'securedRead'>): void => {
    const denied = new Map<string, Set<TableOp>>((o.denyRead ?? []).map((t) => [t, new Set<TableOp>(['read'])]));
    const list = o.securedRead === '*' ? [] : (o.securedRead ?? []);
    grants.set(userId, { denied, fields: { all: o.securedRead === '*', granted: new Set(list), revoked: new Set() } });
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
  const can = (p: Principal | string, table: string, op: TableOp): boolean => !grantsOf(idOf(p)).denied.get(table)?.has(op);
  const canReadColumn = (f: FieldProfile, key: string): boolean => !f.revoked.has(key) && (f.all || f.granted.has(key));

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
        if (c.isSecured && !canReadColumn(f, `${table}.${c.logicalName}`)) out.add(c.logicalName);
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
    setSecuredColumnRead(userId, table, column, allowed) {
      if (!tableOrThrow(table).columns.has(column)) throw new Error(`unknown column ${table}.${column}`);
      const f = grantsOf(userId).fields;
      const key = `${table}.${column}`;
      if (allowed) {
        f.revoked.delete(key);
        f.granted.add(key);
      } else {
        f.granted.delete(key);
        f.revoked.add(key);
      }
    },
    fieldPrivileges(userId) {
      const f = grantsOf(userId).fields;
      const out: FieldPrivilege[] = [];
      for (const t of schema.tables()) {
        for (const c of t.columns.values()) {
          const key = `${t.logicalName}.${c.logicalName}`;
          if (!c.isSecured || !(f.all || f.granted.has(key) || f.revoked.has(key))) continue;
          out.push({ table: t.logicalName, column: c.logicalName, canRead: canReadColumn(f, key) });
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
