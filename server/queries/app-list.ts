import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';
import { lastUtcDays } from './utc-days';

export interface ViewSparkline {
  appId: string;
  /** Views per UTC day, 7 entries, newest first (as `viewsByDay` of GET /stats). */
  viewsByDay: Array<{ day: string; count: number }>;
  views7d: number;
}

/**
 * Views of each app over the last 7 UTC days (today and the 6 before), days
 * without views included; one statement for the whole list, read from the
 * rollups (day rows plus the slots' current buckets, as GET /stats reads
 * them), so its cost does not grow with the number of events.
 */
export async function getViewSparklines(db: Kysely<DB>, appIds: string[], now: Date): Promise<ViewSparkline[]> {
  if (appIds.length === 0) return [];
  const week = lastUtcDays(now, 7);
  const { rows } = await sql<{ appId: string; day: string; count: number }>`
    select app_id as "appId", to_char(day, 'YYYY-MM-DD') as day, sum(views)::float8 as count
    from (
      select app_id, day, views from stats_view_days
      where app_id = any(${appIds}::uuid[]) and day between ${week.days.at(-1)}::date and ${week.days[0]}::date
      union all
      select app_id, (cur_bucket at time zone 'UTC')::date, cur_views from stats_view_slots
      where app_id = any(${appIds}::uuid[]) and cur_bucket >= ${week.from} and cur_bucket < ${week.to}
    ) d
    group by app_id, day
  `.execute(db);
  const counts = new Map(rows.map((row) => [`${row.appId}/${row.day}`, row.count]));
  return appIds.map((appId) => {
    const viewsByDay = week.days.map((day) => ({ day, count: counts.get(`${appId}/${day}`) ?? 0 }));
    return { appId, viewsByDay, views7d: viewsByDay.reduce((sum, entry) => sum + entry.count, 0) };
  });
}
