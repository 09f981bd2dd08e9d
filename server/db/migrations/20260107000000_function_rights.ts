import { type Kysely, sql } from 'kysely';

// The service's own functions in the database (issue 11, CONTRACT §10):
// - EXECUTE is revoked from PUBLIC on every one of them (and again after every
//   migration run, server/db/migrate.ts, for functions added later), so no other role (the writers of §3, a workspace
//   reader, a tenant) can call stats_add_* to set an app's figures or run a
//   rebuild without its locks. Triggers still fire for every writer: a trigger
//   function's EXECUTE is not checked at fire time.
// - The SECURITY DEFINER ones search pg_catalog, then public, then pg_temp
//   last, so a temporary table can never stand in for a rollup table.
// - They belong to a NOLOGIN role that holds exactly the rights they use (the
//   rollup tables, reading the two event tables), so a flaw in one of them
//   cannot reach users, tokens or sessions. Its name carries a hash of the
//   database, as the workspace readers' do: roles are shared by the cluster.

const RIGHTS = `do $do$
declare
  owner_role text := 'appstats_rollups_' || left(md5(current_database()), 8);
  f record;
  t record;
begin
  if not exists (select from pg_catalog.pg_roles where rolname = owner_role) then
    execute format('create role %I nologin noinherit', owner_role);
  end if;
  if current_setting('server_version_num')::int >= 160000 then
    if not pg_catalog.pg_has_role(current_user, owner_role, 'SET') then
      execute format('grant %I to %I with set true', owner_role, current_user);
    end if;
  elsif not pg_catalog.pg_has_role(current_user, owner_role, 'MEMBER') then
    execute format('grant %I to %I', owner_role, current_user);
  end if;
  -- CREATE on public is what PostgreSQL asks of a function's new owner; the functions themselves create nothing.
  execute format('grant usage, create on schema public to %I', owner_role);
  for t in
    select c.relname from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind = 'r' and c.relname like 'stats\\_%'
  loop
    execute format('grant select, insert, update, delete, truncate on public.%I to %I', t.relname, owner_role);
  end loop;
  execute format('grant select on public.view_events, public.route_invocations to %I', owner_role);
  for f in
    select p.oid::regprocedure as signature, p.prosecdef as definer, p.proname
    from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'public'
      and not exists (select from pg_catalog.pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    execute format('revoke all on function %s from public', f.signature);
    if f.definer then
      execute format('alter function %s set search_path = pg_catalog, public, pg_temp', f.signature);
      execute format('alter function %s owner to %I', f.signature, owner_role);
      execute format('revoke all on function %s from public', f.signature);
    end if;
  end loop;
end
$do$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(RIGHTS).execute(db);
}

export async function down(): Promise<void> {
  // Rights taken away stay taken away: granting EXECUTE to PUBLIC again would reopen the hole.
}
