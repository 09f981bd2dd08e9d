import { type Kysely, sql } from 'kysely';

// A reader role per workspace (issue 7): NOLOGIN, USAGE on its own schema and
// SELECT on its tables, now and later. The table preview switches to it with
// SET LOCAL ROLE after its catalog check, so even a bug in that check cannot
// read another app's tables or the platform's (users, api_tokens, ...).
//
// Roles belong to the whole cluster, databases do not: the name carries a hash
// of the database and the schema, so two databases on one cluster (tests,
// staging beside production) never share a reader. The preview finds the
// reader through the schema's grants, not by recomputing the name, so a
// database cloned from a template or renamed keeps working.
//
// Requirement: the database user the service connects with must be a
// superuser, or have CREATEROLE; it becomes a member of each reader it creates
// (GRANT reader TO current_user) so that it may SET ROLE to it.
// Tables the app's own migrations create (as that same user) are covered by
// ALTER DEFAULT PRIVILEGES FOR ROLE current_user; a table created by some other
// role needs its own GRANT SELECT, or the preview cannot read it (an error, never a leak).

const FUNCTION = `create or replace function public.grant_workspace_reader(workspace text) returns text
language plpgsql set search_path = pg_catalog as $fn$
declare
  reader text := left(workspace, 45) || '_reader_' || left(md5(current_database() || '/' || workspace), 8);
  owner_name text;
  can_set boolean;
begin
  select r.rolname into owner_name from pg_namespace n join pg_roles r on r.oid = n.nspowner where n.nspname = workspace;
  if owner_name is null then
    raise exception 'schema % does not exist', workspace;
  end if;
  if not exists (select from pg_roles where rolname = reader) then
    begin
      execute format('create role %I nologin noinherit', reader);
    exception when duplicate_object or unique_violation then
      null; -- created meanwhile by a concurrent transaction
    end;
  end if;
  if exists (select from pg_roles where rolname = reader
             and (rolcanlogin or rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls)) then
    raise exception 'role % exists with more rights than a workspace reader may have', reader;
  end if;
  -- PostgreSQL 16 separated membership from the right to SET ROLE.
  if current_setting('server_version_num')::int >= 160000 then
    can_set := pg_has_role(current_user, reader, 'SET');
  else
    can_set := pg_has_role(current_user, reader, 'MEMBER');
  end if;
  if not can_set then
    execute format('grant %I to %I', reader, current_user);
  end if;
  execute format('grant usage on schema %I to %I', workspace, reader);
  execute format('grant select on all tables in schema %I to %I', workspace, reader);
  execute format('alter default privileges for role %I in schema %I grant select on tables to %I', current_user, workspace, reader);
  if owner_name <> current_user and pg_has_role(current_user, owner_name, 'MEMBER') then
    execute format('alter default privileges for role %I in schema %I grant select on tables to %I', owner_name, workspace, reader);
  end if;
  return reader;
end
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(FUNCTION).execute(db);
  await sql`revoke all on function public.grant_workspace_reader(text) from public`.execute(db);
  await sql`select public.grant_workspace_reader(a.workspace_schema)
    from apps a join pg_catalog.pg_namespace n on n.nspname = a.workspace_schema
    order by a.workspace_schema`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  // Privileges go in this database; the role itself only once no other database still uses it.
  await sql.raw(`do $$
    declare reader text;
    begin
      for reader in
        select r.rolname from pg_catalog.pg_roles r join apps a on starts_with(r.rolname, left(a.workspace_schema, 45) || '_reader_')
      loop
        execute format('drop owned by %I', reader);
        begin
          execute format('drop role %I', reader);
        exception when dependent_objects_still_exist then
          null;
        end;
      end loop;
    end $$`).execute(db);
  await sql`drop function if exists public.grant_workspace_reader(text)`.execute(db);
}
