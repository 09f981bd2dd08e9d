import { type Options, stringify } from 'csv-stringify/sync';

// CSV as CONTRACT §8 "Export" says: RFC 4180 (fields quoted when they hold a
// comma, a quote or a line break, quotes doubled, records ended by CRLF), a
// header row, null as an empty cell, UTF-8. csv-stringify (pinned) does the
// quoting. An empty string is written quoted (`""`) so that it stays apart from
// null (an empty cell) for a parser that looks. Cells are written as they are:
// no `'` is put before a leading `=`, `+`, `-` or `@` (what some writers do
// against spreadsheet formulas), because a download must parse back to the
// very values of the JSON answer.

const OPTIONS: Options = {
  record_delimiter: 'windows',
  // Given a record delimiter, csv-stringify quotes only fields holding it (CRLF): a lone CR or LF must be quoted too.
  quote_record_delimiter: true,
  header: false,
  // Only an empty string is quoted: `quoted_empty` would quote null (an empty cell) as well.
  cast: { string: (value) => (value === '' ? { value, quoted_empty: true } : value) },
};

/** A JSON value as the text of one CSV cell: null for null (an empty cell), objects and arrays as their JSON. */
export function csvCell(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value);
}

/** CSV records (CRLF after each) of rows given as arrays of JSON values, in their order. */
export function csvRecords(records: ReadonlyArray<readonly unknown[]>): string {
  if (records.length === 0) return '';
  return stringify(
    records.map((record) => record.map(csvCell)),
    OPTIONS,
  );
}

/** One CSV field (no record delimiter) of a JSON value, quoted where RFC 4180 needs it. */
export function csvField(value: unknown): string {
  return stringify([[csvCell(value)]], { ...OPTIONS, eof: false });
}

/**
 * One field from its text in pieces (a cell too large to hold whole), always
 * quoted: `"`, then each piece with its quotes doubled, then `"`. Quoting a field
 * that needs none is RFC 4180 too, and a piece is escaped on its own, since
 * doubling a quote never depends on what is around it.
 */
export async function* csvQuotedPieces(pieces: AsyncIterable<string>): AsyncGenerator<string> {
  yield '"';
  for await (const piece of pieces) yield piece.replaceAll('"', '""');
  yield '"';
}

/** A nested JSON object as one flat object, keys joined with `.` (`{"a":{"b":1}}` → `{"a.b":1}`); arrays stay values. */
export function flattenRecord(value: Record<string, unknown>, prefix = ''): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const name = `${prefix}${key}`;
    if (inner !== null && typeof inner === 'object' && !Array.isArray(inner))
      Object.assign(flat, flattenRecord(inner as Record<string, unknown>, `${name}.`));
    else flat[name] = inner;
  }
  return flat;
}

/** CSV of flat JSON objects: a header row of `columns`, then one record per row with those keys' values (a missing key is an empty cell). */
export function toCsv(rows: ReadonlyArray<Record<string, unknown>>, columns: readonly string[]): string {
  return csvRecords([columns, ...rows.map((row) => columns.map((column) => (Object.hasOwn(row, column) ? row[column] : null)))]);
}

/**
 * toCsv as a stream: the header row first (also when no rows follow), then the
 * records of each chunk of rows as one string, so memory holds one chunk at a time.
 */
export async function* csvStream(
  columns: readonly string[],
  chunks: AsyncIterable<ReadonlyArray<Record<string, unknown>>>,
): AsyncGenerator<string, void, undefined> {
  yield csvRecords([columns]);
  for await (const rows of chunks) {
    const text = csvRecords(rows.map((row) => columns.map((column) => (Object.hasOwn(row, column) ? row[column] : null))));
    if (text) yield text;
  }
}
