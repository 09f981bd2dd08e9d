import type { Kysely } from 'kysely';
import type pg from 'pg';
import type { DB } from '../../db/types';
import { type Step, streamWorkspace } from '../../workspace/stream';
import { qualifiedName } from '../preview/count';
import { FIND_TABLE, type Relation } from '../preview/lookup';
import { BYTEA, type PageColumn } from '../preview/page-sql';
import { RowSecurityError, TableNotReadableError, isPlausibleTableName, pageColumnsOf } from '../preview/read';
import { previewTypeParser } from '../preview/values';
import { MIGRATIONS_TABLE } from '../workspace/catalog';
import { type LargeKind, SLICE_BYTES, cellSlicesQuery, exportQuery, fetchRows, largeKindOf } from './sql';

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

/** One chunk of an export: the table's columns (the same in every chunk) and rows of preview values, or LargeCells, in column order. */
export interface ExportChunk {
  columns: readonly PageColumn[];
  rows: ReadonlyArray<readonly unknown[]>;
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
export async function* readTableExport(db: Kysely<DB>, schema: string | null, table: string): AsyncGenerator<ExportChunk, void, undefined> {
  if (!schema || !isPlausibleTableName(table) || table === MIGRATIONS_TABLE) throw new ExportTableNotFoundError();
  yield* streamWorkspace(
    db,
    schema,
    (client, step) => chunksOf(client, step, schema, table),
    () => new ExportTableNotFoundError(),
  );
}

async function* chunksOf(client: pg.Client, step: Step, schema: string, table: string): AsyncGenerator<ExportChunk> {
  await step(client.query('begin isolation level repeatable read read only'));
  const relation = (await step(client.query<Relation>(FIND_TABLE, [schema, table, MIGRATIONS_TABLE]))).rows[0];
  if (!relation) throw new ExportTableNotFoundError();
  if (relation.rowSecurity) throw new RowSecurityError();
  if (!relation.readable) throw new TableNotReadableError();
  const { columns, types } = pageColumnsOf(relation);
  const qualified = qualifiedName(schema, relation.relname);
  // Physical order without a primary key means a scan from the first page; a cursor's plan favours an ordered index scan.
  await step(client.query('set local synchronize_seqscans = off; set local cursor_tuple_fraction = 0.01'));
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

/** Reads cells left behind by the cursor, slice by slice, from the row at tableoid and ctid (stable within the snapshot). */
class CellReader {
  private readonly queries = new Map<string, string>();

  constructor(
    private readonly client: pg.Client,
    private readonly step: Step,
    private readonly qualified: string,
  ) {}

  /** The printed text of one cell in pieces of at most SLICE_BYTES of it (bytea: `\x`, then SLICE_BYTES as hex). */
  async *pieces(column: PageColumn, at: { tableoid: string; ctid: string }): AsyncGenerator<string> {
    const text = this.queries.get(column.name) ?? `declare appstats_cell no scroll cursor for ${cellSlicesQuery(this.qualified, column)}`;
    this.queries.set(column.name, text);
    await this.step(this.client.query({ text, values: [at.tableoid, at.ctid, SLICE_BYTES] }));
    // A slice may end inside a character: the decoder keeps its first bytes for the next one.
    const decoder = column.type === BYTEA ? null : new TextDecoder('utf-8');
    if (!decoder) yield '\\x';
    for (;;) {
      const { rows } = await this.step(
        this.client.query<[string | null]>({ text: 'fetch 1 from appstats_cell', rowMode: 'array', types: RAW }),
      );
      const hex = rows[0]?.[0];
      if (hex === null || hex === undefined) break;
      // bytea_output=hex: `\x` and two digits a byte.
      yield decoder ? decoder.decode(Buffer.from(hex.slice(2), 'hex'), { stream: true }) : hex.slice(2);
    }
    const rest = decoder?.decode() ?? '';
    if (rest) yield rest;
    await this.step(this.client.query('close appstats_cell'));
  }

  /** A cell read whole (a type whose JSON form needs its whole text: arrays, numbers, dates…). */
  async whole(pieces: () => AsyncIterable<string>): Promise<string> {
    const parts: string[] = [];
    for await (const piece of pieces()) parts.push(piece);
    return parts.join('');
  }
}
