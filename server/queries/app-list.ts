import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/types';

export interface ViewSparkline {
  appId: string;
  /** Views per UTC day, 7 entries, newest first (as `viewsByDay` of GET /stats). */
  viewsByDay: Array<{ day: string; count: number }>;
  views7d: number;
}

/**
 * Views of each app over the last 7 UTC days (today and the 6 before), days
 * without views included; one statement for the whole list of apps.
 */
export async function getViewSparklines(db: Kysely<DB>, appIds: string[], now: Date): Promise<ViewSparkline[]> {
  if (appIds.length === 0) return [];
  // Each (app, day) pair counts with its own index range scan on (app_id, viewed_at).
  const { rows } = await sql<{ appId: string; day: string; count: number }>`
    with days as (
      select (date_trunc('day', ${now}::timestamptz at time zone 'UTC') - make_interval(days => n)) as day_start
      from generate_series(0, 6) as n
    )
    select a.id as "appId", to_char(d.day_start, 'YYYY-MM-DD') as day,
      (select count(*)::int from view_events v
        where v.app_id = a.id
          and v.viewed_at >= d.day_start at time zone 'UTC'
          and v.viewed_at < (d.day_start + interval '1 day') at time zone 'UTC') as count
    from unnest(${appIds}::uuid[]) as a(id)
    cross join days d
    order by a.id, d.day_start desc
  `.execute(db);
  const byApp = new Map<string, ViewSparkline>(appIds.map((id) => [id, { appId: id, viewsByDay: [], views7d: 0 }]));
  for (const row of rows) {
    const entry = byApp.get(row.appId);
    if (!entry) continue;
    entry.viewsByDay.push({ day: row.day, count: row.count });
    entry.views7d += row.count;
  }
  return [...byApp.values()];
}
