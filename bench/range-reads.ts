import { type Kysely, sql } from 'kysely';
import { addDays, resolveRange, todayIn } from '../lib/range';
import type { Database } from '../server/db/client';
import type { DB } from '../server/db/types';
import { getRangeStats } from '../server/queries/stats/range';
import { power } from './config';
import { type Samples, percentile, sample, sampleRoundRobin } from './measure';
import { type BenchRow, costRow, fasterRow } from './report';

// GET /stats/range (CONTRACT §8) at the smallest and the largest loaded
// scale, beside the naive SQL over the raw rows: one statement that groups
// every event of the range by its local day or hour with percentile_disc.

interface RangeCase {
  name: string;
  tz: string;
  days: number;
  interval: 'hour' | 'day';
}

const CASES: RangeCase[] = [
  { name: '30 days by day, UTC', tz: 'UTC', days: 30, interval: 'day' },
  { name: '2 days by hour, UTC', tz: 'UTC', days: 2, interval: 'hour' },
  { name: '365 days by day, UTC', tz: 'UTC', days: 365, interval: 'day' },
  { name: '30 days by day, Asia/Kathmandu', tz: 'Asia/Kathmandu', days: 30, interval: 'day' },
  { name: '2 days by hour, Asia/Kathmandu', tz: 'Asia/Kathmandu', days: 2, interval: 'hour' },
  { name: '365 days by day, Asia/Kathmandu', tz: 'Asia/Kathmandu', days: 365, interval: 'day' },
];

function rangeFor(c: RangeCase, now: Date) {
  const to = todayIn(c.tz, now);
  return resolveRange({ tz: c.tz, from: addDays(to, -(c.days - 1)), to, interval: c.interval }, now);
}

/** The obvious query: the raw rows of the range and of the previous one, grouped by local day or hour. */
async function naiveRange(db: Kysely<DB>, appId: string, c: RangeCase, now: Date): Promise<unknown> {
  const range = rangeFor(c, now);
  const unit = c.interval === 'day' ? 'day' : 'hour';
  const tz = c.tz;
  return sql`
    with r as (select ${range.previousFrom}::timestamp at time zone ${tz} as pa, ${range.from}::timestamp at time zone ${tz} as a,
                      ${addDays(range.to, 1)}::timestamp at time zone ${tz} as z)
    select 'series' as kind, date_trunc(${unit}, started_at at time zone ${tz}) as local, count(*), sum(duration_ms),
           count(*) filter (where error is not null or status_code >= 500), max(memory_peak_bytes),
           percentile_disc(array[0.5, 0.95, 0.99]) within group (order by duration_ms),
           (select count(*) from view_events v, r where v.app_id = ${appId} and v.viewed_at >= r.a and v.viewed_at < r.z)
    from route_invocations, r where app_id = ${appId} and started_at >= r.a and started_at < r.z group by 2
    union all
    select case when started_at >= r.a then 'totals' else 'previous' end, null, count(*), sum(duration_ms),
           count(*) filter (where error is not null or status_code >= 500), max(memory_peak_bytes),
           percentile_disc(array[0.5, 0.95, 0.99]) within group (order by duration_ms), null
    from route_invocations, r where app_id = ${appId} and started_at >= r.pa and started_at < r.z group by 1`.execute(db);
}

const WHY_FLAT =
  'the range read covers each period with day, hour and 15-minute rollup rows and merges their histograms: its cost follows the periods and the bins in use, not the events.';
const WHY_FASTER = 'the naive query sorts every invocation of the range per period for percentile_disc; the rollup read merges histograms.';

/** The apps a read is timed on: the smallest and the largest loaded by measureStatsReads. */
export interface ReadScales {
  smallest: { events: number; appId: string };
  largest: { events: number; appId: string };
}

/**
 * A read (`read(appId)`) timed on the smallest and the largest app, and its
 * naive query on the largest: a row for "≥ 100× faster than naive" and, when
 * there are two scales, one for "≤ 1.5× from the smallest to the largest".
 */
export async function scaledReadRows(
  name: string,
  { smallest, largest }: ReadScales,
  read: (appId: string) => () => Promise<unknown>,
  naive: () => Promise<unknown>,
  samples: { fast: number; seconds: number },
  why: { faster: string; flat: string },
): Promise<BenchRow[]> {
  const [small, large] = await sampleRoundRobin([read(smallest.appId), read(largest.appId)], samples.fast, samples.seconds);
  const naiveSamples = await sample(naive, { max: 3, seconds: 0, warmup: 0 });
  const p50 = (s: Samples | undefined) => percentile(s ?? { durations: [] }, 50);
  const rows = [
    fasterRow(`${name} p50, ${power(largest.events)} events`, p50(large), p50(naiveSamples), 'naive SQL', {
      atLeast: 100,
      why: why.faster,
    }),
  ];
  if (largest !== smallest) {
    rows.push(
      costRow(
        `${name} p50, ${power(largest.events)} vs ${power(smallest.events)}`,
        p50(large),
        p50(small),
        `at ${power(smallest.events)}`,
        {
          atMost: 1.5,
          why: why.flat,
        },
      ),
    );
  }
  return rows;
}

/** Rows for /stats/range at the smallest and largest of `loaded` (apps loaded by measureStatsReads). */
export async function measureRangeReads(
  database: Database,
  loaded: Array<{ events: number; appId: string }>,
  samples: { fast: number; seconds: number },
  log: (line: string) => void,
): Promise<BenchRow[]> {
  const now = new Date();
  const smallest = loaded[0];
  const largest = loaded.at(-1);
  if (!smallest || !largest) return [];
  const rows: BenchRow[] = [];
  for (const c of CASES) {
    log(`timing /stats/range ${c.name}…`);
    const read = (appId: string) => () => getRangeStats(database.db, appId, rangeFor(c, now));
    const naive = () => naiveRange(database.db, largest.appId, c, now);
    rows.push(
      ...(await scaledReadRows(`/stats/range ${c.name}`, { smallest, largest }, read, naive, samples, {
        faster: WHY_FASTER,
        flat: WHY_FLAT,
      })),
    );
  }
  return rows;
}
