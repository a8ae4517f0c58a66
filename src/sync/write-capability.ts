/**
 * Whether the sync user may write a column, as Dataverse decides it: the column's metadata
 * (IsValidForUpdate / IsValidForCreate), the user's table privilege (prvWrite<Table> /
 * prvCreate<Table>, from any of its roles), and for a secured column its field permission
 * (CanUpdate / CanCreate). The first that refuses is the reason given.
 */
import type { CatalogField, WriteDenial } from '../domain/index.js';
import type { ColumnRights, SourceAttribute } from './ports.js';

export interface WriteRights {
  /** The user's privilege names (RetrieveUserPrivileges). */
  readonly privileges: ReadonlySet<string>;
  /** Secured columns' rights by MetadataId; a secured column not listed grants nothing. */
  readonly columns: ReadonlyMap<string, ColumnRights>;
}

export type WriteFlags = Pick<CatalogField, 'canUpdate' | 'canCreate' | 'updateDenied' | 'createDenied'>;

type Verb = 'Read' | 'Write' | 'Create';

/**
 * Privilege names are `prv<Verb><SchemaName>`, and a table's logical name is its schema name in
 * lower case, so the check is case-insensitive; systemuser's privileges are named after `User`.
 */
export function holdsTablePrivilege(privileges: ReadonlySet<string>, verb: Verb, entity: string): boolean {
  const want = `prv${verb}${entity === 'systemuser' ? 'user' : entity}`.toLowerCase();
  for (const p of privileges) if (p.toLowerCase() === want) return true;
  return false;
}

const CHECKS = {
  update: {
    valid: 'isValidForUpdate',
    verb: 'Write',
    right: 'update',
    denials: ['not_valid_for_update', 'no_write_privilege', 'secured_no_update'],
  },
  create: {
    valid: 'isValidForCreate',
    verb: 'Create',
    right: 'create',
    denials: ['not_valid_for_create', 'no_create_privilege', 'secured_no_create'],
  },
} as const;

/** Why `op` is refused on the column: metadata first, then the table privilege, then column security. */
function denial(op: keyof typeof CHECKS, entity: string, a: SourceAttribute, rights: WriteRights): WriteDenial | null {
  const c = CHECKS[op];
  const [invalid, noPrivilege, secured] = c.denials;
  if (!a[c.valid]) return invalid;
  if (!holdsTablePrivilege(rights.privileges, c.verb, entity)) return noPrivilege;
  if (a.isSecured && !rights.columns.get(a.metadataId)?.[c.right]) return secured;
  return null;
}

export function writeFlags(entity: string, a: SourceAttribute, rights: WriteRights): WriteFlags {
  const updateDenied = denial('update', entity, a, rights);
  const createDenied = denial('create', entity, a, rights);
  return { canUpdate: updateDenied === null, canCreate: createDenied === null, updateDenied, createDenied };
}

const DENIAL_TEXT: Record<WriteDenial, string> = {
  not_valid_for_update: 'the column cannot be updated (IsValidForUpdate is false)',
  not_valid_for_create: 'the column cannot be set on create (IsValidForCreate is false)',
  no_write_privilege: 'the sync user has no write privilege on the table',
  no_create_privilege: 'the sync user has no create privilege on the table',
  secured_no_update: 'secured column: the sync user’s field security profile does not allow update',
  secured_no_create: 'secured column: the sync user’s field security profile does not allow create',
  not_checked: 'not checked yet: refresh the field catalog (dynasync fields --refresh)',
};

/** A sentence for the CLI, the UI and error messages. */
export const describeDenial = (d: WriteDenial): string => DENIAL_TEXT[d];
