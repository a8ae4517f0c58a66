/**
 * The activity stream: types, a paging token for "since this time", then pages of activities or
 * lead changes in id order. Every page answers a nextPageToken (where to continue) and moreResult
 * (whether more existed when it was read): a client polls with the last token to get what is new.
 */
import type { FastifyInstance } from 'fastify';
import { ActivityType } from '../../domain/index.js';
import { describeDateRange, isStorableDate } from '../../mapping/ranges.js';
import { activityCursorSince, readActivityPage, type ActivityPage } from '../../store/records/activity-pages.js';
import { ACTIVITY_TYPES, describeTypes, toActivity, toLeadChange } from './activity-format.js';
import type { RestContext } from './context.js';
import { RestCode, RestError, success } from './envelope.js';
import {
  batchSize,
  decodeToken,
  encodeToken,
  fieldList,
  integers,
  param,
  requireParam,
  splitList,
  type Query,
} from './params.js';

/** Marketo's limits: 10 activity types and 30 leads per call. */
const MAX_TYPES = 10;
const MAX_LEADS = 30;
/** At most this many activities are examined per call, however selective the filter. */
const SCAN_LIMIT = 10_000;
const KNOWN_TYPES = new Set<number>(ACTIVITY_TYPES.map((t) => t.id));

function leadIds(q: Query): number[] | null {
  const raw = splitList(param(q, 'leadIds'));
  if (raw.length === 0) return null;
  if (raw.length > MAX_LEADS)
    throw new RestError(RestCode.InvalidData, `At most ${MAX_LEADS} leadIds are allowed, got ${raw.length}`);
  return integers(raw, 'leadIds');
}

function activityTypeIds(q: Query): number[] {
  const ids = integers(splitList(requireParam(q, 'activityTypeIds')), 'activityTypeIds');
  if (ids.length > MAX_TYPES)
    throw new RestError(RestCode.InvalidData, `At most ${MAX_TYPES} activityTypeIds are allowed, got ${ids.length}`);
  const unknown = ids.find((id) => !KNOWN_TYPES.has(id));
  if (unknown !== undefined) throw new RestError(RestCode.InvalidData, `Invalid activity type id ${unknown}`);
  return ids;
}

function parseSince(raw: string): Date {
  const at = /^\d{4}-\d{2}-\d{2}/.test(raw) ? new Date(raw) : new Date(NaN);
  if (Number.isNaN(at.getTime()))
    throw new RestError(
      RestCode.InvalidValue,
      `Invalid value '${raw.slice(0, 60)}' for sinceDatetime: an ISO 8601 date-time is required`,
    );
  if (!isStorableDate(at.getTime())) {
    throw new RestError(
      RestCode.InvalidValue,
      `Invalid value '${raw.slice(0, 60)}' for sinceDatetime: dates from ${describeDateRange()} are accepted`,
    );
  }
  return at;
}

const paged = (page: ActivityPage, result: unknown[]) =>
  success(result, { nextPageToken: encodeToken('activities', page.nextAfterId), moreResult: page.more });

export function registerActivities(app: FastifyInstance, ctx: RestContext): void {
  const { db } = ctx.deps;

  app.get('/v1/activities/types.json', async () => success(describeTypes()));

  app.get('/v1/activities/pagingtoken.json', async (req) => {
    const since = parseSince(requireParam(req.query as Query, 'sinceDatetime'));
    return success(undefined, { nextPageToken: encodeToken('activities', await activityCursorSince(db, since)) });
  });

  app.get('/v1/activities.json', async (req) => {
    const q = req.query as Query;
    const afterId = decodeToken(requireParam(q, 'nextPageToken'), 'activities');
    const typeIds = activityTypeIds(q);
    const persons = leadIds(q);
    const limit = batchSize(q);
    const fields = await ctx.leadFields.get();
    const page = await readActivityPage(db, { afterId, typeIds, personIds: persons, limit, scanLimit: SCAN_LIMIT });
    return paged(
      page,
      page.rows.map((a) => toActivity(a, fields)),
    );
  });

  app.get('/v1/activities/leadchanges.json', async (req) => {
    const q = req.query as Query;
    const afterId = decodeToken(requireParam(q, 'nextPageToken'), 'activities');
    const fields = await ctx.leadFields.get();
    requireParam(q, 'fields');
    const changeFields = fieldList(q, fields, []).map((f) => f.name);
    const persons = leadIds(q);
    const limit = batchSize(q);
    const page = await readActivityPage(db, {
      afterId,
      typeIds: [ActivityType.NewLead, ActivityType.ChangeDataValue],
      personIds: persons,
      changeFields,
      limit,
      scanLimit: SCAN_LIMIT,
    });
    return paged(
      page,
      page.rows.map((a) => toLeadChange(a, fields)),
    );
  });
}
