import { type Kysely, sql } from 'kysely';
import type { DB } from '../../server/db/types';
import type { ActivityRange, LogFilters } from '../../server/queries/activity/filters';
import type { ErrorGroup, InvocationLogItem } from '../../server/schemas/activity';
import type { RecentInvocation } from '../../server/schemas/stats';
import { compareCodePoints, errorMessageOf, routeOf } from './normalise-ref';

// The log and the error groups of CONTRACT §8 computed the obvious way: every
// raw row of the app by plain SQL, the range's bounds by PostgreSQL's zone
// rules, and then filters, order and groups in TypeScript with the reference
// normalisation of normalise-ref.ts. The property tests hold the indexed
// queries to it.

interface RawRow {
  id: bigint;
  us: bigint;
  item: InvocationLogItem;
}

interface RawSqlRow extends Omit<RecentInvocation, 'startedAt' | 'memoryPeakBytes'> {
  id: string;
  us: string;
  startedAt: Date;
  memoryPeakBytes: string | null;
}

async function rawRows(db: Kysely<DB>, appId: string, range: ActivityRange): Promise<RawRow[]> {
  const { rows } = await sql<RawSqlRow>`
    with b as (select ${range.from}::timestamp at time zone ${range.tz}::text as lo, (${range.to}::date + 1)::timestamp at time zone ${range.tz}::text as hi)
    select r.id::text as id, (extract(epoch from r.started_at) * 1000000)::bigint::text as us, r.method, r.path, u.username,
           r.started_at as "startedAt", r.duration_ms as "durationMs", r.status_code as "statusCode", r.memory_peak_bytes as "memoryPeakBytes", r.error
    from route_invocations r left join users u on u.id = r.user_id, b
    where r.app_id = ${appId}::uuid and r.started_at >= b.lo and r.started_at < b.hi`.execute(db);
  return rows.map((row) => ({
    id: BigInt(row.id),
    us: BigInt(row.us),
    item: {
      method: row.method,
      path: row.path,
      username: row.username ?? null,
      startedAt: row.startedAt.toISOString(),
      durationMs: row.durationMs,
      statusCode: row.statusCode,
      memoryPeakBytes: row.memoryPeakBytes === null ? null : Number(row.memoryPeakBytes),
      error: row.error,
      route: routeOf(row.path),
    },
  }));
}

const failed = (item: RecentInvocation) => item.error !== null || item.statusCode >= 500;
const newestFirst = (a: RawRow, b: RawRow) => (a.us !== b.us ? (a.us > b.us ? -1 : 1) : a.id > b.id ? -1 : a.id < b.id ? 1 : 0);

function passes(item: InvocationLogItem, filters: LogFilters): boolean {
  const { status, method, route, user } = filters;
  if (status === 'failed' && !failed(item)) return false;
  if (status && status !== 'failed' && Math.trunc(item.statusCode / 100) !== Number(status[0])) return false;
  if (method !== undefined && item.method !== method) return false;
  if (route !== undefined && item.route !== route) return false;
  if (user === 'anonymous' && item.username !== null) return false;
  if (user !== undefined && user !== 'anonymous' && item.username !== user) return false;
  return true;
}

/** Every invocation of the range that passes the filters, newest first (ties: the higher id first). */
export async function rawLog(db: Kysely<DB>, appId: string, range: ActivityRange, filters: LogFilters): Promise<InvocationLogItem[]> {
  return (await rawRows(db, appId, range))
    .filter((row) => passes(row.item, filters))
    .sort(newestFirst)
    .map((row) => row.item);
}

/** The error groups of the range, in §8's order, at most `limit`. */
export async function rawErrorGroups(
  db: Kysely<DB>,
  appId: string,
  range: ActivityRange,
  options: { method?: string; route?: string; limit: number },
): Promise<ErrorGroup[]> {
  const rows = (await rawRows(db, appId, range)).filter((row) => failed(row.item) && passes(row.item, options));
  const groups = new Map<string, { key: [string, string, string]; rows: RawRow[] }>();
  for (const row of rows) {
    const key: [string, string, string] = [row.item.method, row.item.route, errorMessageOf(row.item.error, row.item.statusCode)];
    const id = key.join('\0');
    const group = groups.get(id) ?? { key, rows: [] };
    group.rows.push(row);
    groups.set(id, group);
  }
  const answer = [...groups.values()].map(({ key: [method, route, message], rows: members }) => {
    const sorted = [...members].sort(newestFirst);
    const newest = sorted[0] as RawRow;
    const oldest = sorted.at(-1) as RawRow;
    const { route: _route, ...sample } = newest.item;
    return {
      method,
      route,
      message,
      count: members.length,
      firstSeenAt: oldest.item.startedAt,
      lastSeenAt: newest.item.startedAt,
      sample,
      last: newest.us,
    };
  });
  answer.sort(
    (a, b) =>
      b.count - a.count ||
      (a.last !== b.last ? (a.last > b.last ? -1 : 1) : 0) ||
      compareCodePoints(a.method, b.method) ||
      compareCodePoints(a.route, b.route) ||
      compareCodePoints(a.message, b.message),
  );
  return answer.slice(0, options.limit).map(({ last: _last, ...group }) => group);
}
