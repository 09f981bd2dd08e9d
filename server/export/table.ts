import { type ExportChunk, LargeCell } from '../queries/export/read';
import { csvField, csvQuotedPieces, csvRecords } from './csv';
import { jsonStringPieces, objectLayout } from './ndjson';

// A workspace table export as text: CSV (a header of the column names in
// table order, then one record per row) or NDJSON (the preview's JSON object
// of each row). A chunk without large cells becomes one string; a row with
// one is written piece by piece, so a large cell never sits whole in memory.
// A chunk of the fast path (../queries/export/fast-sql.ts) comes as records
// already written in the format asked for.

/** The two formats of a table export. */
export type TableExportFormat = 'csv' | 'ndjson';

const hasLarge = (row: readonly unknown[]) => row.some((value) => value instanceof LargeCell);

/** The CSV text of an export's chunks: the header row first, then the rows. */
async function* csvText(chunks: AsyncIterable<ExportChunk>): AsyncGenerator<string> {
  let header = false;
  for await (const chunk of chunks) {
    if (!header) {
      header = true;
      yield csvRecords([chunk.columns.map((column) => column.name)]);
    }
    if (chunk.text) {
      yield* chunk.text;
      continue;
    }
    let plain: Array<readonly unknown[]> = [];
    for (const row of chunk.rows) {
      if (!hasLarge(row)) {
        plain.push(row);
        continue;
      }
      if (plain.length > 0) yield csvRecords(plain);
      plain = [];
      for (let i = 0; i < row.length; i++) {
        if (i > 0) yield ',';
        const value = row[i];
        if (value instanceof LargeCell) yield* csvQuotedPieces(value.pieces());
        else yield csvField(value);
      }
      yield '\r\n';
    }
    if (plain.length > 0) yield csvRecords(plain);
  }
}

/** The NDJSON text of an export's chunks: one object per row, keys as the preview's rows have them. */
async function* ndjsonText(chunks: AsyncIterable<ExportChunk>): AsyncGenerator<string> {
  let layout: ReturnType<typeof objectLayout> | undefined;
  for await (const chunk of chunks) {
    if (chunk.text) {
      yield* chunk.text;
      continue;
    }
    const { order, prefixes } = (layout ??= objectLayout(chunk.columns.map((column) => column.name)));
    let text = '';
    for (const row of chunk.rows) {
      if (!hasLarge(row)) {
        text += `{${order.map((i) => `${prefixes[i]}${JSON.stringify(row[i])}`).join(',')}}\n`;
        continue;
      }
      if (text) yield text;
      text = '';
      for (const [n, i] of order.entries()) {
        const value = row[i];
        yield `${n === 0 ? '{' : ','}${prefixes[i]}`;
        if (!(value instanceof LargeCell)) yield JSON.stringify(value);
        else if (value.kind === 'json') yield* value.pieces();
        else yield* jsonStringPieces(value.pieces());
      }
      yield order.length === 0 ? '{}\n' : '}\n';
    }
    if (text) yield text;
  }
}

/** The text of an export in `format`, chunk by chunk, reading each chunk only when the one before has been taken. */
export function tableExportText(format: TableExportFormat, chunks: AsyncIterable<ExportChunk>): AsyncGenerator<string> {
  return format === 'csv' ? csvText(chunks) : ndjsonText(chunks);
}
