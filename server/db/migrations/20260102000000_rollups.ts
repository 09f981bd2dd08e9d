import { type Kysely, sql } from 'kysely';

// Transactional rollups of view_events and route_invocations, kept by the
// database itself: statement-level AFTER triggers with transition tables fold
// a whole statement (one row, INSERT … SELECT or COPY of millions) into each
// rollup row once, in the writer's own transaction.
//
// Grain: 15-minute UTC buckets (every UTC offset in use is a multiple of 15
// minutes) and UTC days (the sums the API reads). Counters are spread over
// SLOTS rows per key, chosen by pg_backend_pid() % SLOTS and summed at read
// time, so concurrent writers of one app do not queue on one row.
//
// Each (app, slot) row of stats_*_slots holds the app's all-time totals for
// that slot and the slot's current bucket: the events of its newest bucket
// not yet added to the bucket and day rows. A one-row INSERT into that bucket
// (the common case: events written as they happen) updates this one row; when
// the slot moves on to a later bucket, the old one is added to its bucket and
// day rows. So a bucket's figure is its bucket rows plus the slots whose
// current bucket it is, and likewise for a day.
//
// Maxima (peak memory, last view) are maxima over those same rows, and a
// removed row (DELETE, UPDATE) may have held one. Such a statement first locks
// every slot row of the app: the app's writers in flight finish first and new
// ones wait, since every write goes through its slot row first (a writer
// whose slot row does not exist yet only adds rows of its own). It then moves
// the app's current buckets into bucket and day rows, and recomputes a
// bucket's maximum (or the newest view) from raw rows, through the
// (app_id, time) indexes, when the removed rows held it. Locks are taken in
// the order viewers → slots → buckets → days, each by key. stats_rebuild_app
// takes an exclusive advisory lock per (app, slot); writers share theirs.

const SLOTS = 16;
// One advisory lock per (app, slot): 16 writers sharing one lock per app were
// measured at 20 µs per statement of lock-manager contention, one per slot at 2 µs.
const SLOT_LOCK = (app: string, slot: string) => `hashtextextended('appstats.rollups:' || ${app}::text, ${slot})`;
const BUCKET = (column: string) => `date_bin('15 minutes', ${column}, timestamptz '2000-01-01 00:00:00+00')`;
const DAY = (bucket: string) => `(${bucket} at time zone 'UTC')::date`;
const DAY_START = (day: string) => `(${day}::timestamp at time zone 'UTC')`;
const DEFINER = 'language plpgsql security definer set search_path from current';

type Op = 'insert' | 'update' | 'delete';

const TABLES = [
  `stats_view_slots (app_id uuid, slot smallint, views bigint not null, viewers bigint not null, last_viewed_at timestamptz,
     cur_bucket timestamptz, cur_views bigint not null default 0, primary key (app_id, slot))`,
  `stats_view_buckets (app_id uuid, bucket timestamptz, slot smallint, views bigint not null, primary key (app_id, bucket, slot))`,
  `stats_view_days (app_id uuid, day date, slot smallint, views bigint not null, primary key (app_id, day, slot))`,
  `stats_viewers (app_id uuid, viewer_id uuid, views bigint not null, primary key (app_id, viewer_id))`,
  `stats_invocation_slots (app_id uuid, slot smallint, invocations bigint not null, cur_bucket timestamptz,
     cur_invocations bigint not null default 0, cur_compute_ms bigint not null default 0, cur_failed bigint not null default 0,
     cur_peak_memory bigint, primary key (app_id, slot))`,
  `stats_invocation_buckets (app_id uuid, bucket timestamptz, slot smallint, invocations bigint not null,
     compute_ms bigint not null, failed bigint not null, peak_memory bigint, primary key (app_id, bucket, slot))`,
  `stats_invocation_days (app_id uuid, day date, slot smallint, invocations bigint not null,
     compute_ms bigint not null, failed bigint not null, peak_memory bigint, primary key (app_id, day, slot))`,
];

const TYPES = [
  'stats_view_delta as (app_id uuid, bucket timestamptz, views bigint, new_last timestamptz, old_last timestamptz)',
  'stats_viewer_key as (app_id uuid, viewer_id uuid)',
  'stats_app_count as (app_id uuid, n bigint)',
  'stats_app_day as (app_id uuid, day date)',
  `stats_invocation_delta as (app_id uuid, bucket timestamptz, invocations bigint, compute_ms bigint, failed bigint,
     new_peak bigint, old_peak bigint)`,
];

// How an ON CONFLICT adds figures into an existing bucket or day row.
const VIEW_ADD = 'views = t.views + excluded.views';
const INVOCATION_ADD = `invocations = t.invocations + excluded.invocations, compute_ms = t.compute_ms + excluded.compute_ms,
  failed = t.failed + excluded.failed, peak_memory = greatest(t.peak_memory, excluded.peak_memory)`;

// Moves the current buckets of slot rows (one slot, or every slot when p_slot is
// null) into bucket and day rows. Callers hold those slot rows.
const WINDOW = `app_id = any(p_apps) and (p_slot is null or slot = p_slot) and cur_bucket is not null`;
const FLUSH = [
  `create function stats_flush_views(p_apps uuid[], p_slot smallint) returns void ${DEFINER} as $fn$ begin
  insert into stats_view_buckets as t select app_id, cur_bucket, slot, cur_views from stats_view_slots
  where ${WINDOW} order by 1, 2, 3 on conflict (app_id, bucket, slot) do update set ${VIEW_ADD};
  insert into stats_view_days as t select app_id, ${DAY('cur_bucket')}, slot, cur_views from stats_view_slots
  where ${WINDOW} order by 1, 2, 3 on conflict (app_id, day, slot) do update set ${VIEW_ADD};
  update stats_view_slots set cur_bucket = null, cur_views = 0 where ${WINDOW};
end $fn$`,
  `create function stats_flush_invocations(p_apps uuid[], p_slot smallint) returns void ${DEFINER} as $fn$ begin
  insert into stats_invocation_buckets as t
  select app_id, cur_bucket, slot, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory from stats_invocation_slots
  where ${WINDOW} order by 1, 2, 3 on conflict (app_id, bucket, slot) do update set ${INVOCATION_ADD};
  insert into stats_invocation_days as t
  select app_id, ${DAY('cur_bucket')}, slot, cur_invocations, cur_compute_ms, cur_failed, cur_peak_memory from stats_invocation_slots
  where ${WINDOW} order by 1, 2, 3 on conflict (app_id, day, slot) do update set ${INVOCATION_ADD};
  update stats_invocation_slots set cur_bucket = null, cur_invocations = 0, cur_compute_ms = 0, cur_failed = 0, cur_peak_memory = null
  where ${WINDOW};
end $fn$`,
];

// A one-row INSERT whose slot row is missing or on another bucket: lock (or
// create) the slot row; a later bucket becomes the current one after the old
// one is moved out; an earlier bucket (a late event) goes straight to its rows.
const ADD_ONE = [
  `create function stats_add_view(p_app uuid, p_slot smallint, p_bucket timestamptz, p_viewers bigint, p_at timestamptz)
returns void ${DEFINER} as $fn$ declare cur timestamptz; begin
  loop
    select cur_bucket into cur from stats_view_slots where app_id = p_app and slot = p_slot for update;
    exit when found;
    insert into stats_view_slots values (p_app, p_slot, 0, 0, null, null, 0) on conflict do nothing;
  end loop;
  if p_bucket < cur then
    update stats_view_slots set views = views + 1, viewers = viewers + p_viewers, last_viewed_at = greatest(last_viewed_at, p_at)
    where app_id = p_app and slot = p_slot;
    insert into stats_view_buckets as t values (p_app, p_bucket, p_slot, 1) on conflict (app_id, bucket, slot) do update set ${VIEW_ADD};
    insert into stats_view_days as t values (p_app, ${DAY('p_bucket')}, p_slot, 1) on conflict (app_id, day, slot) do update set ${VIEW_ADD};
    return;
  end if;
  if p_bucket > cur then perform stats_flush_views(array[p_app], p_slot); end if;
  update stats_view_slots set views = views + 1, viewers = viewers + p_viewers, last_viewed_at = greatest(last_viewed_at, p_at),
    cur_bucket = p_bucket, cur_views = case when cur_bucket = p_bucket then cur_views + 1 else 1 end
  where app_id = p_app and slot = p_slot;
end $fn$`,
  `create function stats_add_invocation(p_app uuid, p_slot smallint, p_bucket timestamptz, p_compute bigint, p_failed bigint, p_peak bigint)
returns void ${DEFINER} as $fn$ declare cur timestamptz; begin
  loop
    select cur_bucket into cur from stats_invocation_slots where app_id = p_app and slot = p_slot for update;
    exit when found;
    insert into stats_invocation_slots values (p_app, p_slot, 0, null, 0, 0, 0, null) on conflict do nothing;
  end loop;
  if p_bucket < cur then
    update stats_invocation_slots set invocations = invocations + 1 where app_id = p_app and slot = p_slot;
    insert into stats_invocation_buckets as t values (p_app, p_bucket, p_slot, 1, p_compute, p_failed, p_peak)
    on conflict (app_id, bucket, slot) do update set ${INVOCATION_ADD};
    insert into stats_invocation_days as t values (p_app, ${DAY('p_bucket')}, p_slot, 1, p_compute, p_failed, p_peak)
    on conflict (app_id, day, slot) do update set ${INVOCATION_ADD};
    return;
  end if;
  if p_bucket > cur then perform stats_flush_invocations(array[p_app], p_slot); end if;
  update stats_invocation_slots set invocations = invocations + 1, cur_bucket = p_bucket,
    cur_invocations = case when cur_bucket = p_bucket then cur_invocations + 1 else 1 end,
    cur_compute_ms = case when cur_bucket = p_bucket then cur_compute_ms + p_compute else p_compute end,
    cur_failed = case when cur_bucket = p_bucket then cur_failed + p_failed else p_failed end,
    cur_peak_memory = case when cur_bucket = p_bucket then greatest(cur_peak_memory, p_peak) else p_peak end
  where app_id = p_app and slot = p_slot;
end $fn$`
];

/** The statement's rows as (columns, sign): +1 for rows that now exist, -1 for rows that no longer do. */
function changes(op: Op, columns: string): string {
  const added = `select ${columns}, 1 as sign from new_rows`;
  const removed = `select ${columns}, -1 as sign from old_rows`;
  return op === 'insert' ? added : op === 'delete' ? removed : `${added} union all ${removed}`;
}

function trigger(name: string, declarations: string, body: string): string {
  return `create function ${name}() returns trigger ${DEFINER} as $fn$
    declare my_slot constant smallint := pg_backend_pid() % ${SLOTS}; ${declarations}
    begin ${body} return null; end $fn$`;
}

// A one-row INSERT (the common case by far) skips the set-based path below:
// into the slot's current bucket it is one UPDATE of the slot row (plus the
// viewer's row), measured at half the cost of updating bucket, day and totals rows.
function oneRow(columns: string, body: string): string {
  // The advisory lock is taken here for the first row's app whatever the count: harmless for a set, which takes them all below.
  return `select ${columns}, count(*) over () as n, pg_advisory_xact_lock_shared(${SLOT_LOCK('app_id', 'my_slot')}) as locked
    into one from (select * from new_rows limit 2) s limit 1;
    if one.n = 1 then
      ${body}
      return null;
    end if;`;
}

const SHARE_LOCKS = `perform pg_advisory_xact_lock_shared(${SLOT_LOCK('app_id', 'my_slot')})
  from (select distinct app_id from unnest(deltas)) a order by a.app_id;`;

/** Every slot row of the apps, locked in order: the app's writers in flight finish first, new ones wait. */
const LOCK_SLOTS = (table: string) => `perform 1 from ${table} where app_id = any(apps) order by app_id, slot for update;`;

const VIEW_ONE_ROW = oneRow(
  'app_id, viewer_id, viewed_at',
  `with viewer as (
     insert into stats_viewers as t select one.app_id, one.viewer_id, 1 where one.viewer_id is not null
     on conflict (app_id, viewer_id) do update set views = t.views + 1 returning (t.views = 1)::int as first_view
   ), current as (
     update stats_view_slots set views = views + 1, viewers = viewers + coalesce((select first_view from viewer), 0),
       last_viewed_at = greatest(last_viewed_at, one.viewed_at), cur_views = cur_views + 1
     where app_id = one.app_id and slot = my_slot and cur_bucket = ${BUCKET('one.viewed_at')}
     returning 1
   )
   select coalesce((select first_view from viewer), 0), (select count(*) from current) into fresh, hits;
   if hits = 0 then perform stats_add_view(one.app_id, my_slot, ${BUCKET('one.viewed_at')}, fresh, one.viewed_at); end if;`,
);

function viewTrigger(op: Op): string {
  const src = changes(op, 'app_id, viewer_id, viewed_at');
  const removal = op !== 'insert';
  return trigger(
    `stats_view_events_${op}`,
    'deltas stats_view_delta[]; zeroed stats_viewer_key[]; viewer_changes stats_app_count[]; one record; fresh bigint; hits bigint; apps uuid[];',
    `${op === 'insert' ? VIEW_ONE_ROW : ''}
     select array_agg(row(app_id, bucket, views, new_last, old_last)::stats_view_delta order by app_id, bucket) into deltas
     from (select app_id, ${BUCKET('viewed_at')} as bucket, sum(sign)::bigint as views,
                  max(viewed_at) filter (where sign > 0) as new_last, max(viewed_at) filter (where sign < 0) as old_last
           from (${src}) s group by 1, 2) g;
     if deltas is null then return null; end if;
     ${SHARE_LOCKS}
     -- Per-viewer counts: a viewer whose count appears counts once, one whose count reaches 0 is gone.
     with v as (select app_id, viewer_id, sum(sign)::bigint as n from (${src}) s
                where viewer_id is not null group by 1, 2 having sum(sign) <> 0),
     changed as (
       insert into stats_viewers as t (app_id, viewer_id, views) select app_id, viewer_id, n from v order by 1, 2
       on conflict (app_id, viewer_id) do update set views = t.views + excluded.views
       returning t.app_id, t.viewer_id, t.views)
     select array_agg(row(c.app_id, c.viewer_id)::stats_viewer_key) filter (where c.views = 0),
            array_agg(row(c.app_id, case when c.views = 0 then -1 else 1 end)::stats_app_count)
              filter (where c.views = 0 or c.views = v.n)
       into zeroed, viewer_changes
     from changed c join v using (app_id, viewer_id);
     if zeroed is not null then
       delete from stats_viewers t using unnest(zeroed) z
       where t.app_id = z.app_id and t.viewer_id = z.viewer_id and t.views = 0;
     end if;
     ${removal ? `apps := array(select distinct app_id from unnest(deltas) where old_last is not null order by 1);
     ${LOCK_SLOTS('stats_view_slots')}` : ''}
     insert into stats_view_slots as t (app_id, slot, views, viewers, last_viewed_at)
     select a.app_id, my_slot, a.views, coalesce(c.n, 0), a.new_last
     from (select app_id, sum(views) as views, max(new_last) as new_last from unnest(deltas) group by 1) a
     left join (select app_id, sum(n) as n from unnest(viewer_changes) group by 1) c using (app_id)
     order by 1
     on conflict (app_id, slot) do update set views = t.views + excluded.views, viewers = t.viewers + excluded.viewers,
       last_viewed_at = greatest(t.last_viewed_at, excluded.last_viewed_at);
     insert into stats_view_buckets as t (app_id, bucket, slot, views)
     select app_id, bucket, my_slot, views from unnest(deltas) where views <> 0 order by 1, 2
     on conflict (app_id, bucket, slot) do update set ${VIEW_ADD};
     insert into stats_view_days as t (app_id, day, slot, views)
     select app_id, ${DAY('bucket')}, my_slot, sum(views) from unnest(deltas) group by 1, 2 having sum(views) <> 0 order by 1, 2
     on conflict (app_id, day, slot) do update set ${VIEW_ADD};
     ${removal ? `-- The newest view of an app may be gone: take it again from the (app_id, viewed_at) index.
     update stats_view_slots t set last_viewed_at = r.newest
     from (select x.app_id, (select max(e.viewed_at) from view_events e where e.app_id = x.app_id) as newest
           from (select app_id, max(old_last) as old_last from unnest(deltas) group by 1) x
           where x.old_last >= coalesce((select max(s.last_viewed_at) from stats_view_slots s where s.app_id = x.app_id), x.old_last)) r
     where t.app_id = r.app_id;` : ''}`,
  );
}

const INVOCATION_ONE_ROW = oneRow(
  'app_id, started_at, duration_ms, (error is not null or status_code >= 500)::int as failed, memory_peak_bytes',
  `update stats_invocation_slots set invocations = invocations + 1, cur_invocations = cur_invocations + 1,
     cur_compute_ms = cur_compute_ms + one.duration_ms, cur_failed = cur_failed + one.failed,
     cur_peak_memory = greatest(cur_peak_memory, one.memory_peak_bytes)
   where app_id = one.app_id and slot = my_slot and cur_bucket = ${BUCKET('one.started_at')};
   if not found then
     perform stats_add_invocation(one.app_id, my_slot, ${BUCKET('one.started_at')}, one.duration_ms, one.failed, one.memory_peak_bytes);
   end if;`,
);

function invocationTrigger(op: Op): string {
  const failed = '(error is not null or status_code >= 500)';
  const src = changes(op, `app_id, started_at, duration_ms, ${failed} as failed, memory_peak_bytes`);
  const removal = op !== 'insert';
  return trigger(
    `stats_route_invocations_${op}`,
    'deltas stats_invocation_delta[]; recomputed stats_app_day[]; one record; apps uuid[];',
    `${op === 'insert' ? INVOCATION_ONE_ROW : ''}
     select array_agg(row(app_id, bucket, invocations, compute_ms, failed, new_peak, old_peak)::stats_invocation_delta
                      order by app_id, bucket) into deltas
     from (select app_id, ${BUCKET('started_at')} as bucket, sum(sign)::bigint as invocations,
                  sum(sign * duration_ms::bigint)::bigint as compute_ms, coalesce(sum(sign) filter (where failed), 0)::bigint as failed,
                  max(memory_peak_bytes) filter (where sign > 0) as new_peak, max(memory_peak_bytes) filter (where sign < 0) as old_peak
           from (${src}) s group by 1, 2) g;
     if deltas is null then return null; end if;
     ${SHARE_LOCKS}
     ${removal ? `-- Removed rows may hold a bucket's largest memory figure: with the app's writers held off
     -- and every current bucket moved into bucket rows, those rows hold every figure.
     apps := array(select distinct app_id from unnest(deltas) where old_peak is not null order by 1);
     ${LOCK_SLOTS('stats_invocation_slots')}
     perform stats_flush_invocations(apps, null);` : ''}
     insert into stats_invocation_slots as t (app_id, slot, invocations)
     select app_id, my_slot, sum(invocations) from unnest(deltas) group by 1 order by 1
     on conflict (app_id, slot) do update set invocations = t.invocations + excluded.invocations;
     insert into stats_invocation_buckets as t (app_id, bucket, slot, invocations, compute_ms, failed, peak_memory)
     select app_id, bucket, my_slot, invocations, compute_ms, failed, new_peak from unnest(deltas)
     where invocations <> 0 or compute_ms <> 0 or failed <> 0 or new_peak is not null order by 1, 2
     on conflict (app_id, bucket, slot) do update set ${INVOCATION_ADD};
     ${removal ? `-- Buckets whose largest figure may be gone: recompute them from raw rows (one statement, one snapshot).
     with r as (
       update stats_invocation_buckets t set peak_memory = r.peak
       from (select x.app_id, x.bucket, (select max(i.memory_peak_bytes) from route_invocations i where i.app_id = x.app_id
                      and i.started_at >= x.bucket and i.started_at < x.bucket + interval '15 minutes') as peak
             from unnest(deltas) x
             where x.old_peak >= coalesce((select max(b.peak_memory) from stats_invocation_buckets b
                                           where b.app_id = x.app_id and b.bucket = x.bucket), x.old_peak)) r
       where t.app_id = r.app_id and t.bucket = r.bucket
       returning t.app_id, t.bucket)
     select array_agg(distinct row(app_id, ${DAY('bucket')})::stats_app_day) into recomputed from r;` : ''}
     insert into stats_invocation_days as t (app_id, day, slot, invocations, compute_ms, failed, peak_memory)
     select app_id, ${DAY('bucket')}, my_slot, sum(invocations), sum(compute_ms), sum(failed), max(new_peak) from unnest(deltas)
     group by 1, 2 having sum(invocations) <> 0 or sum(compute_ms) <> 0 or sum(failed) <> 0 or max(new_peak) is not null
     order by 1, 2
     on conflict (app_id, day, slot) do update set ${INVOCATION_ADD};
     ${removal ? `if recomputed is not null then
       update stats_invocation_days t set peak_memory = r.peak
       from (select k.app_id, k.day, (select max(b.peak_memory) from stats_invocation_buckets b where b.app_id = k.app_id
                      and b.bucket >= ${DAY_START('k.day')} and b.bucket < ${DAY_START('(k.day + 1)')}) as peak
             from unnest(recomputed) k) r
       where t.app_id = r.app_id and t.day = r.day;
     end if;` : ''}`,
  );
}

// Recomputes one app's rollups from raw rows into slot 0, after taking every
// (app, slot) advisory lock exclusively: writers of this app in flight finish
// first, new ones wait until the rebuild commits; other apps' writers go on.
const REBUILD = [
  `create function stats_rebuild_app(p_app uuid) returns void ${DEFINER} as $fn$ begin
  perform pg_advisory_xact_lock(${SLOT_LOCK('p_app', 's')}) from generate_series(0, ${SLOTS - 1}) s order by s;
  delete from stats_view_slots where app_id = p_app; delete from stats_view_buckets where app_id = p_app;
  delete from stats_view_days where app_id = p_app; delete from stats_viewers where app_id = p_app;
  delete from stats_invocation_slots where app_id = p_app; delete from stats_invocation_buckets where app_id = p_app;
  delete from stats_invocation_days where app_id = p_app;
  insert into stats_view_buckets select p_app, ${BUCKET('viewed_at')}, 0, count(*) from view_events where app_id = p_app group by 2;
  insert into stats_view_days select p_app, ${DAY('bucket')}, 0, sum(views) from stats_view_buckets where app_id = p_app group by 2;
  insert into stats_viewers select p_app, viewer_id, count(*) from view_events where app_id = p_app and viewer_id is not null group by 2;
  insert into stats_view_slots (app_id, slot, views, viewers, last_viewed_at)
  select p_app, 0, sum(views), (select count(*) from stats_viewers where app_id = p_app),
    (select max(viewed_at) from view_events where app_id = p_app) from stats_view_days where app_id = p_app having count(*) > 0;
  insert into stats_invocation_buckets select p_app, ${BUCKET('started_at')}, 0, count(*), sum(duration_ms),
    count(*) filter (where error is not null or status_code >= 500), max(memory_peak_bytes)
  from route_invocations where app_id = p_app group by 2;
  insert into stats_invocation_days select p_app, ${DAY('bucket')}, 0, sum(invocations), sum(compute_ms), sum(failed),
    max(peak_memory) from stats_invocation_buckets where app_id = p_app group by 2;
  insert into stats_invocation_slots (app_id, slot, invocations)
  select p_app, 0, sum(invocations) from stats_invocation_days where app_id = p_app having count(*) > 0;
end $fn$`,
  // Every app's rollups from raw rows. Callers lock both raw tables against writers first.
  `create function stats_rebuild_all() returns integer ${DEFINER} as $fn$ declare app uuid; n integer := 0; begin
  delete from stats_view_slots; delete from stats_view_buckets; delete from stats_view_days; delete from stats_viewers;
  delete from stats_invocation_slots; delete from stats_invocation_buckets; delete from stats_invocation_days;
  for app in select app_id from view_events union select app_id from route_invocations loop
    perform stats_rebuild_app(app);
    n := n + 1;
  end loop;
  return n;
end $fn$`
];

const RAW = [
  ['view_events', viewTrigger, 'stats_view_slots, stats_view_buckets, stats_view_days, stats_viewers'],
  ['route_invocations', invocationTrigger, 'stats_invocation_slots, stats_invocation_buckets, stats_invocation_days'],
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`lock table view_events, route_invocations in share row exclusive mode`.execute(db);
  for (const type of TYPES) await sql.raw(`create type ${type}`).execute(db);
  // Rollup rows are updated in place all day long: room on the page keeps those updates HOT.
  for (const table of TABLES) await sql.raw(`create table ${table} with (fillfactor = 70)`).execute(db);
  for (const statement of [...FLUSH, ...ADD_ONE]) await sql.raw(statement).execute(db);
  for (const [table, make, rollups] of RAW) {
    for (const op of ['insert', 'update', 'delete'] as const) {
      await sql.raw(make(op)).execute(db);
      const transition = { insert: 'new table as new_rows', delete: 'old table as old_rows', update: 'old table as old_rows new table as new_rows' }[op];
      await sql.raw(`create trigger stats_rollup_${op} after ${op} on ${table} referencing ${transition}
        for each statement execute function stats_${table}_${op}()`).execute(db);
    }
    // TRUNCATE has no transition table: the table is empty afterwards, and so are its rollups.
    await sql.raw(trigger(`stats_${table}_truncate`, '', `truncate ${rollups};`)).execute(db);
    await sql.raw(`create trigger stats_rollup_truncate after truncate on ${table}
      for each statement execute function stats_${table}_truncate()`).execute(db);
  }
  for (const statement of REBUILD) await sql.raw(statement).execute(db);
  await sql`select stats_rebuild_all()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table] of RAW) {
    for (const op of ['insert', 'update', 'delete', 'truncate']) {
      await sql.raw(`drop trigger if exists stats_rollup_${op} on ${table}`).execute(db);
      await sql.raw(`drop function if exists stats_${table}_${op}()`).execute(db);
    }
  }
  for (const fn of ['stats_rebuild_all()', 'stats_rebuild_app(uuid)', 'stats_add_view(uuid, smallint, timestamptz, bigint, timestamptz)',
    'stats_add_invocation(uuid, smallint, timestamptz, bigint, bigint, bigint)', 'stats_flush_views(uuid[], smallint)',
    'stats_flush_invocations(uuid[], smallint)']) {
    await sql.raw(`drop function if exists ${fn}`).execute(db);
  }
  for (const table of TABLES) await sql.raw(`drop table if exists ${table.split(' ')[0]}`).execute(db);
  for (const type of TYPES) await sql.raw(`drop type if exists ${type.split(' ')[0]}`).execute(db);
}
