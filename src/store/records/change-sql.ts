/**
 * SQL shared by the appliers that log Change Data Value activities (companies.ts, persons.ts): which
 * fields an incoming row changes, and the activity each change writes ($1 time, $2 run id).
 */
import { ActivityType, CDV_FAN_OUT_CAP } from '../../domain/index.js';

/**
 * The fields of `incoming` (jsonb) whose value differs from `stored` (jsonb), as (key, old_value,
 * new_value). Only fields the record already had count: a newly selected field filling in is not a
 * change of value, and logging it would flood the activity log.
 */
export const changedFields = (stored: string, incoming: string): string => `
  SELECT n.key, ${stored} -> n.key AS old_value, n.value AS new_value
  FROM jsonb_each(${incoming}) n
  WHERE ${stored} ? n.key AND (${stored} -> n.key) IS DISTINCT FROM n.value`;

/** The head of an INSERT of one Change Data Value per row of `p` (persons) and `ch` (changes). */
export const insertChanges = (attributes: string): string => `
INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes, run_id)
SELECT p.id, ${ActivityType.ChangeDataValue}, $1, ch.key,
       jsonb_build_object('field', ch.key, 'oldValue', ch.old_value, 'newValue', ch.new_value, 'source', 'dynamics', ${attributes}),
       $2`;

/**
 * The persons one change logs a Change Data Value on (reference 1.2): at most CDV_FAN_OUT_CAP of
 * those `persons` (a SELECT of person ids) selects, lowest id first, so the choice is deterministic.
 * The value itself applies to every one of them; only the activities are capped.
 */
export const fanOutTo = (persons: string): string => `
  SELECT f.id FROM (${persons}) f ORDER BY f.id LIMIT ${CDV_FAN_OUT_CAP}`;
