import type { Kysely } from 'kysely';
import { StringDecoder } from 'node:string_decoder';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import type { DB } from '../../db/types';
import { type Step, streamWorkspace } from '../../workspace/stream';
import { qualifiedName } from '../preview/count';
import { FIND_TABLE, type Relation } from '../preview/lookup';
import type { PageColumn } from '../preview/page-sql';
import { RowSecurityError, TableNotReadableError, isPlausibleTableName, pageColumnsOf } from '../preview/read';
import { previewTypeParser } from '../preview/values';
import { MIGRATIONS_TABLE } from '../workspace/catalog';
import { CellReader } from './cells';
import { COPY_TIMEOUT_MS, fastExportSql, isFastExport } from './fast-sql';
import { type LargeKind, exportQuery, fetchRows, largeKindOf } from './sql';

// A whole workspace table, chunk by chunk (CONTRACT §8 Export), under the
// preview's rules (§5, §10): the reader's session and its limits
// (streamWorkspace: slots, a deadline per step), the catalog lookup before any
// SQL names the table, the refusal of row-level security, and the preview's
// value rules (values.ts), without its cut. One read-only snapshot (REPEATABLE
// READ) holds for the whole table; rows come from one cursor (./sql.ts).

/** The table is not one of this workspace's (or is `_migrations`, or there is no workspace): the preview's 404. */
export class ExportTableNotFoundError extends Error {
  constructor() {
    super('Table not found');
    this.name = 'ExportTableNotFoundError';
  }
}

/** A cell too large to come with its row: its printed text in pieces, read when iterated (before the next chunk is asked for). */
export class LargeCell {
  constructor(
    /** `text`: the pieces are a string's; `json`: they are JSON text. */
    readonly kind: Exclude<LargeKind, 'whole'>,
    readonly pieces: () => AsyncIterable<string>,
  ) {}
}

/**
 * One chunk of an export: the table's columns (the same in every chunk) and
 * rows of preview values, or LargeCells, in column order; on the fast path
 * (fast-sql.ts) no rows but `text`, records already written in the format the
 * export is for (CSV: CRLF after each; NDJSON: LF; a piece may end inside a record).
 */
export interface ExportChunk {
  columns: readonly PageColumn[];
  rows: ReadonlyArray<readonly unknown[]>;
  text?: readonly string[];
}

/** The formats the fast path writes. */
export type FastFormat = 'csv' | 'ndjson';

/** What the export is for: a `format` lets a table of plain types take the fast path for it; without one, the general path. */
export interface ExportOptions {
  format?: FastFormat;
}

const RAW = { getTypeParser: () => (value: string) => value };

/**
 * Every row of `table` in `schema` in primary-key order (physical order
 * without one), as chunks of at most about 8 MiB of cell text each; an empty
 * table yields one chunk without rows. Throws ExportTableNotFoundError for
 * what the preview answers 404, RowSecurityError, TableNotReadableError, and
 * WorkspaceBusyError (busy, slow, or a step past its deadline). Ending the
 * iteration early ends the read.
 */
export async function* readTableExport(
  db: Kysely<DB>,
  schema: string | null,
  table: string,
  options: ExportOptions = {},
): AsyncGenerator<ExportChunk, void, undefined> {
  if (!schema || !isPlausibleTableName(table) || table === MIGRATIONS_TABLE) throw new ExportTableNotFoundError();
  yield* streamWorkspace(
    db,
    schema,
    (client, step) => chunksOf(client, step, schema, table, options),
    () => new ExportTableNotFoundError(),
  );
}

async function* chunksOf(
  client: pg.Client,
  step: Step,
  schema: string,
  table: string,
  options: ExportOptions,
): AsyncGenerator<ExportChunk> {
  await step(client.query('begin isolation level repeatable read read only'));
  const relation = (await step(client.query<Relation>(FIND_TABLE, [schema, table, MIGRATIONS_TABLE]))).rows[0];
  if (!relation) throw new ExportTableNotFoundError();
  if (relation.rowSecurity) throw new RowSecurityError();
  if (!relation.readable) throw new TableNotReadableError();
  const { columns, types } = pageColumnsOf(relation);
  const qualified = qualifiedName(schema, relation.relname);
  // Physical order without a primary key means a scan from the first page; a cursor's plan favours an ordered index scan.
  await step(client.query('set local synchronize_seqscans = off; set local cursor_tuple_fraction = 0.01'));
  if (options.format && isFastExport(relation)) {
    yield* fastChunks(client, step, qualified, relation, columns, options.format);
    await step(client.query('commit'));
    return;
  }
  await step(
    client.query(`declare appstats_export no scroll cursor for ${exportQuery(qualified, columns, relation.keys, relation.partitioned)}`),
  );
  const parserFor = previewTypeParser(types);
  const parsers = columns.map((column) => parserFor(column.type));
  const count = fetchRows(columns.length);
  const read = new CellReader(client, step, qualified);
  for (;;) {
    const fetched = await step(
      client.query<Array<string | null>>({ text: `fetch ${count} from appstats_export`, rowMode: 'array', types: RAW }),
    );
    const rows: unknown[][] = [];
    for (const raw of fetched.rows) {
      const sizes = JSON.parse(raw[columns.length] ?? 'null') as Array<number | null> | null;
      const at = { tableoid: raw[columns.length + 1] ?? '', ctid: raw[columns.length + 2] ?? '' };
      const row: unknown[] = [];
      for (let i = 0; i < columns.length; i++) {
        const size = sizes?.[i];
        const column = columns[i] as PageColumn;
        const parse = parsers[i] ?? ((text: string) => text);
        if (size === null || size === undefined) {
          const text = raw[i];
          row.push(text === null || text === undefined ? null : parse(text));
        } else {
          const kind = largeKindOf(column);
          const pieces = () => read.pieces(column, at);
          row.push(kind === 'whole' ? parse(await read.whole(pieces)) : new LargeCell(kind, pieces));
        }
      }
      rows.push(row);
    }
    yield { columns, rows };
    if (fetched.rows.length < count) break;
  }
  await step(client.query('close appstats_export; commit'));
}

/** Characters of CSV the fast path gathers before it hands them on as one chunk. */
const FAST_CHUNK_CHARS = 1 << 20;

/** The fast path's chunks: COPY's records (fast-sql.ts) as they stream in, CRLF after each CSV one; at least one chunk. */
async function* fastChunks(
  client: pg.Client,
  step: Step,
  qualified: string,
  relation: Relation,
  columns: readonly PageColumn[],
  format: FastFormat,
): AsyncGenerator<ExportChunk> {
  const { select, copy, records } = fastExportSql(qualified, relation, format);
  // Planned first under the reads' statement timeout: planning is where tenant code can run (a partial index's
  // predicate); the COPY's own timeout is for reading rows, and its planning stays under the step deadline.
  await step(client.query(`explain (costs off) ${select}`));
  await step(client.query(`set local statement_timeout = ${COPY_TIMEOUT_MS}`));
  const stream = client.query(copyTo(copy));
  const pieces = (stream as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  // A piece may end inside a character: the decoder keeps its first bytes for the next one.
  const decoder = new StringDecoder('utf8');
  let finished = false;
  try {
    let text = '';
    for (;;) {
      const piece = await step(pieces.next());
      if (piece.done) break;
      text += records(decoder.write(piece.value));
      if (text.length < FAST_CHUNK_CHARS) continue;
      yield { columns, rows: [], text: [text] };
      text = '';
    }
    text += records(decoder.end());
    finished = true;
    yield { columns, rows: [], text: text ? [text] : [] };
  } finally {
    // Left early: the connection is closed after (streamWorkspace), the COPY with it.
    if (!finished) stream.destroy();
  }
}
