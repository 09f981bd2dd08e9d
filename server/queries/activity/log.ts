import { type Kysely, sql } from 'kysely';
import type { DB } from '../../db/types';
import type { InvocationLogItem } from '../../schemas/activity';
import {
  type ActivityRange,
  INVOCATION_COLUMNS,
  type InvocationRow,
  type LogFilters,
  filterConditions,
  inRange,
  toRecent,
  zoneError,
} from './filters';

// The invocation log (CONTRACT §8 `/stats/invocations`): newest first, paged
// by the keyset (started_at, id) through the indexes of
// 20260111000000_invocation_log: no OFFSET and no count, so page 1000 costs
// what page 1 does. A position is the row's exact instant (microseconds, as
// text PostgreSQL reads back unchanged) and its id.

/** Where a page ended: the last row's instant and id. */
export interface LogPosition {
  /** `YYYY-MM-DDTHH:MI:SS.UUUUUUZ AD`: exact, whatever the session's settings. */
  at: string;
  id: string;
}

export interface LogQuery {
  range: ActivityRange;
  filters: LogFilters;
  /** Rows strictly after (older than) this position; none: from the newest. */
  after?: LogPosition;
  limit: number;
}

export interface LogPage {
  items: InvocationLogItem[];
  /** The position of the last item, when more rows may follow it; null on the last page. */
  next: LogPosition | null;
}

interface LogRow extends InvocationRow {
  at: string;
  id: string;
}

async function readRows(db: Kysely<DB>, appId: string, query: LogQuery, count: number): Promise<LogRow[]> {
  try {
    const { rows } = await sql<LogRow>`
      select ${INVOCATION_COLUMNS},
             to_char(r.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z" BC') as at, r.id::text as id
      from route_invocations r
      left join users u on u.id = r.user_id
      where r.app_id = ${appId}::uuid and ${inRange(query.range, query.after)} and ${filterConditions(query.filters)}
      order by r.started_at desc, r.id desc
      limit ${count}::int`.execute(db);
    return rows;
  } catch (error) {
    throw zoneError(error, query.range);
  }
}

function itemOf(row: LogRow): InvocationLogItem {
  return { ...toRecent(row), route: row.route };
}

/**
 * One page of the app's log: at most `limit` invocations of the range that
 * pass the filters, newest first, after `after`; `next` says where the
 * following page starts. Reads one row more than it answers to know.
 */
export async function readInvocationLog(db: Kysely<DB>, appId: string, query: LogQuery): Promise<LogPage> {
  const rows = await readRows(db, appId, query, query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return { items: page.map(itemOf), next: rows.length > query.limit && last ? { at: last.at, id: last.id } : null };
}

/**
 * Every matching invocation, newest first, as keyset pages of `pageSize`
 * (for `format=csv`): constant memory, each page one index range read, every
 * row that matched when the first page was read exactly once.
 */
export async function* invocationLogPages(
  db: Kysely<DB>,
  appId: string,
  query: Omit<LogQuery, 'limit'> & { pageSize?: number },
): AsyncGenerator<InvocationLogItem[]> {
  let after = query.after;
  for (;;) {
    const page = await readInvocationLog(db, appId, { ...query, after, limit: query.pageSize ?? 1000 });
    if (page.items.length > 0) yield page.items;
    if (!page.next) return;
    after = page.next;
  }
}
