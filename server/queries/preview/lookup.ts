import pg from 'pg';
import { ESTIMATE_FROM_ROWS } from './count';

// The preview's catalog lookup of a table, and the lookups it keeps.

// What the preview's catalog lookup depends on, as one hash over the relation
// `rel` (an alias of pg_class): its name, kind, row-level security, the reader's
// right to read it, whether it is counted, its columns with their types, its
// primary key. The same hash read with a page proves a kept lookup still exact.
function fingerprintOf(rel: string): string {
  // JSON keeps names apart whatever they hold (a column named "a,2:b" is not two columns).
  return `pg_catalog.md5(pg_catalog.json_build_array(${rel}.relname, ${rel}.relkind, ${rel}.relrowsecurity,
    pg_catalog.has_table_privilege(${rel}.oid, 'SELECT'), (${rel}.reltuples >= ${ESTIMATE_FROM_ROWS} and ${rel}.relpages > 0),
    (select pg_catalog.json_agg(pg_catalog.json_build_array(a.attnum, a.attname, a.atttypid) order by a.attnum)
     from pg_catalog.pg_attribute a where a.attrelid = ${rel}.oid and a.attnum > 0 and not a.attisdropped),
    (select pg_catalog.json_agg(i.indkey::text) from pg_catalog.pg_index i where i.indrelid = ${rel}.oid and i.indisprimary))::text)`;
}

/** The hash (fingerprintOf) and the row figure of the relation `oid` now, as two expressions to read with a page. */
export function checksOf(oid: string): string[] {
  const of = (what: string) => `(select ${what} from pg_catalog.pg_class fc where fc.oid = ${pg.escapeLiteral(oid)}::oid)`;
  return [of(fingerprintOf('fc')), of('fc.reltuples::float8')];
}

// Everything the preview needs to know of a table, in one statement: the
// relation (only an ordinary or partitioned table of the app's own schema, not
// `_migrations`; the name is only ever compared as a value), its columns in
// order, their types with the base types of domains and the element types of
// arrays, its primary key, and the planner's figures for the count.
export const FIND_TABLE = `
  select c.oid::int8::text as oid, c.relname, c.relkind = 'p' as partitioned, c.relrowsecurity as "rowSecurity",
         pg_catalog.has_table_privilege(c.oid, 'SELECT') as readable, c.reltuples::float8 as reltuples, c.relpages::float8 as relpages,
         (select coalesce(pg_catalog.json_agg(pg_catalog.json_build_object('name', a.attname, 'type', a.atttypid::int8::text) order by a.attnum), '[]')
          from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped) as columns,
         (select coalesce(pg_catalog.json_agg(a.attname order by k.position), '[]')
          from pg_catalog.pg_index i
          cross join lateral pg_catalog.unnest(i.indkey::int2[]) with ordinality k(attnum, position)
          join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = k.attnum
          where i.indrelid = c.oid and i.indisprimary) as keys,
         (with recursive needed(oid) as (
            select a.atttypid from pg_catalog.pg_attribute a where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
            union
            select x.oid from needed
            join pg_catalog.pg_type t on t.oid = needed.oid
            cross join lateral (values (t.typbasetype), (t.typelem)) x(oid)
            where x.oid <> 0
          )
          select coalesce(pg_catalog.json_agg(pg_catalog.json_build_object(
                   'oid', t.oid::int8::text, 'baseType', t.typbasetype::int8::text, 'element', t.typelem::int8::text,
                   'delimiter', t.typdelim, 'isArray', t.typinput = 'pg_catalog.array_in'::pg_catalog.regproc)), '[]')
          from needed join pg_catalog.pg_type t on t.oid = needed.oid) as types,
         ${fingerprintOf('c')} as fingerprint
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = $1 and c.relname = $2 and c.relkind in ('r', 'p') and c.relname <> $3`;

export interface Relation {
  oid: string;
  relname: string;
  partitioned: boolean;
  rowSecurity: boolean;
  readable: boolean;
  reltuples: number;
  relpages: number;
  columns: Array<{ name: string; type: string }>;
  keys: string[];
  types: Array<{ oid: string; baseType: string; element: string; delimiter: string; isArray: boolean }>;
  fingerprint: string;
}

// Catalog lookups kept per table, used only while the hash read with each page
// matches (fingerprintOf): a page read with a kept lookup costs one statement.
const KEPT_LOOKUPS = 512;
/** The kept lookups, by schema and table. */
export const lookups = new Map<string, Relation>();

/** Keeps a lookup, the oldest going when KEPT_LOOKUPS are kept. */
export function keep(key: string, relation: Relation): void {
  lookups.delete(key);
  if (lookups.size >= KEPT_LOOKUPS) lookups.delete(lookups.keys().next().value ?? '');
  lookups.set(key, relation);
}
