/**
 * Plays sales reps editing Dynamics through the Web API every few seconds, so a demo shows changes,
 * Change Data Value activities and (on the largest account) the 5,000-person cap happen live, and
 * leads arriving, being worked and being qualified into contacts (QualifyLead).
 * It writes as rep@contoso.test through DataverseWriter.
 */
import type { Logger } from '../../config/index.js';
import type { DataverseWriter } from '../../dataverse/index.js';
import type { Db } from '../../store/db/types.js';
import { largestCompany, sampleDynamicsIds } from '../../store/records/index.js';
import { Ticker } from './ticker.js';

const CITIES = ['Lyon', 'Nantes', 'Lille', 'Porto', 'Seville', 'Gdansk', 'Leeds', 'Bologna', 'Ghent', 'Aarhus'];
const TITLES = ['VP Marketing', 'Head of Growth', 'CMO', 'Marketing Ops Lead', 'Demand Gen Manager', 'CRM Admin'];
const INDUSTRIES = [1, 3, 7, 10, 16, 19, 25, 33];
const COMPANIES = [
  'Northwind Traders',
  'Fabrikam',
  'Tailspin Toys',
  'Wide World Importers',
  'Adventure Works',
  'Litware',
];
const SOURCES = [1, 6, 7, 8];

const pick = <T>(xs: readonly T[]): T => xs[Math.floor(Math.random() * xs.length)]!;

export class RepSimulator extends Ticker {
  #actions = 0;
  /** Open leads this simulator created (it has no read access of its own): worked, then qualified. */
  readonly #openLeads: string[] = [];

  constructor(
    private readonly writer: DataverseWriter,
    private readonly db: Db,
    logger: Logger,
  ) {
    super(logger, 'simulated rep edit');
  }

  get actions(): number {
    return this.#actions;
  }

  /** One rep action in Dynamics. */
  protected async act(): Promise<string> {
    const what = await this.edit(Math.random());
    this.#actions++;
    this.logger.info({ simulated: what }, 'simulated rep edit in Dynamics');
    return what;
  }

  private async edit(r: number): Promise<string> {
    if (r < 0.2) return this.leadAction(Math.random());
    if (r < 0.45) {
      const [id] = await sampleDynamicsIds(this.db, 'persons', 1);
      if (!id) return 'nothing to edit yet';
      await this.writer.update('contacts', id, {
        jobtitle: pick(TITLES),
        telephone1: `+33 1 ${Math.floor(1e7 + Math.random() * 9e7)}`,
      });
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
      await this.writer.update('accounts', big.dynamicsId, {
        numberofemployees: 1000 + Math.floor(Math.random() * 50_000),
      });
      return `largest account ${big.dynamicsId} (${big.persons} persons): employees`;
    }
    if (r < 0.97) {
      const [account] = await sampleDynamicsIds(this.db, 'companies', 1);
      const n = Math.floor(Math.random() * 1e6);
      const id = await this.writer.create('contacts', {
        firstname: 'Demo',
        lastname: `Prospect ${n}`,
        emailaddress1: `prospect${n}@example.com`,
        ...(account ? { 'parentcustomerid_account@odata.bind': `/accounts(${account})` } : {}),
      });
      return `new contact ${id}`;
    }
    const [id] = await sampleDynamicsIds(this.db, 'persons', 1);
    if (!id) return 'nothing to delete yet';
    await this.writer.remove('contacts', id);
    return `deleted contact ${id}`;
  }

  /** A rep's lead work: a new lead, an edit of an open one, or qualifying one into a contact. */
  private async leadAction(r: number): Promise<string> {
    const open = this.#openLeads;
    if (open.length === 0 || r < 0.4) {
      const n = Math.floor(Math.random() * 1e6);
      const company = pick(COMPANIES);
      const id = await this.writer.create('leads', {
        subject: `Inquiry from ${company}`,
        firstname: 'Lead',
        lastname: `Visitor ${n}`,
        companyname: company,
        emailaddress1: `visitor${n}@example.com`,
        jobtitle: pick(TITLES),
        leadsourcecode: pick(SOURCES),
        address1_city: pick(CITIES),
      });
      open.push(id);
      return `new lead ${id}`;
    }
    const i = Math.floor(Math.random() * open.length);
    const id = open[i]!;
    if (r < 0.75) {
      await this.writer.update('leads', id, {
        jobtitle: pick(TITLES),
        telephone1: `+33 1 ${Math.floor(1e7 + Math.random() * 9e7)}`,
        statuscode: 2,
      });
      return `lead ${id}: contacted, job title and phone`;
    }
    open.splice(i, 1);
    await this.writer.qualifyLead(id, {
      CreateAccount: false,
      CreateContact: true,
      CreateOpportunity: false,
      Status: 3,
    });
    return `qualified lead ${id} into a contact`;
  }
}
