/**
 * The fleet scenario's organizations (bench/scenarios/fleet.ts): each gets its schema (every
 * migration, as `org add` does), a connection to its own organization of the emulator fleet, the
 * default field selection and its registry row with its interval. A few at a time: creating a
 * schema is the slow part (1.6 s p50 with 1,000 present, docs/PERFORMANCE.md).
 */
import { silentLogger } from '../../src/config/index.js';
import { CYCLE_ORDER } from '../../src/domain/index.js';
import { DEFAULT_APP_ID, DEFAULT_PASSWORD } from '../../src/emulator/index.js';
import { saveConnection } from '../../src/store/connection-repo.js';
import { openDb } from '../../src/store/db/index.js';
import { ensureRegistry, insertOrg, openFleetDb, schemaForOrg } from '../../src/store/fleet/index.js';
import { loadSecretBox } from '../../src/store/secrets.js';
import { saveFieldSelection } from '../../src/sync/fields.js';
import { openSession } from '../../src/sync/session.js';

export interface FleetOrgSpec {
  readonly name: string;
  readonly intervalSeconds: number;
}

export async function createFleetOrgs(
  databaseUrl: string,
  secretKey: string,
  emulatorUrl: string,
  orgs: readonly FleetOrgSpec[],
  log: (msg: string) => void,
  parallel = 2,
): Promise<void> {
  const logger = silentLogger();
  const box = loadSecretBox({ dataDir: '/nonexistent', logger, secretKey });
  const fleet = openFleetDb(databaseUrl, logger);
  try {
    await ensureRegistry(fleet, 60);
    let next = 0;
    let done = 0;
    const one = async (spec: FleetOrgSpec) => {
      const db = await openDb({ databaseUrl, logger, schema: schemaForOrg(spec.name), maxConnections: 2 });
      try {
        await saveConnection(db, box, {
          orgUrl: `${emulatorUrl}/${spec.name}`,
          authKind: 'password',
          username: 'sync@contoso.test',
          clientId: DEFAULT_APP_ID,
          tenant: spec.name,
          authority: emulatorUrl,
          secrets: { password: DEFAULT_PASSWORD },
        });
        const session = await openSession(db, box, logger, 5000);
        const userId = await session.userId();
        for (const entity of CYCLE_ORDER)
          await saveFieldSelection(db, session.source, userId, { entity, defaults: true });
      } finally {
        await db.close();
      }
      await insertOrg(fleet, spec.name, spec.intervalSeconds);
      if (++done % 25 === 0) log(`fleet: ${done}/${orgs.length} organizations created`);
    };
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < orgs.length) await one(orgs[next++]!);
      }),
    );
  } finally {
    await fleet.close();
  }
}
