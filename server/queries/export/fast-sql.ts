import pg from 'pg';
import { objectLayout } from '../../export/ndjson';
import { type NdjsonFieldKind, ndjsonRecords } from './ndjson-records';
import type { Relation } from '../preview/lookup';

// The fast path of a table export: `COPY (SELECT …) TO STDOUT`, so PostgreSQL
// prints, quotes and joins the fields itself. CSV: COPY's own CSV. NDJSON: each
// column's JSON printed by COPY, made objects by ndjson-records.ts. It applies only to a
// table whose every column is declared with one of the plain types below (their
// own OIDs: a domain over one is not plain), where COPY's CSV parses back to
// the very cells the general path writes from the preview's values (values.ts,
// server/export/csv.ts): null an empty cell, an empty string `""`, a field
// holding `,` `"` CR or LF quoted with its quotes doubled, booleans
// `true`/`false`, timestamptz as ISO UTC with milliseconds (cut, not rounded).
// COPY ends a record with LF (csvLineEnds makes it CRLF) and also quotes a
// field that is exactly `\.`: the same cell for any CSV parser. Only built-in
// output functions and pg_catalog functions run (the reader's search_path is
// pg_catalog), so nothing the tenant made runs.

/**
 * Types COPY prints as the preview shows them: integers, numeric, text, varchar, char(n), uuid, date,
 * timestamp, time, timetz, interval, inet, cidr, macaddr, macaddr8, bytea as `\x…`.
 */
const AS_PRINTED = new Set([20, 21, 23, 25, 1043, 1042, 1700, 2950, 1082, 1114, 1083, 1266, 1186, 869, 650, 829, 774, 17]);
const BOOL = 16;
const INT2 = 21;
const INT4 = 23;
const TEXT = 25;
const VARCHAR = 1043;
const BPCHAR = 1042;
const BYTEA = 17;
const TIMESTAMPTZ = 1184;
/** The most columns a fast export selects (the general path reads wider tables in its own way). */
export const FAST_MAX_COLUMNS = 100;
/**
 * The longest a fast export's COPY may run, one statement however many rows:
 * it replaces the per-statement timeout for it, while the step deadline
 * (server/workspace/stream.ts) still ends a COPY that sends nothing for that long.
 */
export const COPY_TIMEOUT_MS = 30 * 60_000;

/** Whether `type` (a column's declared type OID) has a field here. */
function isPlain(type: number): boolean {
  return type === BOOL || type === TIMESTAMPTZ || AS_PRINTED.has(type);
}

/** Whether the export of `relation` may take the fast path: 1..FAST_MAX_COLUMNS columns, each of a plain type (declared, not a domain). */
export function isFastExport(relation: Pick<Relation, 'columns'>): boolean {
  const { columns } = relation;
  return columns.length > 0 && columns.length <= FAST_MAX_COLUMNS && columns.every((column) => isPlain(Number(column.type)));
}

/** The value COPY prints for a column of `type` (plain), `ref` naming it; null stays null. */
function fieldOf(ref: string, type: number): string {
  if (type === BOOL) return `case when ${ref} then 'true' when not ${ref} then 'false' end`;
  if (type === TIMESTAMPTZ) {
    // The preview's ISO form is for years 1 AD on; infinity, -infinity and BC stay as printed. TimeZone is UTC.
    return `case when ${ref} >= '0001-01-01 00:00:00+00'::pg_catalog.timestamptz and ${ref} < 'infinity'::pg_catalog.timestamptz
      then pg_catalog.to_char(${ref}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') else ${ref}::pg_catalog.text end`;
  }
  return ref;
}

/** The field of a column of `type` (plain), `ref` naming it, on the NDJSON fast path, and how ndjsonRecords makes it JSON; null stays null. */
function ndjsonFieldOf(ref: string, type: number): { sql: string; kind: NdjsonFieldKind } {
  if (type === BOOL || type === INT2 || type === INT4) return { sql: fieldOf(ref, type), kind: 'json' };
  // Text may hold anything: to_json escapes as JSON.stringify does (\b \f \n \r \t \" \\, other controls \u00xx).
  if (type === TEXT || type === VARCHAR) return { sql: `pg_catalog.to_json(${ref}::pg_catalog.text)::pg_catalog.text`, kind: 'json' };
  // char(n) keeps its padding only in its own output (a cast to text drops it).
  if (type === BPCHAR) return { sql: `pg_catalog.to_json(${ref})::pg_catalog.text`, kind: 'json' };
  if (type === BYTEA) return { sql: ref, kind: 'bytea' };
  // The others print letters, digits, spaces and -+:./ only (numbers, uuid, dates, times, intervals, addresses, infinity, BC):
  // nothing to escape.
  return { sql: fieldOf(ref, type), kind: 'string' };
}

type Ordered = Pick<Relation, 'columns' | 'keys' | 'partitioned'>;

/** The order exportQuery reads rows in: the primary key; without one, physical order (partitions apart by tableoid). */
function orderOf(relation: Ordered): string {
  if (relation.keys.length > 0) return `order by ${relation.keys.map((k) => `t.${pg.escapeIdentifier(k)}`).join(', ')}`;
  return relation.partitioned ? 'order by t.tableoid, t.ctid' : '';
}

/** The fast path's statements, the SELECT of every row and the COPY of it, and what turns COPY's text into the export's records. */
export interface FastExportSql {
  select: string;
  copy: string;
  records: (text: string) => string;
}

/**
 * The fast path's SQL for every row of `qualified`, in the order exportQuery
 * reads them. CSV: COPY's CSV of the fields, without a header, turned to
 * CRLF line ends. NDJSON: a field a column in the JSON object's key order
 * (objectLayout's), COPY's CSV with control characters as delimiter and quote,
 * turned into objects by ndjsonRecords.
 */
export function fastExportSql(qualified: string, relation: Ordered, format: 'csv' | 'ndjson'): FastExportSql {
  const refs = relation.columns.map((column) => ({ ref: `t.${pg.escapeIdentifier(column.name)}`, type: Number(column.type) }));
  const from = `from ${qualified} t ${orderOf(relation)}`;
  if (format === 'csv') {
    const select = `select ${refs.map(({ ref, type }) => fieldOf(ref, type)).join(', ')} ${from}`;
    return { select, copy: `copy (${select}) to stdout with (format csv)`, records: csvLineEnds() };
  }
  const { order, prefixes } = objectLayout(relation.columns.map((column) => column.name));
  const fields = order.map((i) => {
    const { ref, type } = refs[i] as { ref: string; type: number };
    return ndjsonFieldOf(ref, type);
  });
  const keys = order.map((i, n) => `${n === 0 ? '{' : ','}${prefixes[i] ?? ''}`);
  const select = `select ${fields.map((field) => field.sql).join(', ')} ${from}`;
  return {
    select,
    copy: `copy (${select}) to stdout with (format csv, delimiter e'\\x02', quote e'\\x01')`,
    records: ndjsonRecords(
      fields.map((field) => field.kind),
      keys,
    ),
  };
}

/**
 * Turns the LF that ends each of COPY's CSV records into CRLF (RFC 4180),
 * text piece by piece: an LF inside a quoted field stays as it is. A quote
 * opens or closes a field's quoting (a doubled one does both).
 */
export function csvLineEnds(): (text: string) => string {
  let quoted = false;
  return (text) => {
    if (!quoted && !text.includes('"')) return text.replaceAll('\n', '\r\n');
    let out = '';
    let from = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 34) quoted = !quoted;
      else if (code === 10 && !quoted) {
        out += `${text.slice(from, i)}\r\n`;
        from = i + 1;
      }
    }
    return out + text.slice(from);
  };
}
