-- Hands the service role what the bootstrap superuser owns in the current
-- database: a `.data/` from before issue 11, when the service ran as `postgres`.
-- REASSIGN OWNED BY is refused for the bootstrap superuser, hence one loop per
-- kind of object. Run by server/embedded/service-role.ts as that superuser,
-- with appstats.adopt_from and appstats.adopt_to set for the transaction; one
-- statement, so all or nothing. Finds nothing to do on a database made since.
do $adopt$
declare
  from_role text := current_setting('appstats.adopt_from');
  to_role text := current_setting('appstats.adopt_to');
  from_oid oid := quote_ident(from_role)::regrole::oid;
  moved_schemas oid[] := '{}';
  item record;
begin
  -- Schemas, remembering which: their grantees are adopted below.
  for item in
    select n.oid, n.nspname from pg_namespace n
    where n.nspowner = from_oid and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
      and not exists (select from pg_depend d where d.classid = 'pg_namespace'::regclass and d.objid = n.oid and d.deptype = 'e')
  loop
    execute format('alter schema %I owner to %I', item.nspname, to_role);
    moved_schemas := moved_schemas || item.oid;
  end loop;

  -- Tables, views, materialized views, foreign tables and free-standing sequences.
  -- Indexes and the sequences of serial and identity columns follow their table.
  for item in
    select c.oid::regclass as name, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relowner = from_oid and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
      and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
      and not exists (select from pg_depend d where d.classid = 'pg_class'::regclass and d.objid = c.oid
                      and (d.deptype = 'e' or (c.relkind = 'S' and d.refclassid = 'pg_class'::regclass and d.deptype in ('a', 'i'))))
  loop
    execute format('alter %s %s owner to %I',
      case item.relkind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table'
                        when 'S' then 'sequence' else 'table' end,
      item.name, to_role);
  end loop;

  -- Functions, procedures and aggregates (the rollup functions are SECURITY DEFINER:
  -- owned by a superuser they would run as one).
  for item in
    select p.oid::regprocedure as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where p.proowner = from_oid and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
      and not exists (select from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e')
  loop
    execute format('alter routine %s owner to %I', item.name, to_role);
  end loop;

  -- Enums, domains, ranges and free-standing composite types; array types follow.
  for item in
    select t.oid::regtype as name, t.typtype from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where t.typowner = from_oid and n.nspname !~ '^pg_' and n.nspname <> 'information_schema'
      and (t.typtype in ('e', 'd', 'r') or (t.typtype = 'c' and (select c.relkind from pg_class c where c.oid = t.typrelid) = 'c'))
      and not exists (select from pg_depend d where d.classid = 'pg_type'::regclass and d.objid = t.oid and d.deptype = 'e')
  loop
    execute format('alter %s %s owner to %I', case item.typtype when 'd' then 'domain' else 'type' end, item.name, to_role);
  end loop;

  -- Default privileges the old owner set per schema (a workspace's reader gets
  -- SELECT on tables created there later) now apply to what the service creates.
  for item in
    select d.defaclnamespace::regnamespace::text as schema_name, a.privilege_type, a.is_grantable,
           case d.defaclobjtype when 'r' then 'tables' when 'S' then 'sequences' when 'f' then 'functions' when 'T' then 'types' end as kind,
           case when a.grantee = 0 then 'public' else a.grantee::regrole::text end as grantee
    from pg_default_acl d cross join lateral aclexplode(d.defaclacl) a
    where d.defaclrole = from_oid and d.defaclnamespace <> 0 and d.defaclobjtype in ('r', 'S', 'f', 'T')
  loop
    execute format('alter default privileges for role %I in schema %s grant %s on %s to %s%s', to_role, item.schema_name,
      item.privilege_type, item.kind, item.grantee, case when item.is_grantable then ' with grant option' else '' end);
    execute format('alter default privileges for role %I in schema %s revoke %s on %s from %s', from_role, item.schema_name,
      item.privilege_type, item.kind, item.grantee);
  end loop;

  -- Plain roles holding rights on a schema moved here (the workspace readers the
  -- old owner created) become the service's to administer and SET ROLE to, as if
  -- it had created them itself (PostgreSQL 16+ gives a CREATEROLE creator ADMIN).
  for item in
    select distinct r.rolname from pg_namespace n cross join lateral aclexplode(n.nspacl) a join pg_roles r on r.oid = a.grantee
    where n.oid = any (moved_schemas) and r.rolname not in (from_role, to_role)
      and not (r.rolsuper or r.rolcreaterole or r.rolcreatedb or r.rolreplication or r.rolbypassrls)
      and not pg_has_role(to_role, r.oid, 'SET')
  loop
    execute format('grant %I to %I with admin option', item.rolname, to_role);
  end loop;
end
$adopt$;
