/** WhoAmI and the privilege functions bound to systemusers(<id>). */
import { DvCode } from '../../wire/index.js';
import type { EmulatorContext } from '../context.js';
import { DataverseHttpError, notFound } from '../errors.js';
import type { EmuRequest, EmuResponse } from '../http/types.js';
import { TABLE_OPS, privilegeId, privilegeName } from '../security/privileges.js';
import { controlSecurity } from '../security/service.js';

type Ctx = Omit<EmulatorContext, 'control'>;

export function whoAmI(ctx: Ctx, req: EmuRequest): EmuResponse {
  if (req.method !== 'GET') throw new DataverseHttpError(405, DvCode.InvalidArgument, 'WhoAmI is a function: use GET.');
  return {
    status: 200,
    body: {
      '@odata.context': `${req.baseUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: ctx.org.businessUnitId,
      UserId: req.principal.userId,
      OrganizationId: ctx.org.organizationId,
    },
  };
}

export function boundFunction(ctx: Ctx, req: EmuRequest): EmuResponse {
  const p = req.path;
  if (p.kind !== 'boundFunction') throw notFound('Not a bound function.');
  const known = p.name === 'RetrieveUserPrivileges' || p.name === 'RetrievePrincipalAttributePrivileges';
  if (p.entitySet !== 'systemusers' || !known) {
    throw notFound(`Resource not found for the segment 'Microsoft.Dynamics.CRM.${p.name}'.`, DvCode.QueryValidation);
  }
  if (req.method !== 'GET')
    throw new DataverseHttpError(405, DvCode.InvalidArgument, `${p.name} is a function: use GET.`);
  if (!ctx.identity.users().some((u) => u.id === p.id)) throw notFound(`systemuser With Id = ${p.id} Does Not Exist`);
  const context = `${req.baseUrl}$metadata#Microsoft.Dynamics.CRM.${p.name}Response`;
  const body =
    p.name === 'RetrieveUserPrivileges'
      ? { RolePrivileges: rolePrivileges(ctx, p.id) }
      : { AttributePrivileges: attributePrivileges(ctx, p.id) };
  return { status: 200, body: { '@odata.context': context, ...body } };
}

/** Every table privilege the user holds, at Global depth (one security role, organization-wide). */
function rolePrivileges(ctx: Ctx, userId: string): Record<string, unknown>[] {
  const security = controlSecurity(ctx.security);
  return ctx.schema.tables().flatMap((t) =>
    TABLE_OPS.filter((op) => security.can(userId, t.logicalName, op)).map((op) => {
      const name = privilegeName(op, t);
      return {
        Depth: 'Global',
        PrivilegeId: privilegeId(name),
        BusinessUnitId: ctx.org.businessUnitId,
        PrivilegeName: name,
      };
    }),
  );
}

/** Field permissions: 4 = Allowed, 0 = Not Allowed; masking is not emulated (CanReadUnMasked 0). */
function attributePrivileges(ctx: Ctx, userId: string): Record<string, unknown>[] {
  return controlSecurity(ctx.security)
    .fieldPrivileges(userId)
    .flatMap(({ table, column, canRead, canCreate, canUpdate }) => {
      const c = ctx.schema.table(table)?.columns.get(column);
      if (!c) return [];
      const v = (allowed: boolean) => (allowed ? 4 : 0);
      return [
        {
          AttributeId: c.metadataId,
          CanCreate: v(canCreate),
          CanRead: v(canRead),
          CanUpdate: v(canUpdate),
          CanReadUnMasked: 0,
        },
      ];
    });
}
