import { readFileSync } from 'node:fs';
import { type Kysely, sql } from 'kysely';

// view_events and route_invocations become tables partitioned by UTC month of
// their time column (issue 18, server/db/sql/partitions/partitions.sql), with
// the contract's columns (CONTRACT §3) unchanged. Each is converted in place,
// under an ACCESS EXCLUSIVE lock on it for the length of this transaction:
// - its indexes, triggers and grants are read from the catalog;
// - an empty table is dropped; one with rows becomes the partition
//   <table>_legacy for every time before the month after its newest row (or
//   now): attaching scans it once and moves no row, and its indexes become the
//   partitions of the parent's indexes instead of being built again;
// - the parent gets the same indexes, triggers (statement-level, with
//   transition tables: they fire for the parent, so COPY into it pays once)
//   and grants, a default partition, and the months from now on.
// route_invocations.id was an identity, which partitioned tables have only
// since PostgreSQL 17: it is now a sequence default, numbering on from the
// identity's last value. The writers of §3 hold INSERT and nothing else, so
// PUBLIC gets USAGE on that sequence: nextval only, no setval.
// test/queries/partitions-convert.test.ts measures the lock with writers waiting.

export const PARTITION_SQL_FILES: readonly URL[] = [new URL('../sql/partitions/partitions.sql', import.meta.url)];

/** Runs the partition functions' SQL file in the caller's transaction. */
export async function applyPartitionSql(db: Kysely<any>): Promise<void> {
  for (const file of PARTITION_SQL_FILES) await sql.raw(readFileSync(file, 'utf8')).execute(db);
}

const CONVERT = (table: string, column: string) => `do $do$
declare
  indexes text[];
  triggers text[];
  grants text[];
  newest timestamptz;
  upper timestamptz;
  statement text;
  last_id bigint;
  has_rows boolean;
begin
  lock table public.${table} in access exclusive mode;
  select coalesce(array_agg(pg_catalog.pg_get_indexdef(i.indexrelid)), '{}') into indexes
    from pg_catalog.pg_index i where i.indrelid = 'public.${table}'::regclass;
  select coalesce(array_agg(pg_catalog.pg_get_triggerdef(t.oid)), '{}') into triggers
    from pg_catalog.pg_trigger t where t.tgrelid = 'public.${table}'::regclass and not t.tgisinternal;
  select coalesce(array_agg(format('grant %s on public.${table} to %s', a.privilege_type,
           case when a.grantee = 0 then 'public' else quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) end)), '{}')
    into grants
    from pg_catalog.pg_class c cross join lateral pg_catalog.aclexplode(c.relacl) a
    where c.oid = 'public.${table}'::regclass and a.grantee <> c.relowner;
  if '${table}' = 'route_invocations' then
    last_id := coalesce(pg_catalog.pg_sequence_last_value(pg_catalog.pg_get_serial_sequence('public.route_invocations', 'id')::regclass), 0);
    alter table public.route_invocations alter column id drop identity;
    execute format('create sequence public.route_invocations_id_seq as bigint start with %s', last_id + 1);
    alter table public.route_invocations alter column id set default nextval('public.route_invocations_id_seq');
    grant usage on sequence public.route_invocations_id_seq to public;
  end if;
  select exists (select from public.${table}) into has_rows;
  if has_rows then
    select max(${column}) into newest from public.${table};
    upper := appstats_month_after(date_trunc('month', greatest(newest, now()), 'UTC'));
    alter table public.${table} rename to ${table}_legacy;
    for statement in select t.tgname from pg_catalog.pg_trigger t
        where t.tgrelid = 'public.${table}_legacy'::regclass and not t.tgisinternal loop
      execute format('drop trigger %I on public.${table}_legacy', statement);
    end loop;
    for statement in select c.relname from pg_catalog.pg_index i join pg_catalog.pg_class c on c.oid = i.indexrelid
        where i.indrelid = 'public.${table}_legacy'::regclass loop
      execute format('alter index public.%I rename to %I', statement, left(statement, 55) || '_legacy');
    end loop;
    create table public.${table} (like public.${table}_legacy including defaults) partition by range (${column});
    execute format('alter table public.${table} attach partition public.${table}_legacy for values from (minvalue) to (%L)', upper);
  else
    alter table public.${table} rename to ${table}_empty;
    create table public.${table} (like public.${table}_empty including defaults) partition by range (${column});
    drop table public.${table}_empty;
  end if;
  if '${table}' = 'route_invocations' then
    alter sequence public.route_invocations_id_seq owned by public.route_invocations.id;
  end if;
  create table public.${table}_default partition of public.${table} default;
  foreach statement in array indexes loop execute statement; end loop;
  foreach statement in array triggers loop execute statement; end loop;
  foreach statement in array grants loop execute statement; end loop;
end
$do$`;

export async function up(db: Kysely<any>): Promise<void> {
  await applyPartitionSql(db);
  await sql`create table retention_raw_since (table_name text primary key, since timestamptz not null)`.execute(db);
  await sql.raw(CONVERT('view_events', 'viewed_at')).execute(db);
  await sql.raw(CONVERT('route_invocations', 'started_at')).execute(db);
  await sql`select appstats_partitions_ensure(3)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('20260113000000_partitions cannot be undone: a partitioned table would have to be copied back');
}
