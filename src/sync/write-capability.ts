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

export function writeFlags(entity: string, a: SourceAttribute, rights: WriteRights): WriteFlags {
  const column = a.isSecured ? rights.columns.get(a.metadataId) : undefined;
  const updateDenied: WriteDenial | null = !a.isValidForUpdate
    ? 'not_valid_for_update'
    : !holdsTablePrivilege(rights.privileges, 'Write', entity)
      ? 'no_write_privilege'
      : a.isSecured && !column?.update
        ? 'secured_no_update'
        : null;
  const createDenied: WriteDenial | null = !a.isValidForCreate
    ? 'not_valid_for_create'
    : !holdsTablePrivilege(rights.privileges, 'Create', entity)
      ? 'no_create_privilege'
      : a.isSecured && !column?.create
        ? 'secured_no_create'
        : null;
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
