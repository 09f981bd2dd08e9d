import pg from 'pg';
import { BYTEA, type PageColumn, TEXT_LIKE, cellMeasure } from '../preview/page-sql';

// The SQL of a table export: one cursor over the whole table in primary-key
// order, and a statement that reads one slice of one large cell. Nothing is
// ever cut; what bounds memory is what a FETCH may carry. A row is sent whole
// when its printed cells take at most ROW_INLINE_BYTES together; in a larger
// row, cells over CELL_INLINE_BYTES stay behind (only their size comes) and are
// read afterwards in slices of SLICE_BYTES, by the row's tableoid and
// ctid, in the same snapshot. So a FETCH of fetchRows(columns) rows carries at
// most about CHUNK_BYTES of cell text, whatever the table holds.

/** A row up to this many bytes of printed cells comes whole. */
export const ROW_INLINE_BYTES = 16 * 1024;
/** In a larger row, cells up to this size come with it; the others are read in slices. */
export const CELL_INLINE_BYTES = 1024;
/** What one FETCH may carry at most, in bytes of cell text. */
export const CHUNK_BYTES = 8 * 1024 * 1024;
const MAX_FETCH_ROWS = 1000;
/** One slice of a large cell, in bytes (1 MiB of hex on the wire). */
export const SLICE_BYTES = 512 * 1024;

/** How a cell left behind is read: streamed as text, streamed as JSON text, or read whole and parsed (arrays, numbers, other types). */
export type LargeKind = 'text' | 'json' | 'whole';

const JSON_TYPES = new Set([114, 3802]);
/** The most entries a target list may have (PostgreSQL's MaxTupleAttributeNumber). */
const TARGET_LIST_MAX = 1664;

/** How a large cell of `column` is read and written. */
export function largeKindOf(column: PageColumn): LargeKind {
  if (JSON_TYPES.has(column.type)) return 'json';
  return TEXT_LIKE.has(column.type) || column.type === BYTEA ? 'text' : 'whole';
}

/** Rows per FETCH for a table of `columnCount` columns: every row at its largest still fits CHUNK_BYTES. */
export function fetchRows(columnCount: number): number {
  const largestRow = Math.max(ROW_INLINE_BYTES, columnCount * CELL_INLINE_BYTES);
  return Math.max(1, Math.min(MAX_FETCH_ROWS, Math.floor(CHUNK_BYTES / largestRow)));
}

/** The printed text of a cell that is not stored as its own text, or null for NULL (format() would print ''). */
function printed(ref: string): string {
  return `case when num_nonnulls(${ref}) = 1 then format('%s', ${ref}) end`;
}

/**
 * The cursor's query over `qualified` (names read from the catalog only). Its
 * columns: one per table column (the printed text, or null for NULL and for a
 * cell left behind), then the sizes of the cells left behind as a JSON array
 * (null when the row came whole), then tableoid and ctid. Order: the primary
 * key; without one, physical order (partitions apart by tableoid).
 */
export function exportQuery(qualified: string, columns: readonly PageColumn[], keys: readonly string[], partitioned: boolean): string {
  // Subqueries, each fenced by OFFSET 0, print each value once and measure it once: the rows in order with
  // their printed values (a), their sizes (b), whether the row comes whole (c), then what is sent.
  const own = (column: PageColumn) => TEXT_LIKE.has(column.type) || column.type === BYTEA;
  const printedValues = columns.map((column, i) => {
    const ref = `t.${pg.escapeIdentifier(column.name)}`;
    return `${own(column) ? ref : printed(ref)} as v${i}`;
  });
  const sizes = columns.map((column, i) => cellMeasure(column, `a.v${i}`, `a.v${i}`).size);
  // A column per size is cheaper to read; an array only where the columns would not fit (over 830 of them).
  const asArray = 3 + 2 * columns.length > TARGET_LIST_MAX;
  const z = (i: number, of = 'c') => (asArray ? `${of}.z[${i + 1}]` : `${of}.z${i}`);
  const total = columns.map((_, i) => `coalesce(${z(i, 'b')}, 0)`).join(' + ') || '0';
  const values = columns.map((_, i) => `case when c.whole or ${z(i)} <= ${CELL_INLINE_BYTES} then c.v${i} end`);
  const behind = columns.map((_, i) => `case when ${z(i)} > ${CELL_INLINE_BYTES} then ${z(i)} end`);
  const order =
    keys.length > 0
      ? `order by ${keys.map((k) => `t.${pg.escapeIdentifier(k)}`).join(', ')}`
      : partitioned
        ? 'order by t.tableoid, t.ctid'
        : '';
  const a = `select ${['t.tableoid', 't.ctid', ...printedValues].join(', ')} from ${qualified} t ${order} offset 0`;
  const measured = asArray ? [`array[${sizes.join(', ')}]::int8[] as z`] : sizes.map((size, i) => `${size} as z${i}`);
  const b = `select ${['a.*', ...measured].join(', ')} from (${a}) a offset 0`;
  const c = `select b.*, ${total} <= ${ROW_INLINE_BYTES} as whole from (${b}) b offset 0`;
  return `select ${[...values, `case when not c.whole then array_to_json(array[${behind.join(', ')}]::int8[]) end`, 'c.tableoid::int8::text', 'c.ctid::text'].join(', ')}
    from (${c}) c`;
}

/**
 * A cursor's query over the slices of one cell of the row at ($1 tableoid,
 * $2 ctid): the cell's bytes (UTF-8 of its printed text; a bytea's own bytes)
 * read once into memory by the subquery, then $3 bytes at a time, each slice a
 * row (printed as hex by bytea_output). Slicing bytes of a value in memory
 * costs the same at its end as at its start, where slicing the stored text
 * would decompress it from its start each time.
 */
export function cellSlicesQuery(qualified: string, column: PageColumn): string {
  const ref = `t.${pg.escapeIdentifier(column.name)}`;
  const bytes =
    column.type === BYTEA ? `(${ref} || ''::bytea)` : `convert_to(${TEXT_LIKE.has(column.type) ? `${ref}::text` : printed(ref)}, 'UTF8')`;
  return `select substring(s.v from g * $3::int + 1 for $3::int)
    from (select ${bytes} as v from ${qualified} t where t.tableoid = $1::int8::oid and t.ctid = $2::tid offset 0) s
    cross join lateral generate_series(0, (octet_length(s.v) - 1) / $3::int) g
    order by g`;
}
