/**
 * The data plane: storage, seed, the DataService other parts of the emulator use, and the Web API
 * handlers. DataService writes run through the same mutator (validation, stamps, change log) as HTTP.
 */
import type {
  Clock,
  DataService,
  IdentityService,
  OrgSettings,
  Principal,
  SchemaRegistry,
  SecurityService,
} from '../context.js';
import { notFound } from '../errors.js';
import type { DataHandlers } from '../http/router.js';
import type { SeedName } from '../options.js';
import type { ColumnStore } from './columns.js';
import { Database } from './database.js';
import type { PlaneDeps } from './deps.js';
import { createHandlers } from './handlers.js';
import { createMutator } from './mutations.js';
import { seedDatabase } from './seed.js';
import type { TableStore } from './table-store.js';
import type { WriteSink } from './write-events.js';

export interface DataPlaneDeps {
  clock: Clock;
  org: OrgSettings;
  schema: SchemaRegistry;
  security: SecurityService;
  identity: IdentityService;
  seed: SeedName | number;
  seedValue: number;
  /** Committed writes, for the webhook steps (webhooks/). */
  events?: WriteSink;
}

export function createDataPlane(deps: DataPlaneDeps): { data: DataService; handlers: DataHandlers } {
  const db = new Database(deps.schema, deps.org.name, deps.org.businessUnitId);
  seedDatabase({
    db,
    users: deps.identity.users(),
    seed: deps.seed,
    seedValue: deps.seedValue,
    businessUnitId: deps.org.businessUnitId,
  });
  const mutator = createMutator(db, deps.clock, deps.events);
  const plane: PlaneDeps = { db, clock: deps.clock, org: deps.org, security: deps.security, mutator };
  return { data: createDataService(db, mutator), handlers: createHandlers(plane) };
}

function createDataService(db: Database, mutator: PlaneDeps['mutator']): DataService {
  const store = (table: string): TableStore => {
    const s = db.store(table);
    if (!s) throw notFound(`The entity '${table}' does not exist in the emulator.`);
    return s;
  };
  const row = (s: TableStore, id: string): number => {
    const r = s.rowOf(id.toLowerCase());
    if (r === undefined) throw notFound(`${s.def.logicalName} With Id = ${id} Does Not Exist`);
    return r;
  };
  return {
    count: (table) => store(table).liveCount,
    expireDeltaTokens(table?: string) {
      // Bumping the version first means tokens issued from now on carry a version at or above the mark.
      const mark = db.nextVersion();
      for (const s of table ? [store(table)] : db.allStores()) s.expiredBefore = mark;
    },
    create: (p: Principal, table, body) => {
      const s = store(table);
      const id =
        typeof body[s.def.primaryIdAttribute] === 'string'
          ? (body[s.def.primaryIdAttribute] as string).toLowerCase()
          : undefined;
      return mutator.create(p, s, body, id);
    },
    update: (p, table, id, body) => {
      const s = store(table);
      mutator.update(p, s, row(s, id), body);
    },
    remove: (p, table, id) => {
      const s = store(table);
      mutator.remove(p, s, row(s, id));
    },
    corrupt(table, id, column, value) {
      const s = store(table);
      const r = row(s, id);
      const col: ColumnStore | undefined = s.column(column);
      if (!col) throw notFound(`The column '${table}.${column}' does not exist.`);
      col.corrupt(r, value);
      mutator.touch(s, r, (s.lookup('modifiedby')?.get(r) as string | null) ?? '00000000-0000-0000-0000-000000000000');
    },
    ids(table, limit) {
      const s = store(table);
      const n = Math.min(s.orderLength, limit ?? s.orderLength);
      const out: string[] = new Array<string>(n);
      for (let i = 0; i < n; i++) out[i] = s.ids[s.order[i]!]!;
      return out;
    },
  };
}
