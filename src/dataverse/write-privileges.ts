/**
 * What the sync user may do with secured columns: RetrievePrincipalAttributePrivileges answers one
 * AttributePrivilege per secured column the user has a field security profile entry for, with
 * CanRead, CanUpdate and CanCreate as field permission values (4 = Allowed, 0 = Not Allowed). A
 * secured column the answer does not list is neither readable nor writable by the user.
 */
import { z } from 'zod';

/** fieldpermission.canread / canupdate / cancreate: 4 = Allowed, 0 = Not Allowed. */
const ALLOWED = 4;

export const AttributePrivilegesBody = z.object({
  AttributePrivileges: z.array(
    z.object({
      AttributeId: z.string(),
      CanRead: z.number(),
      // Documented on the complex type; an older server that leaves them out grants nothing.
      CanUpdate: z.number().nullish(),
      CanCreate: z.number().nullish(),
    }),
  ),
});

export interface ColumnPrivilege {
  readonly read: boolean;
  readonly update: boolean;
  readonly create: boolean;
}

/** Secured columns' rights by MetadataId (lower case). */
export function toColumnPrivileges(body: z.infer<typeof AttributePrivilegesBody>): Map<string, ColumnPrivilege> {
  return new Map(
    body.AttributePrivileges.map((p) => [
      p.AttributeId.toLowerCase(),
      { read: p.CanRead === ALLOWED, update: p.CanUpdate === ALLOWED, create: p.CanCreate === ALLOWED },
    ]),
  );
}

export const columnPrivilegesPath = (userId: string): string =>
  `systemusers(${userId})/Microsoft.Dynamics.CRM.RetrievePrincipalAttributePrivileges()`;
