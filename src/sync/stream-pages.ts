/** What every read path of a stream shares: mapping a page's rows and finding the table's applier. */
import { FatalError, isSyncEntity } from '../domain/index.js';
import { mapRecord, type EntityPlan, type MappedRecord } from '../mapping/index.js';
import type { RecordFailure } from '../store/records/index.js';
import { APPLIERS, type Applier } from './appliers.js';
import type { ReadPage } from './ports.js';

export interface MappedPage {
  readonly good: MappedRecord[];
  readonly failures: RecordFailure[];
}

export function mapPage(plan: EntityPlan, page: Pick<ReadPage, 'rows'>): MappedPage {
  const good: MappedRecord[] = [];
  const failures: RecordFailure[] = [];
  for (const row of page.rows) {
    const m = mapRecord(plan, row);
    if (m.ok) good.push(m.record);
    else
      failures.push({
        dynamicsId: m.id ?? '',
        entity: plan.entity,
        column: m.column,
        code: m.error.code,
        message: m.error.message,
      });
  }
  return { good, failures };
}

/** The stream's applier: the given one (custom tables), else the standard table's. */
export function applierFor(plan: EntityPlan, given: Applier | undefined): Applier {
  const applier = given ?? (isSyncEntity(plan.entity) ? APPLIERS[plan.entity] : undefined);
  if (!applier) throw new FatalError('unsupported_entity', `${plan.entity} is not synced yet`);
  return applier;
}
