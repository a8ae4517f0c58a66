/**
 * Column security can change under a running sync. A secured column the sync user cannot read
 * comes back as null, indistinguishable from a real null, so writing it would wipe good values.
 * Before the first page with rows, the guard re-reads which selected columns are still readable
 * (once per table per cycle; an idle cycle pays nothing) and drops the others from the write:
 * their stored values are kept and each is reported as a sync error.
 */
import type { EntityPlan } from '../mapping/index.js';
import { fetchCatalog } from './catalog.js';
import { recordSyncError } from './state.js';
import type { StreamDeps } from './stream.js';

export class ReadabilityGuard {
  #checked: Promise<EntityPlan> | null = null;

  constructor(
    private readonly deps: StreamDeps,
    private readonly base: EntityPlan,
  ) {}

  plan(): Promise<EntityPlan> {
    this.#checked ??= this.check();
    return this.#checked;
  }

  private async check(): Promise<EntityPlan> {
    const { deps, base } = this;
    if (base.fields.length === 0) return base;
    const catalog = await fetchCatalog(deps.source, base.entity, deps.userId);
    const readable = new Set(catalog.filter((f) => f.readable).map((f) => f.logicalName));
    const lost = base.fields.filter((f) => !readable.has(f.field.logicalName));
    if (lost.length === 0) return base;
    for (const f of lost) {
      await recordSyncError(deps.db, {
        runId: deps.runId,
        entity: base.entity,
        recordId: null,
        operation: 'read',
        code: 'column_unreadable',
        message:
          `${base.entity}.${f.field.logicalName} is selected but the sync user can no longer read it ` +
          `(column security or privileges). Its stored values are kept and it is not updated until read access returns.`,
        personId: null,
      });
    }
    deps.logger.warn({ entity: base.entity, columns: lost.map((f) => f.field.logicalName) }, 'selected columns turned unreadable');
    return {
      ...base,
      fields: base.fields.filter((f) => readable.has(f.field.logicalName)),
      unreadable: [...base.unreadable, ...lost.map((f) => f.field.logicalName)],
    };
  }
}
