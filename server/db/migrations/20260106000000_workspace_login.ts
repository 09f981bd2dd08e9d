import { type Kysely, sql } from 'kysely';

// Workspace reads log in as the workspace's own reader (issue 11). Tenant code
// can run during any read of a workspace table (a row-level-security policy, an
// immutable function in a partial index predicate, which the planner folds), and
// whatever runs can `SET ROLE NONE` back to the session's login role. So the
// login role of a workspace read must itself be the reader: a role that can read
// this one schema and nothing else, a member of no other role.
//
// The reader of 20260105000000_workspace_roles gets LOGIN here (its password is
// set by the service: server/workspace/login.ts), a connection limit so one
// workspace can never hold many server backends, and the same shape checks as
// before, now allowing LOGIN.

const FUNCTION = `create or replace function public.grant_workspace_reader(workspace text) returns text
language plpgsql set search_path = pg_catalog, pg_temp as $fn$
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
      execute format('create role %I nologin noinherit connection limit 4', reader);
    exception when duplicate_object or unique_violation then
      null; -- created meanwhile by a concurrent transaction
    end;
  end if;
  if exists (select from pg_roles where rolname = reader
             and (rolsuper or rolcreaterole or rolcreatedb or rolreplication or rolbypassrls or rolinherit)) then
    raise exception 'role % exists with more rights than a workspace reader may have', reader;
  end if;
  if exists (select from pg_auth_members m join pg_roles r on r.oid = m.member where r.rolname = reader) then
    raise exception 'role % is a member of another role; a workspace reader may not be', reader;
  end if;
  execute format('alter role %I connection limit 4', reader);
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

export async function down(): Promise<void> {
  // The function of 20260105000000_workspace_roles is replaced by a stricter one; nothing to undo that would be safer.
}
