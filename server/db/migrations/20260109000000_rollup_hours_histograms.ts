import { type Kysely, sql } from 'kysely';
import * as functionRights from './20260107000000_function_rights';
import { applyRollupSql } from './20260108000000_rollup_functions_sql';

// Hour rows and duration histograms in the rollups (issue 14, CONTRACT §8
// "Ranges", "Percentiles"), so a range in any zone reads rollup rows only:
// - stats_view_hours and stats_invocation_hours: UTC hours (date_bin('1 hour',
//   …) from the buckets' origin, i.e. date_trunc('hour', …) in UTC), per slot,
//   kept exactly like the day rows. Every 15-minute bucket lies in one UTC hour,
//   so an hour's figure is its hour rows plus the slots whose current bucket lies in it.
// - hist int4[] on invocation buckets, hours and days, cur_hist on the slots
//   (their current bucket): counts of duration_ms per bin, the subscript being
//   the signed bin of stats_duration_bin (sql/rollups/histograms.sql says how).
// stats_add_invocation gains the bin of its row (p_bin), so the old signature
// goes. The files of sql/rollups/ run again over the changed tables; the rights
// of 20260107 are given again to the functions and tables that are new.

const ORIGIN = "timestamptz '2000-01-01 00:00:00+00'";
const HOUR = (column: string) => `date_bin('1 hour', ${column}, ${ORIGIN})`;

const HOUR_TABLES = [
  `stats_view_hours (app_id uuid, hour timestamptz, slot smallint, views bigint not null, primary key (app_id, hour, slot))`,
  `stats_invocation_hours (app_id uuid, hour timestamptz, slot smallint, invocations bigint not null, compute_ms bigint not null,
     failed bigint not null, peak_memory bigint, hist int4[], primary key (app_id, hour, slot))`,
];

// The inlinable stats_duration_bin is neither SECURITY DEFINER nor touched by
// the rights of 20260107 beyond REVOKE: it gets their owner here.
const BIN_FUNCTION_OWNER = `do $do$
begin
  execute format('alter function stats_duration_bin(integer) owner to %I', 'appstats_rollups_' || left(md5(current_database()), 8));
  revoke all on function stats_duration_bin(integer) from public;
end
$do$`;

/** Each level's histogram from raw rows, on the level's slot-0 row (created with zero figures where missing). */
function histogramsFromRaw(table: string, key: string, expression: string): string {
  return `insert into ${table} as t (app_id, ${key}, slot, invocations, compute_ms, failed, peak_memory, hist)
    select app_id, k, 0, 0, 0, 0, null, stats_hist_from(array_agg(bin), array_agg(n))
    from (select app_id, ${expression} as k, stats_duration_bin(duration_ms) as bin, count(*)::integer as n
          from route_invocations group by 1, 2, 3) g
    group by 1, 2 order by 1, 2
    on conflict (app_id, ${key}, slot) do update set hist = excluded.hist`;
}

/**
 * Fills hour rows from bucket rows (the slots' current buckets count apart, as
 * for days), then moves every slot's current bucket of invocations out (its
 * histogram cannot be told from raw rows, which do not know their slot) and
 * fills histograms from raw rows. Exported for the test that holds it to raw
 * rows; callers lock both event tables against writers.
 */
export async function backfillHoursAndHistograms(db: Kysely<any>): Promise<void> {
  await sql.raw(`insert into stats_view_hours select app_id, ${HOUR('bucket')}, slot, sum(views)
    from stats_view_buckets group by 1, 2, 3 order by 1, 2, 3`).execute(db);
  await sql.raw(`insert into stats_invocation_hours (app_id, hour, slot, invocations, compute_ms, failed, peak_memory)
    select app_id, ${HOUR('bucket')}, slot, sum(invocations), sum(compute_ms), sum(failed), max(peak_memory)
    from stats_invocation_buckets group by 1, 2, 3 order by 1, 2, 3`).execute(db);
  await sql`select stats_flush_invocations(array(select distinct app_id from stats_invocation_slots where cur_bucket is not null), null)`.execute(db);
  for (const [table, key, expression] of [
    ['stats_invocation_buckets', 'bucket', `date_bin('15 minutes', started_at, ${ORIGIN})`],
    ['stats_invocation_hours', 'hour', HOUR('started_at')],
    ['stats_invocation_days', 'day', "(started_at at time zone 'UTC')::date"],
  ] as const) {
    await sql.raw(histogramsFromRaw(table, key, expression)).execute(db);
  }
}

export async function up(db: Kysely<any>): Promise<void> {
  await sql`lock table view_events, route_invocations in share row exclusive mode`.execute(db);
  // Rollup rows are updated in place all day long: room on the page keeps those updates HOT.
  for (const table of HOUR_TABLES) await sql.raw(`create table ${table} with (fillfactor = 70)`).execute(db);
  await sql`alter table stats_invocation_buckets add column hist int4[]`.execute(db);
  await sql`alter table stats_invocation_days add column hist int4[]`.execute(db);
  await sql`alter table stats_invocation_slots add column cur_hist int4[]`.execute(db);
  await sql`alter type stats_invocation_delta add attribute hist int4[]`.execute(db);
  await sql`drop function if exists stats_add_invocation(uuid, smallint, timestamptz, bigint, bigint, bigint)`.execute(db);
  await applyRollupSql(db);
  // The rights first: the functions that existed before run as the rollups role, which needs the new tables.
  await functionRights.up(db);
  await sql.raw(BIN_FUNCTION_OWNER).execute(db);
  await backfillHoursAndHistograms(db);
}

export async function down(): Promise<void> {
  // The files of sql/rollups/ now write the hour tables and histogram columns: without them every write would fail.
  throw new Error('20260109000000_rollup_hours_histograms cannot be undone');
}
