import pg from 'pg';
import { previewTypeParser, type TypeInfo } from './values';

// One page of a workspace table, with large cells cut in SQL so that a 10 MB
// value never crosses the wire whole (fetch.ts picks the cut). The page is
// chosen first (a subquery with ORDER BY, LIMIT, OFFSET over untouched rows),
// and only its rows are measured. A cell is measured by the size of its printed text in bytes:
// - text, varchar, json: the stored value is the printed text, so its size and
//   its head come from the TOAST header and a slice, without reading it all;
// - bytea: printed as `\x` and two hex digits a byte, measured and sliced the same way;
// - anything else is printed once (format('%s', …), the type's output function)
//   and sent as that text, which values.ts parses by the column's type.

/** A cell whose printed text is over this many bytes (UTF-8) is cut: a page of 100 rows × N columns carries at most 100 × N × 64 KiB of cell text. */
export const MAX_CELL_BYTES = 64 * 1024;

/** What follows the kept head of a cut cell: the size of the whole printed value. */
export function cutCellMarker(bytes: number): string {
  return `…[truncated: ${bytes} bytes]`;
}

export interface PageColumn {
  name: string;
  /** The column's type with domains resolved to their base type (what the wire reports). */
  type: number;
}

/** Types whose stored value is their printed text (text, varchar, json): measured and sliced without printing. */
export const TEXT_LIKE: ReadonlySet<number> = new Set([25, 1043, 114]);
export const BYTEA = 17;

/** Where a page's rows come from: a `from` clause naming its rows `p` (every column of the table, tableoid and ctid), and the `order by` that keeps them in order. */
export interface PageSource {
  from: string;
  order: string;
}

/** The page subquery: the rows of one page over untouched rows, with tableoid and ctid for tables without a primary key. */
function pageSource(qualified: string, keys: readonly string[]): PageSource {
  // Without a primary key, physical order; tableoid first keeps partitions apart.
  // tableoid and ctid cannot clash with a column: PostgreSQL reserves those names.
  const inner = keys.length > 0 ? keys.map((k) => `t.${pg.escapeIdentifier(k)}`) : ['t.tableoid', 't.ctid'];
  const outer = keys.length > 0 ? keys.map((k) => `p.${pg.escapeIdentifier(k)}`) : ['p.tableoid', 'p.ctid'];
  return {
    from: `from (select t.tableoid, t.ctid, t.* from ${qualified} t order by ${inner.join(', ')} limit $1 offset $2) p`,
    order: `order by ${outer.join(', ')}`,
  };
}

/** The printed size in bytes of a cell (SQL over `ref`), and the printed text itself, without reading a large text or bytea whole. */
export function cellMeasure(column: PageColumn, ref: string, printed: string): { size: string; head: (cut: number) => string } {
  if (TEXT_LIKE.has(column.type)) return { size: `octet_length(${ref}::text)::int8`, head: (cut) => `left(${ref}::text, ${cut})` };
  if (column.type === BYTEA) {
    return {
      size: `(octet_length(${ref})::int8 * 2 + 2)`,
      head: (cut) => `encode(substring(${ref} from 1 for ${Math.max(0, Math.floor((cut - 2) / 2))}), 'hex')`,
    };
  }
  return { size: `octet_length(${printed})::int8`, head: (cut) => `left(${printed}, ${cut})` };
}

/**
 * The SQL of one page: $1 limit, $2 offset. Its columns are one per table
 * column (null where the cell was cut), then the heads of cut cells as a JSON
 * array of strings, then their full sizes in bytes as a JSON array of numbers,
 * then `extra` (uncorrelated expressions, e.g. a count, read in the same snapshot).
 * Only ever called with names read from the catalog.
 */
export function pageQuery(
  qualified: string,
  columns: readonly PageColumn[],
  keys: readonly string[],
  cut: number = MAX_CELL_BYTES,
  extra: readonly string[] = [],
): string {
  return pageQueryOver(pageSource(qualified, keys), columns, cut, extra);
}

/** pageQuery over any source of rows (e.g. a keyset page, server/queries/workspace/sorted-rows.ts), with the same cells, cuts and extras. */
export function pageQueryOver(
  source: PageSource,
  columns: readonly PageColumn[],
  cut: number = MAX_CELL_BYTES,
  extra: readonly string[] = [],
): string {
  const lateral: string[] = [];
  const values: string[] = [];
  const heads: string[] = [];
  const sizes: string[] = [];
  columns.forEach((column, i) => {
    const ref = `p.${pg.escapeIdentifier(column.name)}`;
    let value = ref;
    if (!TEXT_LIKE.has(column.type) && column.type !== BYTEA) {
      // format() prints NULL as ''; num_nonnulls tests the value itself, even a composite whose fields are all null.
      lateral.push(`case when num_nonnulls(${ref}) = 1 then format('%s', ${ref}) end as s${i}`);
      value = `x.s${i}`;
    }
    const measure = cellMeasure(column, ref, `x.s${i}`);
    const big = `${measure.size} > ${cut}`;
    values.push(`case when ${big} then null else ${value} end as ${pg.escapeIdentifier(column.name)}`);
    heads.push(`case when ${big} then ${measure.head(cut)} end`);
    sizes.push(`case when ${big} then ${measure.size} end`);
  });
  return [
    `select ${[...values, `array_to_json(array[${heads.join(', ')}]::text[])`, `array_to_json(array[${sizes.join(', ')}]::int8[])`, ...extra].join(', ')}`,
    source.from,
    // OFFSET 0 keeps the planner from inlining the subquery and printing each value more than once.
    lateral.length > 0 ? `cross join lateral (select ${lateral.join(', ')} offset 0) x` : '',
    source.order,
  ].join('\n');
}

/** The longest prefix of `text` that fits in `max` bytes of UTF-8 without splitting a character. */
function firstBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/**
 * The rows of a page as pageQuery returns them (every column as raw text,
 * `rowMode: 'array'`), each cell mapped by values.ts or, when cut,
 * its head (at most MAX_CELL_BYTES bytes) followed by cutCellMarker.
 */
export function pageRows(
  raw: ReadonlyArray<ReadonlyArray<string | null>>,
  columns: readonly PageColumn[],
  types: ReadonlyMap<number, TypeInfo>,
  cut: number = MAX_CELL_BYTES,
): Record<string, unknown>[] {
  const parserFor = previewTypeParser(types);
  const parsers = columns.map((column) => parserFor(column.type));
  return raw.map((values) => {
    const heads = JSON.parse(values[columns.length] ?? '[]') as Array<string | null>;
    const sizes = JSON.parse(values[columns.length + 1] ?? '[]') as Array<number | null>;
    // Object.fromEntries defines own properties, so even a column named __proto__ is a plain key.
    return Object.fromEntries(
      columns.map((column, i) => {
        const size = sizes[i];
        if (size !== null && size !== undefined) {
          const head = `${column.type === BYTEA ? '\\x' : ''}${heads[i] ?? ''}`;
          return [column.name, firstBytes(head, cut) + cutCellMarker(size)];
        }
        const text = values[i];
        // A page cut further than SQL cut it (fit.ts) cuts the rest here, from the same printed text.
        if (text !== null && text !== undefined && Buffer.byteLength(text, 'utf8') > cut) {
          return [column.name, firstBytes(text, cut) + cutCellMarker(Buffer.byteLength(text, 'utf8'))];
        }
        return [column.name, text === null || text === undefined ? null : parsers[i]?.(text)];
      }),
    );
  });
}
