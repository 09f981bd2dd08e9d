import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../../server/db/types';

// The test oracle of the hour rows and duration histograms of the rollups
// (migration 20260109000000_rollup_hours_histograms): each figure from the
// rollup rows (plus the slots' current buckets) and from plain SQL over the
// raw rows, compared by key. Raw hours are date_trunc('hour', …, 'UTC'), raw
// histograms count(*) per stats_duration_bin(duration_ms).

/** One key where the rollups and the raw rows disagree (a key that only one side has included). */
export interface HourOrHistogramDifference {
  figure: string;
  key: string;
  rollup: unknown;
  raw: unknown;
}

const FAILED = '(error is not null or status_code >= 500)';
const CUR_HOUR = sql.raw(`date_trunc('hour', cur_bucket, 'UTC')`);
const CUR_DAY = sql.raw(`(cur_bucket at time zone 'UTC')::date`);

/** Counts per (key, bin) of histograms in rows (key, hist), bins summing to 0 left out. */
function histogramCounts(rows: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`select k::text || ' bin ' || (array_lower(hist, 1) + u.o - 1)::text as key, to_jsonb(sum(u.n)) as doc
    from (${rows}) r cross join lateral unnest(r.hist) with ordinality u(n, o)
    group by r.k, array_lower(hist, 1) + u.o - 1 having sum(u.n) <> 0`;
}

function rawHistogram(appId: string, key: string): RawBuilder<unknown> {
  return sql`select (${sql.raw(key)})::text || ' bin ' || stats_duration_bin(duration_ms)::text, to_jsonb(count(*))
    from route_invocations where app_id = ${appId} group by ${sql.raw(key)}, stats_duration_bin(duration_ms)`;
}

function checks(appId: string): Array<{ figure: string; rollup: RawBuilder<unknown>; raw: RawBuilder<unknown> }> {
  const slots = sql`from stats_invocation_slots where app_id = ${appId} and cur_bucket is not null`;
  return [
    {
      figure: 'views by hour',
      rollup: sql`select hour::text as key, to_jsonb(sum(views)) as doc from (
          select hour, views from stats_view_hours where app_id = ${appId}
          union all select ${CUR_HOUR}, cur_views from stats_view_slots where app_id = ${appId} and cur_bucket is not null) h
        group by hour having sum(views) <> 0`,
      raw: sql`select date_trunc('hour', viewed_at, 'UTC')::text, to_jsonb(count(*)) from view_events where app_id = ${appId} group by 1`,
    },
    {
      figure: 'invocations by hour',
      rollup: sql`select hour::text as key,
          jsonb_build_object('n', sum(invocations), 'computeMs', sum(compute_ms), 'failed', sum(failed), 'peak', max(peak_memory)) as doc
        from (select hour, invocations, compute_ms, failed, peak_memory from stats_invocation_hours where app_id = ${appId}
              union all select ${CUR_HOUR}, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory ${slots}) h
        group by hour having sum(invocations) <> 0 or sum(compute_ms) <> 0 or sum(failed) <> 0 or max(peak_memory) is not null`,
      raw: sql`select date_trunc('hour', started_at, 'UTC')::text,
          jsonb_build_object('n', count(*), 'computeMs', sum(duration_ms), 'failed', count(*) filter (where ${sql.raw(FAILED)}),
                             'peak', max(memory_peak_bytes))
        from route_invocations where app_id = ${appId} group by 1`,
    },
    {
      figure: 'histogram by bucket',
      rollup: histogramCounts(sql`select bucket as k, hist from stats_invocation_buckets where app_id = ${appId}
        union all select cur_bucket, cur_hist ${slots}`),
      raw: rawHistogram(appId, `date_bin('15 minutes', started_at, timestamptz '2000-01-01 00:00:00+00')`),
    },
    {
      figure: 'histogram by hour',
      rollup: histogramCounts(sql`select hour as k, hist from stats_invocation_hours where app_id = ${appId}
        union all select ${CUR_HOUR}, cur_hist ${slots}`),
      raw: rawHistogram(appId, `date_trunc('hour', started_at, 'UTC')`),
    },
    {
      figure: 'histogram by day',
      rollup: histogramCounts(sql`select day as k, hist from stats_invocation_days where app_id = ${appId}
        union all select ${CUR_DAY}, cur_hist ${slots}`),
      raw: rawHistogram(appId, `(started_at at time zone 'UTC')::date`),
    },
  ];
}

/** Every hour and histogram figure of an app where the rollups and the raw rows disagree; [] when they agree. */
export async function hourAndHistogramDifferences(db: Kysely<DB>, appId: string): Promise<HourOrHistogramDifference[]> {
  const differences: HourOrHistogramDifference[] = [];
  for (const check of checks(appId)) {
    const { rows } = await sql<{ key: string; rollup: unknown; raw: unknown }>`
      select coalesce(r.key, w.key) as key, r.doc as rollup, w.doc as raw
      from (${check.rollup}) r full join (${check.raw}) w (key, doc) on r.key = w.key
      where r.doc is distinct from w.doc order by 1`.execute(db);
    for (const row of rows) differences.push({ figure: check.figure, ...row });
  }
  return differences;
}
