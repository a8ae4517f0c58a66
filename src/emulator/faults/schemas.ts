/** Validation of admin input (HTTP JSON and in-process calls alike), with messages fit for a 400. */
import { z } from 'zod';
import { CUSTOM_COLUMN_TYPES, CUSTOMER_TARGETS } from './columns.js';
import { FAULT_KINDS } from './queue.js';

const name = z.string().trim().min(1);
const count = z.number().int().positive();

export const faultSpec = z.strictObject({
  kind: z.enum(FAULT_KINDS as [string, ...string[]]).transform((k) => k as (typeof FAULT_KINDS)[number]),
  count: count.optional(),
  entitySet: name.optional(),
  retryAfterSeconds: z.number().int().nonnegative().optional(),
  delayMs: z.number().int().nonnegative().max(600_000).optional(),
});

export const columnSpec = z
  .strictObject({
    logicalName: z
      .string()
      .regex(/^[a-z][a-z0-9]{1,7}_[a-z0-9_]+$/, 'a custom column needs a publisher prefix, e.g. new_tier'),
    type: z.enum(CUSTOM_COLUMN_TYPES),
    displayName: name.optional(),
    schemaName: name.optional(),
    maxLength: z.number().int().min(1).max(1_048_576).optional(),
    options: z.array(z.strictObject({ value: z.number().int(), label: name })).optional(),
    targets: z.array(name).min(1).optional(),
    requiredLevel: z.enum(['None', 'SystemRequired', 'ApplicationRequired', 'Recommended']).optional(),
    isSecured: z.boolean().optional(),
    dateOnly: z.boolean().optional(),
  })
  .refine((c) => c.type !== 'Picklist' || (c.options?.length ?? 0) > 0, { message: 'a Picklist column needs options' })
  .refine((c) => c.type !== 'Lookup' || (c.targets?.length ?? 0) > 0, { message: 'a Lookup column needs targets' })
  .refine((c) => c.type !== 'Customer' || c.targets === undefined || sameSet(c.targets, CUSTOMER_TARGETS), {
    message: 'a Customer column targets account and contact (give no targets, or exactly those)',
  })
  .refine((c) => new Set(c.targets ?? []).size === (c.targets ?? []).length, { message: 'a target is listed twice' });

const sameSet = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((x) => b.includes(x));

export const tableSpec = z.strictObject({
  logicalName: z
    .string()
    .max(50, 'a table logical name has at most 50 characters')
    .regex(/^[a-z][a-z0-9]{1,7}_[a-z0-9_]+$/, 'a custom table needs a publisher prefix, e.g. new_event_registration'),
  displayName: name.optional(),
  displayCollectionName: name.optional(),
  entitySetName: z
    .string()
    .regex(/^[a-z][a-z0-9_]*$/, 'an entity set name is lower case letters, digits and _')
    .optional(),
  primaryNameAttribute: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,7}_[a-z0-9_]+$/)
    .optional(),
  columns: z.array(z.unknown()).max(200).optional(),
  changeTracking: z.boolean().optional(),
});

export const userSpec = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[^@\s]+@[^@\s]+$/, 'name must be a UPN such as someone@contoso.test'),
  password: z.string().min(1).optional(),
  fullName: name.optional(),
  mfaRequired: z.boolean().optional(),
  denyRead: z.array(name).optional(),
  denyWrite: z.array(name).optional(),
  securedRead: z.union([z.literal('*'), z.array(z.string().regex(/^\w+\.\w+$/, 'use table.column'))]).optional(),
  securedWrite: z.union([z.literal('*'), z.array(z.string().regex(/^\w+\.\w+$/, 'use table.column'))]).optional(),
  disabled: z.boolean().optional(),
});

export const limitsSpec = z.strictObject({
  requests: count.optional(),
  executionMs: count.optional(),
  concurrent: count.optional(),
  windowMs: count.optional(),
});

const costMs = z.number().nonnegative().max(600_000);
/** `true` (defaults), `false` (off), or some of the model's numbers. */
export const costModelSpec = z.union([
  z.boolean(),
  z.strictObject({ baseMs: costMs.optional(), perRowMs: costMs.optional(), perCellMs: costMs.optional() }),
]);

export const clockAdvance = z
  .strictObject({
    ms: z.number().nonnegative().optional(),
    seconds: z.number().nonnegative().optional(),
    days: z.number().nonnegative().optional(),
  })
  .refine((a) => [a.ms, a.seconds, a.days].filter((v) => v !== undefined).length === 1, {
    message: 'give exactly one of ms, seconds, days',
  });

export const privileges = z
  .strictObject({
    read: z.boolean().optional(),
    create: z.boolean().optional(),
    write: z.boolean().optional(),
    delete: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one of read, create, write, delete' });

export const fieldRights = z
  .strictObject({ read: z.boolean().optional(), create: z.boolean().optional(), update: z.boolean().optional() })
  .refine((p) => Object.keys(p).length > 0, { message: 'give at least one of read, create, update' });

export const flag = <K extends string>(key: K) => z.strictObject({ [key]: z.boolean() } as Record<K, z.ZodBoolean>);
export const days = z.strictObject({ days: z.number().positive().max(365) });
export const optionalTable = z.strictObject({ table: name.optional() });
export const corruption = z.strictObject({ column: name, value: z.unknown() });

export class AdminInputError extends Error {
  override readonly name = 'AdminInputError';
}

/** Parses or throws an AdminInputError whose message lists every problem. */
export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  throw new AdminInputError(
    r.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '),
  );
}
