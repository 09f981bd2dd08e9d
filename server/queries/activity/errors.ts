import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types';
import type { ErrorGroup } from '../../schemas/activity';
import {
  type ActivityRange,
  FAILED,
  INVOCATION_COLUMNS,
  type InvocationRow,
  filterConditions,
  inRange,
  toRecent,
  zoneError,
} from './filters';

// Error groups (CONTRACT §8 `/stats/errors`): the range's failed invocations
// by method, route and message, read through the partial index over failed
// invocations (route_invocations_failed_idx), so only the failed rows of the
// range are touched (bench/activity.ts measures it against a plain scan).
// Both normalisations are the SQL functions of sql/insights/normalise.sql.

export interface ErrorGroupsQuery {
  range: ActivityRange;
  /** Narrow to one method and/or one route. */
  method?: string;
  route?: string;
  limit: number;
}

interface GroupRow extends InvocationRow {
  message: string;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
}

// Count descending, newest last-seen first, then method, route and message in code-point order.
const GROUP_ORDER = sql`count desc, last_at desc, method collate "C", route collate "C", message collate "C"`;

/**
 * The app's error groups over the range: count, first and last seen, and the
 * newest invocation as sample (the highest id among those of its last instant),
 * at most `limit`, in the order of §8.
 */
export async function listErrorGroups(db: Kysely<DB>, appId: string, query: ErrorGroupsQuery): Promise<ErrorGroup[]> {
  const filters = filterConditions({ method: query.method, route: query.route });
  try {
    const { rows } = await sql<GroupRow>`
      with failed as (
        select r.method, appstats_route_of(r.path) as route, appstats_error_message_of(r.error, r.status_code) as message, r.started_at
        from route_invocations r
        where r.app_id = ${appId}::uuid and ${inRange(query.range)} and ${FAILED} and ${filters}
      ),
      groups as (
        select method, route, message, count(*)::int as count, min(started_at) as first_at, max(started_at) as last_at
        from failed group by method, route, message
        order by ${GROUP_ORDER}
        limit ${query.limit}::int
      )
      select g.message, g.count, g.first_at as "firstSeenAt", g.last_at as "lastSeenAt", s.*
      from groups g
      cross join lateral (
        select ${INVOCATION_COLUMNS}
        from route_invocations r
        left join users u on u.id = r.user_id
        where r.app_id = ${appId}::uuid and r.started_at = g.last_at and ${FAILED} and r.method = g.method
          and appstats_route_of(r.path) = g.route and appstats_error_message_of(r.error, r.status_code) = g.message
        order by r.id desc
        limit 1
      ) s
      order by g.count desc, g.last_at desc, g.method collate "C", g.route collate "C", g.message collate "C"`.execute(db);
    return rows.map((row) => ({
      method: row.method,
      route: row.route,
      message: row.message,
      count: row.count,
      firstSeenAt: row.firstSeenAt.toISOString(),
      lastSeenAt: row.lastSeenAt.toISOString(),
      sample: toRecent(row),
    }));
  } catch (error) {
    throw zoneError(error, query.range);
  }
}
