/**
 * Column security can change under a running sync. A secured column the sync user cannot read
 * comes back as null, indistinguishable from a real null, so writing it would wipe good values.
 *
 * Every page with rows is checked after it was read and before it is written: the first one
 * against the whole catalog (validity for read, security, privileges), later ones with the two
 * cheap requests that can change mid-read (which columns are secured, which of those the user may
 * read). A column found unreadable is dropped from the write for the rest of the read: its stored
 * values are kept, and it is reported once as a sync error. An idle cycle pays nothing.
 */
import type { EntityPlan } from '../mapping/index.js';
import { fetchCatalog } from './catalog.js';
import { recordSyncError } from './state.js';
import type { StreamDeps } from './stream.js';

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
    const unreadable = this.#checkedOnce ? await this.quickCheck() : await this.fullCheck();
    this.#checkedOnce = true;
    const lost = this.#current.fields.filter((f) => unreadable.has(f.field.logicalName));
    if (lost.length > 0) await this.drop(lost.map((f) => f.field.logicalName));
    return this.#current;
  }

  private async fullCheck(): Promise<Set<string>> {
    const { deps } = this;
    const catalog = await fetchCatalog(deps.source, this.#current.entity, deps.userId);
    const readable = new Set(catalog.filter((f) => f.readable).map((f) => f.logicalName));
    return new Set(this.#current.fields.map((f) => f.field.logicalName).filter((n) => !readable.has(n)));
  }

  /** Secured columns the user may not read; without the cheap source calls, the full check. */
  private async quickCheck(): Promise<Set<string>> {
    const { source, userId } = this.deps;
    if (!source.securedColumns) return this.fullCheck();
    const [secured, readableIds] = await Promise.all([
      source.securedColumns(this.#current.entity),
      source.readableSecuredColumnIds(userId),
    ]);
    return new Set([...secured].filter(([, metadataId]) => !readableIds.has(metadataId)).map(([name]) => name));
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
