import type pg from 'pg';
import type { Step } from '../../workspace/stream';
import { BYTEA, type PageColumn } from '../preview/page-sql';
import { SLICE_BYTES, cellSlicesQuery } from './sql';

// Text left behind by an export's cursor (a large cell, or a large record of
// the CSV fast path), read from its row at tableoid and ctid (stable within
// the snapshot) through a cursor of its slices, one FETCH a slice.

const RAW = { getTypeParser: () => (value: string) => value };

/** Where a row is within the export's snapshot. */
export interface RowAt {
  tableoid: string;
  ctid: string;
}

/** Reads cells and records left behind by the cursor, slice by slice. */
export class CellReader {
  private readonly queries = new Map<string, string>();

  constructor(
    private readonly client: pg.Client,
    private readonly step: Step,
    private readonly qualified: string,
  ) {}

  /** The printed text of one cell in pieces of at most SLICE_BYTES of it (bytea: `\x`, then SLICE_BYTES as hex). */
  pieces(column: PageColumn, at: RowAt): AsyncGenerator<string> {
    const key = `cell:${column.name}`;
    const query = this.queries.get(key) ?? cellSlicesQuery(this.qualified, column);
    this.queries.set(key, query);
    return this.slices(query, at, column.type !== BYTEA);
  }

  /** The UTF-8 text that the slices of `query` (its $1 tableoid, $2 ctid, $3 slice size) hold, in pieces; `utf8` false: as `\x` hex. */
  async *slices(query: string, at: RowAt, utf8 = true): AsyncGenerator<string> {
    await this.step(
      this.client.query({ text: `declare appstats_cell no scroll cursor for ${query}`, values: [at.tableoid, at.ctid, SLICE_BYTES] }),
    );
    // A slice may end inside a character: the decoder keeps its first bytes for the next one.
    const decoder = utf8 ? new TextDecoder('utf-8') : null;
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
