import { type RawBuilder, sql } from 'kysely';
import type { ResolvedRange } from '../../../lib/range';

// The periods of a range read (CONTRACT §8 "Ranges") and the rollup rows that
// cover each of them. A period is a run of instants [s, e) whose ends fall on
// 15-minute UTC boundaries (every offset in use is a multiple of 15 minutes).
// It is covered by the coarsest rows that fit: whole UTC days from day rows,
// whole UTC hours of the rest from hour rows, 15-minute buckets of what is
// left; so a period costs at most 2 × (3 + 23) + its days rows, whatever the
// zone. The periods are computed by PostgreSQL (its zone rules), so a local
// day of 23 or 25 hours and a 30-minute DST shift come out as the zone says.

const QUARTER = sql`interval '15 minutes'`;
const HOUR = sql`interval '1 hour'`;
const DAY = sql`interval '24 hours'`;

/**
 * The periods: key 0 is the whole range, key 1 the previous one, keys 2… the
 * series entries in order, each with its start `s`, end `e` and local label.
 * `aligned` is false when a bound does not fall on a 15-minute UTC boundary
 * (local mean time, long before 1970), which the rollups cannot serve.
 */
export function periodsOf(range: ResolvedRange): RawBuilder<unknown> {
  const tz = sql`${range.tz}::text`;
  const bounds = sql`
    select (${range.from}::timestamp at time zone ${tz}) as a,
           ((${range.to}::date + 1)::timestamp at time zone ${tz}) as z,
           (${range.previousFrom}::timestamp at time zone ${tz}) as pa`;
  const series =
    range.interval === 'day'
      ? sql`
        select 1 + row_number() over (order by d) as key, d at time zone ${tz} as s, (d + interval '1 day') at time zone ${tz} as e,
               to_char(d, 'YYYY-MM-DD') as label
        from generate_series(${range.from}::timestamp, ${range.to}::timestamp, interval '1 day') d`
      : sql`
        select 1 + row_number() over (order by min(q)) as key, min(q) as s, max(q) + ${QUARTER} as e,
               to_char(min(q) at time zone ${tz}, 'YYYY-MM-DD"T"HH24:MI') as label
        from bounds, generate_series(bounds.a, bounds.z - ${QUARTER}, ${QUARTER}) q
        group by date_trunc('hour', q at time zone ${tz}), (q at time zone ${tz}) - (q at time zone 'UTC')`;
  return sql`
    bounds as (${bounds}),
    periods as (
      select 0::bigint as key, a as s, z as e, null::text as label from bounds
      union all select 1, pa, a, null from bounds
      union all select * from (${series}) s
    ),
    aligned as (
      select bool_and(extract(epoch from s)::numeric % 900 = 0 and extract(epoch from e)::numeric % 900 = 0) as ok from periods
    )`;
}

/** Splits [x, y) into whole UTC hours and the 15-minute buckets at either end, as (grain, start). */
function hoursAndQuarters(x: RawBuilder<unknown>, y: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`
    select 'q'::text as grain, g as start from generate_series(${x}, least(h.h1, ${y}) - ${QUARTER}, ${QUARTER}) g
    union all select 'h', g from generate_series(least(h.h1, ${y}), h.h2 - ${HOUR}, ${HOUR}) g
    union all select 'q', g from generate_series(greatest(h.h2, least(h.h1, ${y})), ${y} - ${QUARTER}, ${QUARTER}) g`;
}

/**
 * `units`: for each period, the rollup rows that cover it exactly: grain `d`
 * (a UTC day), `h` (a UTC hour) or `q` (a 15-minute bucket), by start.
 * Needs `periods` (periodsOf) in the same WITH.
 */
export function unitsOf(): RawBuilder<unknown> {
  const ceilDay = (t: string) =>
    sql.raw(`case when date_trunc('day', ${t}, 'UTC') = ${t} then ${t} else date_trunc('day', ${t}, 'UTC') + interval '24 hours' end`);
  const ceilHour = (t: RawBuilder<unknown>) =>
    sql`case when date_trunc('hour', ${t}, 'UTC') = ${t} then ${t} else date_trunc('hour', ${t}, 'UTC') + ${HOUR} end`;
  const piece = (x: RawBuilder<unknown>, y: RawBuilder<unknown>) => sql`
    select u.grain, u.start
    from (select ${ceilHour(x)} as h1, date_trunc('hour', ${y}, 'UTC') as h2) h
    cross join lateral (${hoursAndQuarters(x, y)}) u`;
  const d1 = sql.raw('d.d1');
  const d2 = sql.raw('d.d2');
  return sql`
    units as (
      select p.key, u.grain, u.start
      from periods p
      cross join lateral (
        select least(${ceilDay('p.s')}, p.e) as d1,
               greatest(date_trunc('day', p.e, 'UTC'), least(${ceilDay('p.s')}, p.e)) as d2
      ) d
      cross join lateral (
        select 'd'::text as grain, g as start from generate_series(${d1}, ${d2} - ${DAY}, ${DAY}) g
        union all select * from (${piece(sql.raw('p.s'), d1)}) head
        union all select * from (${piece(d2, sql.raw('p.e'))}) tail
      ) u
    )`;
}
