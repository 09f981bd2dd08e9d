import { type Kysely, sql } from 'kysely';
import { addDays, todayIn } from '../lib/range';
import type { Database } from '../server/db/client';
import type { DB } from '../server/db/types';
import { listErrorGroups } from '../server/queries/activity/errors';
import type { LogFilters } from '../server/queries/activity/filters';
import { type LogPosition, readInvocationLog } from '../server/queries/activity/log';
import { power } from './config';
import { type Samples, percentile, sample } from './measure';
import { type BenchRow, costRow, fasterRow } from './report';

// GET /stats/errors and /stats/invocations (CONTRACT §8) on the largest
// loaded app: the error groups of 30 days beside the same grouping over the
// raw rows without the partial index of failed invocations, and log page 1000
// (keyset) beside page 1 with the same filter.

const LOG_FILTER: LogFilters = { user: 'anonymous' };
const LOG_LIMIT = 100;

function last30Days(now: Date) {
  const to = todayIn('UTC', now);
  return { tz: 'UTC', from: addDays(to, -29), to };
}

/** The groups by plain SQL: every failed invocation of the range normalised and grouped, newest-first ties. */
export const naiveErrorGroups = (appId: string, from: string, to: string) => sql`
  select method, route, message, count(*)::int, min(started_at), max(started_at)
  from (select method, appstats_route_of(path) as route, appstats_error_message_of(error, status_code) as message, started_at
        from route_invocations where app_id = ${appId}::uuid and (error is not null or status_code >= 500)
          and started_at >= ${from}::timestamptz and started_at < (${to}::date + 1)::timestamptz) f
  group by 1, 2, 3 order by 4 desc, 6 desc, 1, 2, 3 limit 20`;

/** The naive groups in a transaction that drops the partial index first and rolls back, so the planner cannot use it. */
async function naiveWithoutIndex(db: Kysely<DB>, appId: string, range: { from: string; to: string }): Promise<Samples> {
  return db.connection().execute((conn) =>
    sample(
      async () => {
        await sql`begin`.execute(conn);
        await sql`drop index route_invocations_failed_idx`.execute(conn);
        await naiveErrorGroups(appId, range.from, range.to).execute(conn);
        await sql`rollback`.execute(conn);
      },
      { max: 3, seconds: 0, warmup: 0 },
    ),
  );
}

/** Rows for the error groups and the log's keyset pages on the largest of `loaded`. */
export async function measureActivityReads(
  database: Database,
  loaded: Array<{ events: number; appId: string }>,
  samples: { fast: number; seconds: number },
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const largest = loaded.at(-1);
  if (!largest) return [];
  const { db } = database;
  const range = last30Days(new Date());
  const p50 = (s: Samples) => percentile(s, 50);
  const options = { max: samples.fast, seconds: samples.seconds };

  log('timing /stats/errors…');
  const groups = await sample(() => listErrorGroups(db, largest.appId, { range, limit: 20 }), options);
  const naive = await naiveWithoutIndex(db, largest.appId, range);

  log(`walking the log to page 1000 (${JSON.stringify(LOG_FILTER)})…`);
  const page1 = await sample(() => readInvocationLog(db, largest.appId, { range, filters: LOG_FILTER, limit: LOG_LIMIT }), options);
  // Page 1000, or the last full page where the range holds fewer (the small run).
  let after: LogPosition | undefined;
  let reached = 1;
  for (; reached < 1000; reached++) {
    const next = (await readInvocationLog(db, largest.appId, { range, filters: LOG_FILTER, after, limit: LOG_LIMIT })).next;
    if (!next) break;
    after = next;
  }
  const scale = power(largest.events);
  const rows = [
    fasterRow(`/stats/errors 30 days p50, ${scale} invocations`, p50(groups), p50(naive), 'naive SQL without the partial index', {
      atLeast: 20,
      why: 'the groups read only the failed invocations of the range through the partial index; the naive query filters every invocation of the range.',
    }),
  ];
  const deep = after;
  const pageN = await sample(
    () => readInvocationLog(db, largest.appId, { range, filters: LOG_FILTER, after: deep, limit: LOG_LIMIT }),
    options,
  );
  rows.push(
    costRow(`/stats/invocations page ${reached} (user=anonymous) p50, ${scale} invocations`, p50(pageN), p50(page1), 'page 1', {
      atMost: 2,
      why: 'each page seeks the keyset index from the cursor, so a deep page reads as many index entries as page 1.',
    }),
  );
  return rows;
}
