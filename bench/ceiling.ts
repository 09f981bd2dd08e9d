import { sql } from 'kysely';
import type { Database } from '../server/db/client';
import { applyRetention } from '../server/queries/stats/retention';
import { time } from './measure';
import { type BenchRow, ms, perSecond } from './report';

// The single-node ceiling of docs/scale-out.md (issue 18), on the events the
// /stats rows loaded: disk per 10^7 events, raw rows beside rollups; and a
// retention run that drops the two oldest months, beside the DELETE that a
// cron job would run for one of those months, on a plain copy of its rows.
// Runs after every read of the loaded events: it drops some of them.

const DAY = 86_400_000;
const MiB = 1024 * 1024;

async function bytesOf(database: Database, where: ReturnType<typeof sql>): Promise<number> {
  const { rows } = await sql<{ bytes: string }>`
    select coalesce(sum(pg_catalog.pg_total_relation_size(c.oid)), 0) as bytes
    from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and ${where}`.execute(database.db);
  return Number(rows[0]?.bytes ?? 0);
}

async function diskRow(database: Database, events: number): Promise<BenchRow> {
  const raw = await bytesOf(
    database,
    sql`c.oid in (select relid from pg_catalog.pg_partition_tree('view_events') union all select relid from pg_catalog.pg_partition_tree('route_invocations'))`,
  );
  const rollups = await bytesOf(database, sql`c.relname like 'stats\\_%'`);
  const per = (bytes: number) => (bytes / events) * 1e7;
  return {
    measurement: 'disk per 10^7 events (views and invocations), raw rows with indexes',
    value: `${(per(raw) / MiB).toFixed(0)} MiB`,
    reference: `${(per(rollups) / MiB).toFixed(1)} MiB the rollups, all figures`,
    ratio: `${(raw / Math.max(1, rollups)).toFixed(0)}× the rollups`,
    goal: '',
  };
}

/** The first instant of the UTC month `back` months before the one of `now`. */
function monthStart(now: Date, back: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
}

/** The naive retention of one month: DELETE … WHERE time < before, on a plain table holding that month's views with the same indexes. */
async function deleteReference(database: Database, partition: string, before: Date): Promise<{ rows: number; ms: number }> {
  await sql`drop table if exists bench_retention_delete`.execute(database.db);
  await sql`create table bench_retention_delete (like view_events including defaults including indexes)`.execute(database.db);
  await sql`insert into bench_retention_delete select * from ${sql.table(partition)}`.execute(database.db);
  await sql`vacuum analyze bench_retention_delete`.execute(database.db);
  let rows = 0;
  const elapsed = await time(async () => {
    const result = await sql`delete from bench_retention_delete where viewed_at < ${before}`.execute(database.db);
    rows = Number(result.numAffectedRows ?? 0);
  });
  await sql`drop table bench_retention_delete`.execute(database.db);
  return { rows, ms: elapsed };
}

/** Disk per 10^7 events and a retention run over the months before last, beside a DELETE of one of them. */
export async function measureCeiling(
  database: Database,
  loaded: Array<{ events: number }>,
  log: (line: string) => void,
): Promise<{ rows: BenchRow[]; notes: string[] }> {
  const now = new Date();
  const events = 2 * loaded.reduce((sum, scale) => sum + scale.events, 0);
  log('measuring disk per 10^7 events…');
  const rows: BenchRow[] = [await diskRow(database, events)];
  const before = monthStart(now, 1);
  const keepDays = Math.floor((now.getTime() - before.getTime()) / DAY);
  const plan = await applyRetention(database.db, { keepDays, dryRun: true, now });
  const month = plan.partitions.filter((p) => p.table === 'view_events').sort((a, b) => b.rows - a.rows)[0];
  if (!month || plan.rows === 0) return { rows, notes: ['retention: the loaded events hold no whole month before last; not timed.'] };
  log(`timing a DELETE of ${month.rows} views (${month.partition}, plain copy)…`);
  const reference = await deleteReference(database, month.partition, new Date(month.to));
  log(`timing retention:apply --keep-days ${keepDays} (${plan.partitions.length} partitions, ${plan.rows} rows)…`);
  let dropped = plan;
  const elapsed = await time(async () => {
    dropped = await applyRetention(database.db, { keepDays, dryRun: false, now });
  });
  const rate = (dropped.rows / elapsed) * 1000;
  const referenceRate = (reference.rows / reference.ms) * 1000;
  rows.push({
    measurement: 'retention:apply, every month before last (views and invocations)',
    value: perSecond(rate),
    reference: `${perSecond(referenceRate)} DELETE of ${month.partition}'s rows`,
    ratio: `${(rate / referenceRate).toFixed(0)}× faster per row`,
    goal: '',
  });
  return {
    rows,
    notes: [
      `Disk: pg_total_relation_size of every partition of view_events and route_invocations (with their indexes) and of every stats_ rollup table, after loading ${events.toLocaleString('en-US')} events over the /stats scales, scaled to 10^7 events; the rollups grow with apps × periods × routes, not with events.`,
      `Retention: applyRetention (what retention:apply runs) dropped every month before ${before.toISOString().slice(0, 10)}: ${dropped.rows.toLocaleString('en-US')} rows in ${dropped.partitions.length} partitions in ${ms(elapsed)}, ${(dropped.bytes / MiB).toFixed(0)} MiB freed; the DELETE took ${ms(reference.ms)}; the reference DELETEs the ${reference.rows.toLocaleString('en-US')} rows of its largest view month from a plain table with the same indexes, as a cron job would, and frees nothing to the operating system until a VACUUM FULL.`,
    ],
  };
}
