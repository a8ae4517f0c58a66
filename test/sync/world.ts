/**
 * A whole sync world for behaviour tests: an emulator (real HTTP), a fresh lead database (PGlite or
 * PostgreSQL), a stored connection for the sync user, the default field selection, and a sales rep
 * who edits Dynamics through the Web API exactly as a person at a browser would.
 */
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../src/config/logger.js';
import type { SyncEntity } from '../../src/domain/index.js';
import { DataverseWriter } from '../../src/dataverse/index.js';
import { createAdmin, type EmulatorAdmin } from '../../src/emulator/faults/admin.js';
import {
  DEFAULT_APP_ID,
  DEFAULT_PASSWORD,
  startEmulator,
  type EmulatorHandle,
  type EmulatorOptions,
} from '../../src/emulator/index.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import { SecretBox } from '../../src/store/secrets.js';
import { runCycle, type CycleResult } from '../../src/sync/cycle.js';
import { saveFieldSelection, FIELD_ENTITIES, type SelectionChange } from '../../src/sync/fields.js';
import { openSession, type SyncSession } from '../../src/sync/session.js';
import { afterEach, describe } from 'vitest';
import { backends, openTestDb, type BackendName, type TestDb } from '../helpers/db.js';

export interface World {
  readonly emu: EmulatorHandle;
  readonly admin: EmulatorAdmin;
  readonly db: TestDb;
  readonly box: SecretBox;
  readonly session: SyncSession;
  readonly userId: string;
  /** A sales rep editing Dynamics over the Web API. */
  readonly rep: DataverseWriter;
  cycle(): Promise<CycleResult>;
  /** Saves the field selection again (what the reference product asks after a schema change). */
  saveFields(entity: SyncEntity, change?: Omit<SelectionChange, 'entity'>): Promise<void>;
  close(): Promise<void>;
}

export async function openWorld(
  backend: BackendName,
  options: EmulatorOptions = {},
  sync: { pageSize?: number } = {},
): Promise<World> {
  const emu = await startEmulator({ port: 0, seed: 5, ...options });
  const db = await openTestDb({ backend });
  const logger = silentLogger();
  const box = new SecretBox(randomBytes(32));
  await saveConnection(
    db,
    box,
    {
      orgUrl: emu.url,
      authKind: 'password',
      username: 'sync@contoso.test',
      clientId: DEFAULT_APP_ID,
      tenant: 'contoso',
      secrets: { password: DEFAULT_PASSWORD },
    },
    { reset: false },
  );
  const session = await openSession(db, box, logger, sync.pageSize ?? 5000);
  const userId = await session.userId();
  for (const entity of FIELD_ENTITIES) await saveFieldSelection(db, session.source, userId, { entity, defaults: true });
  const rep = new DataverseWriter({
    settings: {
      orgUrl: emu.url,
      authKind: 'password',
      username: 'rep@contoso.test',
      password: DEFAULT_PASSWORD,
      clientId: DEFAULT_APP_ID,
      tenant: 'contoso',
    },
    logger,
  });
  return {
    emu,
    admin: createAdmin(emu.ctx),
    db,
    box,
    session,
    userId,
    rep,
    cycle: () => runCycle({ db, source: session.source, logger, userId }, 'once'),
    saveFields: async (entity, change = {}) => {
      await saveFieldSelection(db, session.source, userId, { entity, ...change });
    },
    close: async () => {
      await db.dispose();
      await emu.close();
    },
  };
}

/** Ids of live rows in the emulator, for picking records to edit. */
export const emulatorIds = (w: World, table: string, limit?: number): string[] => w.emu.ctx.data.ids(table, limit);

/** Person dynamics ids of an account in the lead database, in person id order. */
export async function personsOfAccount(w: World, accountId: string): Promise<string[]> {
  const rows = await w.db.query<{ dynamics_id: string }>(
    'SELECT dynamics_id FROM persons WHERE account_dynamics_id = $1 ORDER BY id',
    [accountId],
  );
  return rows.rows.map((r) => r.dynamics_id);
}

/**
 * Every row of an entity set as Dataverse serves it, read with plain fetch and a token of the
 * rep's (not the sync's client), so a bug in the client cannot hide on both sides of a comparison.
 */
export async function emulatorRows(
  w: Pick<World, 'emu'>,
  entitySet: string,
  select: readonly string[],
  filter?: string,
): Promise<Record<string, unknown>[]> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: DEFAULT_APP_ID,
    username: 'rep@contoso.test',
    password: DEFAULT_PASSWORD,
    scope: `${w.emu.url}/.default`,
  });
  const token = (
    (await (await fetch(w.emu.tokenEndpoint, { method: 'POST', body: form })).json()) as { access_token: string }
  ).access_token;
  const rows: Record<string, unknown>[] = [];
  const where = filter ? `&$filter=${encodeURIComponent(filter)}` : '';
  let next: string | undefined = `${w.emu.url}/api/data/v9.2/${entitySet}?$select=${select.join(',')}${where}`;
  while (next) {
    const res = await fetch(next, { headers: { authorization: `Bearer ${token}`, prefer: 'odata.maxpagesize=5000' } });
    if (!res.ok) throw new Error(`${entitySet}: HTTP ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { value: Record<string, unknown>[]; '@odata.nextLink'?: string };
    rows.push(...page.value);
    next = page['@odata.nextLink'];
  }
  return rows;
}

/**
 * Ids of open leads (statecode 0). The seed also holds qualified leads, whose person became their
 * contact, so a test that edits "a lead" picks an open one.
 */
export async function openLeadIds(w: World, limit: number): Promise<string[]> {
  const rows = await emulatorRows(w, 'leads', ['leadid'], 'statecode eq 0');
  return rows.slice(0, limit).map((r) => r.leadid as string);
}

/**
 * How many persons Dynamics holds: every contact, and every lead no contact was qualified from (a
 * qualified lead's person is its contact).
 */
export async function dynamicsPersonCount(w: Pick<World, 'emu'>): Promise<number> {
  const contacts = await emulatorRows(w, 'contacts', ['contactid', '_originatingleadid_value']);
  const leads = await emulatorRows(w, 'leads', ['leadid']);
  const became = new Set(
    contacts.map((c) => c._originatingleadid_value).filter((v): v is string => typeof v === 'string'),
  );
  return contacts.length + leads.filter((l) => !became.has(l.leadid as string)).length;
}

export interface WorldSuite {
  readonly backend: BackendName;
  /** Opens this test's world; it is closed after the test. */
  open(options?: EmulatorOptions, sync?: { pageSize?: number }): Promise<World>;
}

/** Declares the body's tests once per backend, each test with its own world, closed after it. */
export function describeWorlds(title: string, body: (suite: WorldSuite) => void): void {
  for (const backend of backends) {
    describe(`${title} [${backend}]`, () => {
      let current: World | undefined;
      afterEach(async () => {
        await current?.close();
        current = undefined;
      });
      body({
        backend,
        open: async (options, sync) => (current = await openWorld(backend, options, sync)),
      });
    });
  }
}
