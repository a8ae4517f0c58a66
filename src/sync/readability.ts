/**
 * Column security can change under a running sync. A secured column the sync user cannot read
 * comes back as null, indistinguishable from a real null, so writing it would wipe good values.
 *
 * Every page with rows is checked after it was read and before it is written: the first one
 * against the whole catalog (validity for read, security, privileges), later ones with the two
 * cheap requests that can change mid-read (which columns are secured, which of those the user may
 * read). A column found unreadable is dropped from the write for the rest of the read: its stored
 * values are kept, and it is reported once as a sync error. An idle cycle pays nothing.
 *
 * The whole-catalog check (a column list, one request per option-set, length or range cast, the
 * user's column and role privileges: about ten requests) runs once per table and selection every
 * five minutes per signed-in source, not at every read: a pushed read of one changed row would
 * otherwise cost ten metadata requests for one data request. Reads in between make the two cheap
 * requests, which see every change of column security; the columns the full check found not
 * valid for read stay dropped. Only a column turning invalid for read (a metadata customization)
 * waits for the next full check, at most five minutes.
 */
import type { EntityPlan } from '../mapping/index.js';
import { fetchCatalog } from './catalog.js';
import { recordSyncError } from './state.js';
import type { StreamDeps } from './stream.js';

/** How long a whole-catalog check of a table stands in for the next ones (the default interval). */
export const FULL_CHECK_MAX_AGE_MS = 5 * 60_000;

interface FullCheck {
  readonly at: number;
  /** Selected columns the full check found missing or not valid for read (not a matter of security). */
  readonly invalid: ReadonlySet<string>;
}

/** Per signed-in source (a new connection checks afresh): `entity|selectHash|userId` → last full check. */
const fullChecks = new WeakMap<object, Map<string, FullCheck>>();

export class ReadabilityGuard {
  #checkedOnce = false;
  readonly #reported = new Set<string>();
  #current: EntityPlan;

  constructor(
    private readonly deps: StreamDeps,
    base: EntityPlan,
  ) {
    this.#current = base;
  }

  /** The plan for a page just read: the previous plan minus columns that turned unreadable. */
  async plan(): Promise<EntityPlan> {
    if (this.#current.fields.length === 0) return this.#current;
    const recent = this.#checkedOnce ? undefined : this.recentFullCheck();
    const unreadable = this.#checkedOnce || recent ? await this.quickCheck(recent?.invalid) : await this.fullCheck();
    this.#checkedOnce = true;
    const lost = this.#current.fields.filter((f) => unreadable.has(f.field.logicalName));
    if (lost.length > 0) await this.drop(lost.map((f) => f.field.logicalName));
    return this.#current;
  }

  private async fullCheck(): Promise<Set<string>> {
    const { deps } = this;
    const startedAt = Date.now();
    const catalog = await fetchCatalog(deps.source, this.#current.entity, deps.userId);
    const readable = new Set(catalog.filter((f) => f.readable).map((f) => f.logicalName));
    const valid = new Set(catalog.filter((f) => f.isValidForRead).map((f) => f.logicalName));
    const selected = this.#current.fields.map((f) => f.field.logicalName);
    let checks = fullChecks.get(deps.source);
    if (!checks) fullChecks.set(deps.source, (checks = new Map()));
    checks.set(this.memoKey(), { at: startedAt, invalid: new Set(selected.filter((n) => !valid.has(n))) });
    return new Set(selected.filter((n) => !readable.has(n)));
  }

  /** This table's full check, when one of the same selection ran less than five minutes ago. */
  private recentFullCheck(): FullCheck | undefined {
    if (!this.deps.source.securedColumns) return undefined;
    const check = fullChecks.get(this.deps.source)?.get(this.memoKey());
    return check && Date.now() - check.at < FULL_CHECK_MAX_AGE_MS ? check : undefined;
  }

  private memoKey(): string {
    return `${this.#current.entity}|${this.#current.selectHash}|${this.deps.userId}`;
  }

  /**
   * Secured columns the user may not read, plus those a recent full check found not valid for
   * read; without the cheap source calls, the full check.
   */
  private async quickCheck(invalid: ReadonlySet<string> = new Set()): Promise<Set<string>> {
    const { source, userId } = this.deps;
    if (!source.securedColumns) return this.fullCheck();
    const [secured, readableIds] = await Promise.all([
      source.securedColumns(this.#current.entity),
      source.readableSecuredColumnIds(userId),
    ]);
    const unreadable = [...secured].filter(([, metadataId]) => !readableIds.has(metadataId)).map(([name]) => name);
    return new Set([...unreadable, ...invalid]);
  }

  private async drop(columns: readonly string[]): Promise<void> {
    const { deps } = this;
    const plan = this.#current;
    for (const column of columns.filter((c) => !this.#reported.has(c))) {
      this.#reported.add(column);
      await recordSyncError(deps.db, {
        runId: deps.runId,
        entity: plan.entity,
        recordId: null,
        operation: 'read',
        code: 'column_unreadable',
        message:
          `${plan.entity}.${column} is selected but the sync user can no longer read it ` +
          `(column security or privileges). Its stored values are kept and it is not updated until read access returns.`,
        personId: null,
      });
    }
    deps.logger.warn({ entity: plan.entity, columns }, 'selected columns turned unreadable');
    this.#current = {
      ...plan,
      fields: plan.fields.filter((f) => !columns.includes(f.field.logicalName)),
      unreadable: [...plan.unreadable, ...columns],
    };
  }
}
