/**
 * Tables read with fixed columns instead of a field selection: a connection (an opportunity's
 * stakeholder) matters only through its two ends and its role, which the lead database keeps as
 * links, so there is nothing for a user to choose.
 */
import type { AttributeType, CatalogField, SyncEntity } from '../domain/index.js';
import { buildPlan, type EntityPlan } from './plan.js';

const fixed = (entity: string, logicalName: string, attributeType: AttributeType): CatalogField => ({
  entity,
  logicalName,
  attributeType,
  displayName: logicalName,
  isValidForRead: true,
  isSecured: false,
  readable: true,
  isCustom: false,
  maxLength: null,
  requiredLevel: 'None',
  options: null,
  canUpdate: false,
  canCreate: false,
  updateDenied: 'not_checked',
  createDenied: 'not_checked',
});

const FIXED: Partial<Record<SyncEntity, readonly CatalogField[]>> = {
  connection: [
    fixed('connection', 'record1id', 'Lookup'),
    fixed('connection', 'record2id', 'Lookup'),
    fixed('connection', 'record2roleid', 'Lookup'),
    fixed('connection', 'record1objecttypecode', 'EntityName'),
    fixed('connection', 'record2objecttypecode', 'EntityName'),
  ],
};

/** The read plan of a fixed-column table (undefined for a table with a field selection). */
export function fixedPlan(entity: SyncEntity): EntityPlan | undefined {
  const catalog = FIXED[entity];
  if (!catalog) return undefined;
  return buildPlan(
    entity,
    catalog,
    catalog.map((f) => ({ entity, logicalName: f.logicalName, localName: f.logicalName })),
  );
}
