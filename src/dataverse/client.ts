/**
 * The read-only Dataverse client the sync uses. It has no create, update or delete on purpose:
 * nothing the sync does may write to Dynamics (the demo's simulated reps use writer.ts).
 */
import {
  CUSTOM_ENTITIES_PATH,
  CustomEntityList,
  ManyToOneList,
  manyToOnePath,
  toCustomEntities,
  toRelationships,
  type CustomEntityDefinition,
  type LookupRelationship,
} from './custom-metadata.js';
import { z } from 'zod';
import { FatalError } from '../domain/index.js';
import { Annotation } from '../wire/index.js';
import type { Logger } from '../config/index.js';
import type { ConnectionSettings, TokenSource } from './auth.js';
import type { HttpSend } from './http.js';
import { MalformedResponseError } from './errors.js';
import {
  AttributeList,
  CASTS,
  EntityDefinitionBody,
  MaxLengthList,
  OptionSetList,
  RangeList,
  castKind,
  castsNeeded,
  maxLengths,
  optionSets,
  ranges,
  parse,
  selectableAttributes,
  toEntityDefinition,
  toRawAttribute,
  type CastKey,
  type EntityDefinition,
  type RawAttribute,
} from './metadata.js';
import { deltaTokenOf, isDeltaLink, parseJson, toReadPage, type ReadPage } from './pages.js';
import { probeServiceDocument } from './probe.js';
import type { RetryOptions } from './retry.js';
import { WebApiSession, type RequestStats } from './session.js';
import type { ThrottleOptions } from './throttle.js';
import type { BudgetSnapshot } from './governor.js';
import { assertGuid, assertName } from './names.js';
import {
  AttributePrivilegesBody,
  columnPrivilegesPath,
  toColumnPrivileges,
  type ColumnPrivilege,
} from './write-privileges.js';

export interface DataverseClientOptions {
  settings: ConnectionSettings;
  logger: Logger;
  /** Rows per page, sent as `Prefer: odata.maxpagesize`. Default and Dataverse maximum: 5,000. */
  maxPageSize?: number;
  throttle?: ThrottleOptions;
  retry?: RetryOptions;
  timeoutMs?: number;
  /** Test seams: a fake token source or transport. */
  tokens?: TokenSource;
  http?: HttpSend;
}

export interface ReadRequest {
  entity: string;
  entitySet: string;
  select: readonly string[];
  /** null: start a change-tracked full read; else a stored nextLink or deltaLink. */
  link: string | null;
  signal?: AbortSignal;
  /**
   * Fetch the next page while the caller processes this one (at most two pages in memory), so
   * fetching and storing overlap. Off by default.
   */
  prefetch?: boolean;
}

export interface PlainReadRequest {
  entity: string;
  entitySet: string;
  select: readonly string[];
  /** An OData `$filter` expression (built by the caller from checked values only). */
  filter?: string;
  /** A column to order by (ascending): the primary key of a key-range read. */
  orderBy?: string;
  /** null: start; else a stored nextLink. */
  link: string | null;
  signal?: AbortSignal;
}

export interface WhoAmI {
  userId: string;
  businessUnitId: string;
  organizationId: string;
}

const WhoAmIBody = z.object({ UserId: z.string(), BusinessUnitId: z.string(), OrganizationId: z.string() });
const SecuredColumnList = z.object({ value: z.array(z.object({ LogicalName: z.string(), MetadataId: z.string() })) });
const RecordCountBody = z.object({
  EntityRecordCountCollection: z.object({ Keys: z.array(z.string()), Values: z.array(z.number()) }),
});
const UserNamesBody = z.object({ domainname: z.string().nullish(), internalemailaddress: z.string().nullish() });
const UserPrivilegesBody = z.object({ RolePrivileges: z.array(z.object({ PrivilegeName: z.string() })) });

export class DataverseClient {
  private readonly session: WebApiSession;
  private readonly maxPageSize: number;
  private readonly http: HttpSend | undefined;

  constructor(opts: DataverseClientOptions) {
    this.session = new WebApiSession(opts);
    this.maxPageSize = Math.min(5000, Math.max(1, Math.floor(opts.maxPageSize ?? 5000)));
    this.http = opts.http;
  }

  /** Answers when the URL is a Dataverse Web API, before any sign-in; else `not_dataverse`. */
  async ping(): Promise<{ ok: true }> {
    await probeServiceDocument(this.session.apiUrl, this.http);
    return { ok: true };
  }

  async whoAmI(): Promise<WhoAmI> {
    const body = await this.getJson('WhoAmI', WhoAmIBody, 'WhoAmI answer');
    return {
      userId: body.UserId.toLowerCase(),
      businessUnitId: body.BusinessUnitId.toLowerCase(),
      organizationId: body.OrganizationId.toLowerCase(),
    };
  }

  /**
   * Rows in a table, from Dataverse's daily snapshot (RetrieveTotalRecordCount): an estimate for
   * the initial sync's progress bar, where `$count` stops at 5,000.
   */
  async totalRecordCount(logicalName: string): Promise<number | null> {
    assertName(logicalName, 'table');
    const body = await this.getJson(
      `RetrieveTotalRecordCount(EntityNames=['${logicalName}'])`,
      RecordCountBody,
      'record count',
    );
    const at = body.EntityRecordCountCollection.Keys.indexOf(logicalName);
    return at < 0 ? null : (body.EntityRecordCountCollection.Values[at] ?? null);
  }

  /** The sign-in name and email of a user, to check that WhoAmI is the configured user. */
  async userNames(userId: string): Promise<{ domainName: string | null; email: string | null }> {
    assertGuid(userId, 'user id');
    const body = await this.getJson(
      `systemusers(${userId})?$select=domainname,internalemailaddress`,
      UserNamesBody,
      'user',
    );
    return { domainName: body.domainname ?? null, email: body.internalemailaddress ?? null };
  }

  async entityDefinition(logicalName: string): Promise<EntityDefinition> {
    assertName(logicalName, 'table');
    const select = 'LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,ChangeTrackingEnabled';
    try {
      const body = await this.getJson(
        `EntityDefinitions(LogicalName='${logicalName}')?$select=${select}`,
        EntityDefinitionBody,
        'table definition',
      );
      return toEntityDefinition(body);
    } catch (e) {
      throw unknownTable(e, logicalName);
    }
  }

  /** Tables whose IsCustomEntity is true (one request). */
  async customTables(): Promise<CustomEntityDefinition[]> {
    return toCustomEntities(await this.getJson(CUSTOM_ENTITIES_PATH, CustomEntityList, 'custom table list'));
  }

  /** Where a table's lookups point (one request). */
  async lookupRelationships(logicalName: string): Promise<LookupRelationship[]> {
    assertName(logicalName, 'table');
    return toRelationships(await this.getJson(manyToOnePath(logicalName), ManyToOneList, 'relationships'));
  }

  /** Every selectable column with its catalog facts: 1 request, plus 1 per option-set, length or range cast needed. */
  async attributes(logicalName: string): Promise<RawAttribute[]> {
    assertName(logicalName, 'table');
    const base = `EntityDefinitions(LogicalName='${logicalName}')/Attributes`;
    const select =
      'LogicalName,AttributeType,AttributeTypeName,IsValidForRead,IsValidForUpdate,IsValidForCreate,IsValidODataAttribute,IsSecured,' +
      'IsCustomAttribute,AttributeOf,RequiredLevel,DisplayName,MetadataId';
    let list: z.infer<typeof AttributeList>;
    try {
      list = await this.getJson(`${base}?$select=${select}`, AttributeList, 'column list');
    } catch (e) {
      throw unknownTable(e, logicalName);
    }
    const attrs = selectableAttributes(list);
    const casts = castsNeeded(attrs);
    const fetchCast = (key: CastKey): string => `${base}/Microsoft.Dynamics.CRM.${CASTS[key].cast}?${CASTS[key].query}`;
    const of = (kind: string) => casts.filter((k) => castKind(k) === kind);
    const [lengthLists, optionLists, rangeLists] = await Promise.all([
      Promise.all(of('length').map((k) => this.getJson(fetchCast(k), MaxLengthList, `${k} columns`))),
      Promise.all(of('options').map((k) => this.getJson(fetchCast(k), OptionSetList, `${k} columns`))),
      Promise.all(of('range').map((k) => this.getJson(fetchCast(k), RangeList, `${k} columns`))),
    ]);
    const lengths = new Map(lengthLists.flatMap((l) => [...maxLengths(l)]));
    const options = new Map(optionLists.flatMap((l) => [...optionSets(l)]));
    const numberRanges = new Map(rangeLists.flatMap((l) => [...ranges(l)]));
    return attrs.map((a) => toRawAttribute(a, lengths, options, numberRanges));
  }

  /** Secured columns of a table: logical name → MetadataId (lower case). Column security can change at any time. */
  async securedColumns(logicalName: string): Promise<Map<string, string>> {
    assertName(logicalName, 'table');
    const path = `EntityDefinitions(LogicalName='${logicalName}')/Attributes?$select=LogicalName,MetadataId&$filter=IsSecured eq true`;
    const body = await this.getJson(path, SecuredColumnList, 'secured columns');
    return new Map(body.value.map((a) => [a.LogicalName, a.MetadataId.toLowerCase()]));
  }

  /** MetadataIds (lower case) of the secured columns this user may read. */
  async readableSecuredColumnIds(userId: string): Promise<Set<string>> {
    const rights = await this.columnPrivileges(userId);
    return new Set([...rights].filter(([, r]) => r.read).map(([id]) => id));
  }

  /** Read, update and create rights on the secured columns, by MetadataId (lower case). */
  async columnPrivileges(userId: string): Promise<Map<string, ColumnPrivilege>> {
    assertGuid(userId, 'user id');
    return toColumnPrivileges(
      await this.getJson(columnPrivilegesPath(userId), AttributePrivilegesBody, 'column privileges'),
    );
  }

  /** Privilege names such as `prvReadAccount`, from all of the user's roles. */
  async privileges(userId: string): Promise<Set<string>> {
    assertGuid(userId, 'user id');
    const path = `systemusers(${userId})/Microsoft.Dynamics.CRM.RetrieveUserPrivileges()`;
    const body = await this.getJson(path, UserPrivilegesBody, 'user privileges');
    return new Set(body.RolePrivileges.map((p) => p.PrivilegeName));
  }

  /** Streams a change-tracked read page by page, following nextLinks until the page with the deltaLink. */
  async *readPages(req: ReadRequest): AsyncGenerator<ReadPage, void, undefined> {
    assertName(req.entitySet, 'entity set');
    req.select.forEach((c) => assertName(c, 'column'));
    const inner = new AbortController();
    const signal = req.signal ? AbortSignal.any([req.signal, inner.signal]) : inner.signal;
    const first = req.link ?? `${req.entitySet}?$select=${req.select.join(',')}`;
    let pending: Promise<ReadPage> | null = this.fetchPage(first, req.entity, signal);
    try {
      while (pending) {
        const page: ReadPage = await pending;
        pending = null;
        if (page.nextLink !== null && req.prefetch) {
          pending = this.fetchPage(page.nextLink, req.entity, signal);
          pending.catch(() => undefined); // surfaced when awaited; not unhandled meanwhile
        }
        yield page;
        if (page.nextLink !== null && !req.prefetch) pending = this.fetchPage(page.nextLink, req.entity, signal);
      }
    } finally {
      inner.abort(); // the caller stopped early: cancel a prefetch in flight
    }
  }

  /**
   * Streams a plain (not change-tracked) read, page by page: the quick sync's read of a key and a
   * few columns, optionally filtered (`$filter`, e.g. on modifiedon). A stored nextLink resumes it.
   */
  async *readRows(req: PlainReadRequest): AsyncGenerator<ReadPage, void, undefined> {
    assertName(req.entitySet, 'entity set');
    req.select.forEach((c) => assertName(c, 'column'));
    if (req.orderBy !== undefined) assertName(req.orderBy, 'column');
    const filter = req.filter ? `&$filter=${encodeURIComponent(req.filter)}` : '';
    const order = req.orderBy ? `&$orderby=${req.orderBy}` : '';
    let target: string | null = req.link ?? `${req.entitySet}?$select=${req.select.join(',')}${filter}${order}`;
    const signal = req.signal ?? new AbortController().signal;
    let pending: Promise<ReadPage> | null = this.fetchPage(target, req.entity, signal, false);
    while (pending) {
      const page: ReadPage = await pending;
      target = page.nextLink;
      pending = target ? this.fetchPage(target, req.entity, signal, false) : null;
      pending?.catch(() => undefined); // prefetched; surfaced when awaited
      yield page;
    }
  }

  /** Changes waiting behind a deltaLink (for the status page). */
  async countChanges(entitySet: string, deltaLink: string): Promise<number> {
    assertName(entitySet, 'entity set');
    const token = deltaTokenOf(deltaLink);
    if (token === undefined) throw new FatalError('invalid_link', 'The stored link has no $deltatoken.');
    return this.session.call({ target: `${entitySet}/$count?$deltatoken=${token}`, accept: 'text/plain' }, (res) => {
      const n = Number(res.text.trim());
      if (!Number.isInteger(n) || n < 0)
        throw new MalformedResponseError(`Dataverse sent a count that is not a number.`);
      return n;
    });
  }

  requestStats(): RequestStats {
    return this.session.stats();
  }

  /** What dynasync spent of its share of the sync user's service protection limits, this window. */
  budget(): BudgetSnapshot {
    return this.session.budget();
  }

  private fetchPage(target: string, entity: string, signal: AbortSignal, track = true): Promise<ReadPage> {
    const prefer = [
      ...(track ? ['odata.track-changes'] : []),
      `odata.maxpagesize=${this.maxPageSize}`,
      `odata.include-annotations="${Annotation.LookupLogicalName}"`,
    ];
    const delta = isDeltaLink(target);
    return this.session.call({ target, prefer, signal, entity }, (res) => toReadPage(parseJson(res), delta));
  }

  private getJson<S extends z.ZodType>(target: string, schema: S, what: string): Promise<z.infer<S>> {
    return this.session.call({ target }, (res) => parse(schema, parseJson(res), what));
  }
}

function unknownTable(e: unknown, logicalName: string): unknown {
  if (e instanceof FatalError && e.code === 'not_found') {
    return new FatalError('unknown_table', `Dynamics has no table named '${logicalName}'.`, { cause: e });
  }
  return e;
}
