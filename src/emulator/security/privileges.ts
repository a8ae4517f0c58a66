/** Dataverse privilege names (`prvReadLead`), their ids, and the PrivilegeDenied wording. */
import type { TableDef } from '../schema/types.js';
import { stableUuid } from '../identity/ids.js';

export type TableOp = 'read' | 'create' | 'write' | 'delete';
export const TABLE_OPS: readonly TableOp[] = ['read', 'write', 'create', 'delete'];

const VERB: Record<TableOp, string> = { read: 'Read', write: 'Write', create: 'Create', delete: 'Delete' };

// Dataverse names most privileges after the table's schema name, but systemuser's are prvReadUser etc.
const PRIVILEGE_SUFFIX: Readonly<Record<string, string>> = { SystemUser: 'User' };

export const privilegeName = (op: TableOp, table: Pick<TableDef, 'schemaName'>): string =>
  `prv${VERB[op]}${PRIVILEGE_SUFFIX[table.schemaName] ?? table.schemaName}`;
export const privilegeId = (name: string): string => stableUuid('privilege', name);

/**
 * Dataverse's message when a role lacks a privilege, e.g.
 * "Principal user (Id=…, type=8, roleCount=1, privilegeCount=…, accessMode=0), is missing prvReadLead privilege (Id=…) on OTC=4 for entity 'lead'. context.Caller=…"
 */
export function privilegeDeniedMessage(userId: string, privilegeCount: number, op: TableOp, table: TableDef): string {
  const name = privilegeName(op, table);
  return (
    `Principal user (Id=${userId}, type=8, roleCount=1, privilegeCount=${privilegeCount}, accessMode=0), ` +
    `is missing ${name} privilege (Id=${privilegeId(name)}) on OTC=${table.objectTypeCode} for entity '${table.logicalName}'. ` +
    `context.Caller=${userId}`
  );
}
