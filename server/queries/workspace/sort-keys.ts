import pg from 'pg';
import type { Relation } from '../preview/lookup';

// Which columns of a workspace table a sorted page may order by, and the keys
// that order it. A column qualifies only when one of the table's btree indexes
// serves `order by column` in both directions without reading the table: the
// column leads the index (not an expression), the index is whole (not partial),
// valid and live, uses the type's default operator class from pg_catalog and
// the column's own collation, in ascending-nulls-last or descending-nulls-first
// order. Its type must come from PostgreSQL itself (a base type or an enum,
// domains resolved to their base type, arrays of those): a key value read back
// from a cursor is cast with the type's input function, and a domain's CHECK or
// a composite's fields could run the tenant's own functions as the reader.

// Run as the reader (search_path=pg_catalog), with the relation's oid as $1.
const SORTABLE = `
  with cols as (
    select a.attnum, a.attname, a.attcollation, pg_catalog.format_type(a.atttypid, a.atttypmod) as display,
           coalesce(nullif(t.typbasetype, 0), t.oid) as base
    from pg_catalog.pg_attribute a
    join pg_catalog.pg_type t on t.oid = a.atttypid
    where a.attrelid = $1::oid and a.attnum > 0 and not a.attisdropped
  ), typed as (
    select c.*, pg_catalog.format_type(c.base, null) as "typeName",
           (b.typtype in ('b', 'e') and (e.oid is null or (e.typtype in ('b', 'e') and e.typbasetype = 0))) as "plainType"
    from cols c
    join pg_catalog.pg_type b on b.oid = c.base
    left join pg_catalog.pg_type e on e.oid = b.typelem and b.typinput = 'pg_catalog.array_in'::pg_catalog.regproc
  )
  select c.attname as name, c.display, c."typeName", c."plainType",
         coalesce(pg_catalog.bool_or(i.indisprimary), false) as "primaryKey",
         pg_catalog.count(i.indexrelid) > 0 as "ordered"
  from typed c
  left join (pg_catalog.pg_index i
    join pg_catalog.pg_class ic on ic.oid = i.indexrelid
    join pg_catalog.pg_am am on am.oid = ic.relam and am.amname = 'btree'
    join pg_catalog.pg_opclass oc on oc.oid = i.indclass[0] and oc.opcdefault
    join pg_catalog.pg_namespace ocn on ocn.oid = oc.opcnamespace and ocn.nspname = 'pg_catalog')
    on i.indrelid = $1::oid and i.indkey[0] = c.attnum and i.indpred is null
       and i.indisvalid and i.indisready and i.indislive and i.indoption[0] in (0, 3)
       and i.indcollation[0] = c.attcollation
  group by c.attnum, c.attname, c.display, c."typeName", c."plainType"
  order by c.attnum`;

/** A column as the sortable lookup sees it. */
export interface ColumnOrder {
  name: string;
  /** The column's type as a person reads it (format_type with its modifier: `text[]`, `numeric(8,2)`). */
  display: string;
  /** The type's name as SQL may cast to it (format_type: quoted, schema-qualified where needed). */
  typeName: string;
  plainType: boolean;
  primaryKey: boolean;
  /** A btree index that qualifies (above) leads with this column. */
  ordered: boolean;
}

/** One key of a sorted page: its expression over a row alias, the type a cursor value is cast to, and whether it can be NULL. */
export interface SortKey {
  ref: (alias: string) => string;
  cast: string;
  nullable: boolean;
}

/** The columns' order facts for a looked-up relation, read on the reader's connection. */
export async function columnOrders(client: pg.Client, relation: Relation): Promise<ColumnOrder[]> {
  return (await client.query<ColumnOrder>(SORTABLE, [relation.oid])).rows;
}

const column = (name: string, cast: string, nullable: boolean): SortKey => ({
  ref: (alias) => `${alias}.${pg.escapeIdentifier(name)}`,
  cast,
  nullable,
});

/**
 * The keys that order rows by `sortBy` without ties: the primary key alone
 * when `sortBy` leads it, else `sortBy` then the primary key, or (without one)
 * the row's physical address, tableoid first so partitions stay apart. Null
 * when the column may not be sorted by (the rules above).
 */
export function sortKeys(relation: Relation, orders: readonly ColumnOrder[], sortBy: string): SortKey[] | null {
  const byName = new Map(orders.map((o) => [o.name, o]));
  const chosen = byName.get(sortBy);
  if (!chosen?.ordered || !chosen.plainType) return null;
  const primary = relation.keys.map((name) => byName.get(name));
  const primaryUsable = primary.length > 0 && primary.every((o) => o?.plainType);
  if (relation.keys[0] === sortBy) {
    return primaryUsable ? primary.flatMap((o) => (o ? [column(o.name, o.typeName, false)] : [])) : null;
  }
  const ties: SortKey[] = primaryUsable
    ? primary.flatMap((o) => (o ? [column(o.name, o.typeName, false)] : []))
    : [
        ...(relation.partitioned ? [{ ref: (alias: string) => `${alias}.tableoid`, cast: 'pg_catalog.oid', nullable: false }] : []),
        { ref: (alias: string) => `${alias}.ctid`, cast: 'pg_catalog.tid', nullable: false },
      ];
  return [column(chosen.name, chosen.typeName, !relation.keys.includes(sortBy)), ...ties];
}

/** A column of a table as the grid shows it: its name, its type's readable name, and whether it may be sorted by. */
export interface GridColumnInfo {
  name: string;
  type: string;
  sortable: boolean;
}

/** The columns in table order; the workspace's own schema is left out of a type's name (`mood`, not `ws_….mood`). */
export function gridColumns(schema: string, relation: Relation, orders: readonly ColumnOrder[]): GridColumnInfo[] {
  const prefixes = [`${pg.escapeIdentifier(schema)}.`, `${schema}.`];
  return orders.map((o) => {
    const prefix = prefixes.find((p) => o.display.startsWith(p));
    return {
      name: o.name,
      type: prefix ? o.display.slice(prefix.length) : o.display,
      sortable: sortKeys(relation, orders, o.name) !== null,
    };
  });
}
