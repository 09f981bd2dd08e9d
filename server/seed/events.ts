import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { DB } from '../db/types';

export interface Traffic {
  appId: string;
  /** Average events per hour at the daily peak, before the weekly dip and the growth trend. */
  viewsPerHour: number;
  callsPerHour: number;
  /** Share of views and calls without a signed-in user. */
  anonymous: number;
  people: string[];
  routes: Route[];
  /** A few hours, `incidentDaysAgo` days back, when one route in four failed. */
  incidentDaysAgo?: number;
}

export interface Route {
  method: string;
  /** `:id` is replaced by a number. */
  path: string;
  weight: number;
  baseMs: number;
  okStatus: number;
}

const DAYS = 92;

const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'price')\n    at handler (routes/cart.ts:42:17)\n    at async invoke (runtime/isolate.ts:118:5)",
  'Error: connect ETIMEDOUT 10.0.3.12:5432',
  'Isolate memory limit exceeded (128 MiB)',
  'RangeError: Maximum call stack size exceeded',
  'Error: upstream payment provider answered 502 Bad Gateway',
];

// Per hour: a daily curve peaking at 14:00 UTC, weekends at 55 %, growth over the three months, and noise.
function shape(now: Date): RawBuilder<number> {
  return sql<number>`(0.25 + 0.75 * exp(-power(extract(hour from h at time zone 'UTC') - 14, 2) / 24.0))
    * (case when extract(isodow from h at time zone 'UTC') >= 6 then 0.55 else 1.0 end)
    * (0.6 + 0.4 * extract(epoch from h - (${now}::timestamptz - ${`${DAYS} days`}::interval)) / ${DAYS * 86400}::float8)
    * (0.75 + random() * 0.5)`;
}

function hours(now: Date): RawBuilder<Date> {
  return sql<Date>`generate_series(date_trunc('hour', ${now}::timestamptz) - ${`${DAYS} days`}::interval, ${now}::timestamptz, interval '1 hour')`;
}

/** Three months of views: one INSERT … SELECT over the hours of the period. */
export async function seedViews(db: Kysely<DB>, traffic: Traffic, now: Date): Promise<void> {
  if (traffic.viewsPerHour <= 0) return;
  await sql`
    insert into view_events (app_id, viewer_id, viewed_at)
    select ${traffic.appId}::uuid,
      case when random() < ${traffic.anonymous} then null else (${traffic.people}::uuid[])[1 + floor(random() * ${traffic.people.length})::int] end,
      least(h + random() * interval '1 hour', ${now}::timestamptz)
    from ${hours(now)} as h
    cross join lateral generate_series(1, round(${traffic.viewsPerHour}::float8 * ${shape(now)})::int) as n
  `.execute(db);
}

/** Three months of route invocations with durations, memory, some 4xx, some failures and one incident. */
export async function seedInvocations(db: Kysely<DB>, traffic: Traffic, now: Date): Promise<void> {
  if (traffic.callsPerHour <= 0) return;
  const total = traffic.routes.reduce((sum, r) => sum + r.weight, 0);
  let cumulative = 0;
  const routes = traffic.routes.map((r) => {
    const lo = cumulative / total;
    cumulative += r.weight;
    return { ...r, lo, hi: cumulative / total };
  });
  const incident = traffic.incidentDaysAgo ?? -1;
  await sql`
    with routes as (
      select * from jsonb_to_recordset(${JSON.stringify(routes)}::jsonb)
        as r(method text, path text, "baseMs" int, "okStatus" int, lo float8, hi float8)
    ), calls as (
      select least(h + random() * interval '1 hour', ${now}::timestamptz) as t, random() as pick, random() as fate,
        sqrt(-2 * ln(greatest(random(), 1e-9))) * cos(2 * pi() * random()) as spread
      from ${hours(now)} as h
      cross join lateral generate_series(1, round(${traffic.callsPerHour}::float8 * ${shape(now)})::int) as n
    ), shaped as (
      select c.*, r.method, r.path, r."baseMs", r."okStatus",
        case when ${incident} >= 0 and c.t >= date_trunc('day', ${now}::timestamptz) - make_interval(days => ${incident}) + interval '13 hours'
          and c.t < date_trunc('day', ${now}::timestamptz) - make_interval(days => ${incident}) + interval '16 hours' then 0.25 else 0.011 end as fail_rate
      from calls c join routes r on c.pick >= r.lo and c.pick < r.hi
    )
    insert into route_invocations (app_id, method, path, user_id, started_at, duration_ms, status_code, memory_peak_bytes, error)
    select ${traffic.appId}::uuid, method,
      replace(path, ':id', (1 + floor(random() * 4000))::int::text),
      case when random() < ${traffic.anonymous} then null else (${traffic.people}::uuid[])[1 + floor(random() * ${traffic.people.length})::int] end,
      t,
      case when fate < fail_rate * 0.2 then 30000 else greatest(1, round("baseMs" * exp(0.55 * spread)))::int end,
      case
        when fate < fail_rate * 0.2 then 504
        when fate < fail_rate then 500
        when fate < fail_rate + 0.002 then 200
        when fate < fail_rate + 0.035 then (array[404, 404, 401, 422, 429])[1 + floor(random() * 5)::int]
        when method = 'GET' and fate > 0.93 then 304
        else "okStatus"
      end,
      case when random() < 0.04 then null else round((6 + random() * 40 + greatest(0, spread) * 24) * 1048576)::bigint end,
      case
        when fate < fail_rate * 0.2 then 'Error: route timed out after 30 s'
        when fate < fail_rate then (${ERRORS}::text[])[1 + floor(random() * ${ERRORS.length})::int]
        when fate < fail_rate + 0.002 then 'Unhandled promise rejection after the response was sent: Error: audit log write failed'
        else null
      end
    from shaped
  `.execute(db);
}
