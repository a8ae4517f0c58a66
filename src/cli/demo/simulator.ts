/**
 * Plays sales reps editing Dynamics through the Web API every few seconds, so a demo shows changes,
 * Change Data Value activities and (on the largest account) the 5,000-person cap happen live.
 * It writes as rep@contoso.test through DataverseWriter; the sync itself never writes.
 */
import type { Logger } from '../../config/index.js';
import type { DataverseWriter } from '../../dataverse/index.js';
import type { Db } from '../../store/db/types.js';
import { largestCompany, sampleDynamicsIds } from '../../store/records/index.js';

const CITIES = ['Lyon', 'Nantes', 'Lille', 'Porto', 'Seville', 'Gdansk', 'Leeds', 'Bologna', 'Ghent', 'Aarhus'];
const TITLES = ['VP Marketing', 'Head of Growth', 'CMO', 'Marketing Ops Lead', 'Demand Gen Manager', 'CRM Admin'];
const INDUSTRIES = [1, 3, 7, 10, 16, 19, 25, 33];

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

export class RepSimulator {
  #timer: NodeJS.Timeout | null = null;
  #busy = false;
  #actions = 0;

  constructor(
    private readonly writer: DataverseWriter,
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  get actions(): number {
    return this.#actions;
  }

  start(everyMs: number): void {
    this.#timer = setInterval(() => void this.tick(), everyMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** One rep action; skipped when the previous one is still running. */
  async tick(): Promise<string | null> {
    if (this.#busy) return null;
    this.#busy = true;
    try {
      const what = await this.act(Math.random());
      this.#actions++;
      this.logger.info({ simulated: what }, 'simulated rep edit in Dynamics');
      return what;
    } catch (err) {
      this.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'simulated rep edit failed');
      return null;
    } finally {
      this.#busy = false;
    }
  }

  private async act(r: number): Promise<string> {
    if (r < 0.45) {
      const [id] = await sampleDynamicsIds(this.db, 'persons', 1);
      if (!id) return 'nothing to edit yet';
      await this.writer.update('contacts', id, { jobtitle: pick(TITLES), telephone1: `+33 1 ${Math.floor(1e7 + Math.random() * 9e7)}` });
      return `contact ${id}: job title and phone`;
    }
    if (r < 0.8) {
      const [id] = await sampleDynamicsIds(this.db, 'companies', 1);
      if (!id) return 'nothing to edit yet';
      await this.writer.update('accounts', id, { address1_city: pick(CITIES), industrycode: pick(INDUSTRIES) });
      return `account ${id}: city and industry`;
    }
    if (r < 0.9) {
      const big = await largestCompany(this.db);
      if (!big) return 'nothing to edit yet';
      await this.writer.update('accounts', big.dynamicsId, { numberofemployees: 1000 + Math.floor(Math.random() * 50_000) });
      return `largest account ${big.dynamicsId} (${big.persons} persons): employees`;
    }
    if (r < 0.97) {
      const [account] = await sampleDynamicsIds(this.db, 'companies', 1);
      const n = Math.floor(Math.random() * 1e6);
      const id = await this.writer.create('contacts', {
        firstname: 'Demo', lastname: `Prospect ${n}`, emailaddress1: `prospect${n}@example.com`,
        ...(account ? { 'parentcustomerid_account@odata.bind': `/accounts(${account})` } : {}),
      });
      return `new contact ${id}`;
    }
    const [id] = await sampleDynamicsIds(this.db, 'persons', 1);
    if (!id) return 'nothing to delete yet';
    await this.writer.remove('contacts', id);
    return `deleted contact ${id}`;
  }
}
