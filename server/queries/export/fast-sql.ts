import pg from 'pg';
import type { Relation } from '../preview/lookup';

// The CSV fast path of a table export: `COPY (SELECT …) TO STDOUT (FORMAT csv)`,
// so PostgreSQL prints, quotes and joins the fields itself. It applies only to a
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

/** Types COPY prints as the preview shows them (integers, numeric, text, uuid, date, timestamp, bytea as `\x…`). */
const AS_PRINTED = new Set([20, 21, 23, 25, 1043, 1700, 2950, 1082, 1114, 17]);
const BOOL = 16;
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

/** Whether the CSV of `relation` may take the fast path: 1..FAST_MAX_COLUMNS columns, each of a plain type (declared, not a domain). */
export function isFastCsv(relation: Pick<Relation, 'columns'>): boolean {
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

/** The COPY of every row of `qualified` as CSV without a header, in the order exportQuery reads them. */
export function fastCsvCopy(qualified: string, relation: Pick<Relation, 'columns' | 'keys' | 'partitioned'>): string {
  const fields = relation.columns.map((column) => fieldOf(`t.${pg.escapeIdentifier(column.name)}`, Number(column.type)));
  const order =
    relation.keys.length > 0
      ? `order by ${relation.keys.map((k) => `t.${pg.escapeIdentifier(k)}`).join(', ')}`
      : relation.partitioned
        ? 'order by t.tableoid, t.ctid'
        : '';
  return `copy (select ${fields.join(', ')} from ${qualified} t ${order}) to stdout with (format csv)`;
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
