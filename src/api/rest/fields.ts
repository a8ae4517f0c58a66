/**
 * The lead fields the REST API knows: id, email, createdAt, updatedAt, the read-only Microsoft
 * system fields (microsoft-fields.ts), the selected contact and lead fields (stored on the
 * person) and the selected account fields (read through a contact's company; a lead's own).
 * Names are the lead database's local names from the field mapping. This list is also the
 * whitelist every field name in a request is checked against: nothing else reaches a query.
 */
import type { AttributeType, CatalogField } from '../../domain/index.js';
import type { SqlClient } from '../../store/db/types.js';
import { selectedLeadColumns, type RestPerson } from '../../store/records/rest-queries.js';
import { MICROSOFT_FIELDS, isMicrosoftField, microsoftValue } from './microsoft-fields.js';

export type FieldSource = 'system' | 'person' | 'company';

export interface RestField {
  /** Marketo's numeric field id (position in describe). */
  readonly id: number;
  readonly name: string;
  readonly displayName: string;
  readonly dataType: string;
  readonly length: number | null;
  readonly readOnly: boolean;
  readonly source: FieldSource;
  /** The Dynamics column behind a person or company field (for value checks). */
  readonly column: CatalogField | null;
}

const SYSTEM: readonly Omit<RestField, 'id'>[] = [
  { name: 'id', displayName: 'Id', dataType: 'integer', length: null, readOnly: true, source: 'system', column: null },
  {
    name: 'email',
    displayName: 'Email Address',
    dataType: 'email',
    length: 255,
    readOnly: true,
    source: 'system',
    column: null,
  },
  {
    name: 'createdAt',
    displayName: 'Created At',
    dataType: 'datetime',
    length: null,
    readOnly: true,
    source: 'system',
    column: null,
  },
  {
    name: 'updatedAt',
    displayName: 'Updated At',
    dataType: 'datetime',
    length: null,
    readOnly: true,
    source: 'system',
    column: null,
  },
  ...MICROSOFT_FIELDS.map((f) => ({ ...f, readOnly: true, source: 'system' as const, column: null })),
];

export const DATA_TYPES: Partial<Record<AttributeType, string>> = {
  String: 'string',
  Memo: 'text',
  EntityName: 'string',
  Integer: 'integer',
  BigInt: 'integer',
  Money: 'currency',
  Decimal: 'float',
  Double: 'float',
  Boolean: 'boolean',
  DateTime: 'datetime',
  Picklist: 'string',
  State: 'string',
  Status: 'string',
  Lookup: 'reference',
  Customer: 'reference',
  Owner: 'reference',
  Uniqueidentifier: 'string',
};

function fromColumn(source: 'person' | 'company', localName: string, column: CatalogField): Omit<RestField, 'id'> {
  const email = localName === 'email';
  return {
    name: localName,
    displayName: column.displayName,
    dataType: email
      ? 'email'
      : /phone/i.test(localName) && column.attributeType === 'String'
        ? 'phone'
        : (DATA_TYPES[column.attributeType] ?? 'string'),
    length: column.maxLength,
    readOnly: false,
    source,
    column,
  };
}

export class LeadFields {
  readonly list: readonly RestField[];
  readonly #byName: Map<string, RestField>;

  private constructor(list: readonly RestField[]) {
    this.list = list;
    this.#byName = new Map(list.map((f) => [f.name.toLowerCase(), f]));
  }

  /** Field names are matched case-insensitively, as Marketo does. */
  get(name: string): RestField | undefined {
    return this.#byName.get(name.toLowerCase());
  }

  /** Company fields by local name (for company edits through a person). */
  get companyFieldNames(): string[] {
    return this.list.filter((f) => f.source === 'company').map((f) => f.name);
  }

  static async load(db: SqlClient): Promise<LeadFields> {
    const columns = await selectedLeadColumns(db);
    const list: Omit<RestField, 'id'>[] = [];
    const seen = new Set<string>();
    const add = (f: Omit<RestField, 'id'>) => {
      const key = f.name.toLowerCase();
      if (seen.has(key)) {
        // A selected contact email makes `email` writable; any other clash keeps the first (person) field.
        if (key === 'email' && f.source === 'person')
          list[list.findIndex((x) => x.name === 'email')] = { ...f, name: 'email' };
        return;
      }
      seen.add(key);
      list.push(f);
    };
    SYSTEM.forEach(add);
    // Contact columns first (ordered so by the query): a person field wins a name clash.
    // Then account columns, then lead-only ones: a name both tables have (company, city...) is a
    // company field, which a lead holds itself (RestPerson.ownsCompanyFields).
    for (const c of columns) add(fromColumn(c.entity === 'account' ? 'company' : 'person', c.localName, c.column));
    return new LeadFields(list.map((f, i) => ({ ...f, id: i + 1 })));
  }
}

/**
 * The lead fields for reads, loaded at most once per `ttlMs`. Loading them is a database round
 * trip, which cost as much as the lookup itself on a `leads.json` by email (measured: half the
 * API's CPU per request). A selection saved through the admin API in this process invalidates it
 * at once; one saved by another process (`dynasync fields`) shows within `ttlMs`. Writes load the
 * list fresh.
 */
export class LeadFieldsCache {
  #value: Promise<LeadFields> | null = null;
  #loadedAt = 0;

  constructor(
    private readonly db: SqlClient,
    private readonly ttlMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  get(): Promise<LeadFields> {
    const t = this.now();
    if (this.#value && t - this.#loadedAt < this.ttlMs) return this.#value;
    const loading = LeadFields.load(this.db);
    this.#value = loading;
    this.#loadedAt = t;
    // A failed load is not kept: the next request tries again.
    loading.catch(() => {
      if (this.#value === loading) this.#value = null;
    });
    return loading;
  }

  invalidate(): void {
    this.#value = null;
  }
}

/** A field's value on a person, as the REST API shows it. */
export function leadValue(
  f: RestField,
  p: Pick<
    RestPerson,
    | 'id'
    | 'email'
    | 'fields'
    | 'companyFields'
    | 'ownsCompanyFields'
    | 'createdAt'
    | 'updatedAt'
    | 'dynamicsType'
    | 'dynamicsCreatedOn'
    | 'dynamicsDeleted'
  >,
): unknown {
  if (f.source === 'company') return (p.ownsCompanyFields ? p.fields : p.companyFields)[f.name] ?? null;
  if (f.source === 'system' && isMicrosoftField(f.name)) return microsoftValue(f.name, p);
  switch (f.name) {
    case 'id':
      return p.id;
    case 'email':
      return p.email;
    case 'createdAt':
      return p.createdAt.toISOString();
    case 'updatedAt':
      return p.updatedAt.toISOString();
    default:
      return p.fields[f.name] ?? null;
  }
}
