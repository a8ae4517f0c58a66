/**
 * A marketing-only person: created in the lead database (REST `POST leads.json` with createOnly
 * or createOrUpdate), with no Dynamics id until it is pushed to Dynamics. It gets its New Lead
 * activity in the same transaction, as a person synced from Dynamics does, so the activity log of
 * every person starts with exactly one.
 */
import { ActivityType } from '../../domain/index.js';
import type { SqlClient } from '../db/types.js';

type Values = Readonly<Record<string, string | number | boolean | null>>;

export interface NewLocalPerson {
  readonly email: string;
  /** The person's own fields by local name (the email included). */
  readonly fields: Values;
  /** Marketo's New Lead source type, e.g. "Web service API". */
  readonly sourceType: string;
  readonly now?: Date;
}

export async function createLocalPerson(tx: SqlClient, p: NewLocalPerson): Promise<number> {
  const now = p.now ?? new Date();
  const fields = { ...p.fields, email: p.email };
  const r = await tx.query<{ id: string | number }>(
    `INSERT INTO persons (email, fields, created_at, updated_at) VALUES ($1, $2::jsonb, $3, $3) RETURNING id`,
    [p.email, JSON.stringify(fields), now],
  );
  const id = Number(r.rows[0]!.id);
  await tx.query(
    `INSERT INTO activities (person_id, type_id, occurred_at, primary_attribute_value, attributes)
     VALUES ($1, ${ActivityType.NewLead}, $2, $3, jsonb_build_object('sourceType', $3::text, 'source', 'local'))`,
    [id, now, p.sourceType],
  );
  return id;
}
