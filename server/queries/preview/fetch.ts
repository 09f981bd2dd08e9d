import type pg from 'pg';
import { ROWS_BUDGET_BYTES, chooseCut } from './fit';
import { MAX_CELL_BYTES, type PageColumn, pageQuery } from './page-sql';
import { type CatalogFigures, type RunQuery, boundedCountSql, catalogEstimate, countRows, rowsFromCount } from './count';

// A page in one statement, most of the time. The page is fetched with every
// cell over a first cut sent as its head and size only, the cut low enough that
// the whole page stays near the rows budget on the wire (at most limit × columns
// cells of it). Its sizes are then known exactly, as a separate measuring
// query would find them (the printed text's bytes), and fit.ts chooses the cut
// level from them. A level at or below the first cut is taken from what was
// fetched; only a higher one that some cell needs fetches the page again.

/** What a page fetch brought: the raw rows at `cut`, every cell's printed size (null for NULL), and the `extra` expressions' values (undefined on an empty page). */
export interface FetchedPage {
  raw: Array<Array<string | null>>;
  sizes: Array<Array<number | null>>;
  cut: number;
  extras: Array<string | null> | undefined;
}

/** The first cut: cells of the page cut here take at most about ROWS_BUDGET_BYTES together. */
function firstCut(limit: number, columnCount: number): number {
  return Math.min(MAX_CELL_BYTES, Math.max(16, Math.floor(ROWS_BUDGET_BYTES / Math.max(1, limit * columnCount))));
}

async function fetchAt(client: pg.Client, text: string, values: readonly unknown[]) {
  const result = await client.query<Array<string | null>>({
    text,
    values: [...values],
    rowMode: 'array',
    types: { getTypeParser: () => (value: string) => value },
  });
  return result.rows;
}

/** Every cell's printed size in bytes from a page's raw rows: measured from the text, or as SQL reported it for a cut cell. */
function sizesOf(raw: ReadonlyArray<ReadonlyArray<string | null>>, columnCount: number): Array<Array<number | null>> {
  return raw.map((values) => {
    const cut = JSON.parse(values[columnCount + 1] ?? '[]') as Array<number | null>;
    return Array.from({ length: columnCount }, (_, i) => {
      const reported = cut[i];
      if (reported !== null && reported !== undefined) return reported;
      const text = values[i];
      return text === null || text === undefined ? null : Buffer.byteLength(text, 'utf8');
    });
  });
}

/**
 * One page of a table with the sizes of its cells and the cut level they call
 * for (fit.ts: PageTooWideError when nothing fits); the `extra` expressions
 * (a count, a catalog check) are read in the same statement, in their order.
 */
export async function fetchPage(
  client: pg.Client,
  qualified: string,
  columns: readonly PageColumn[],
  keys: readonly string[],
  page: { limit: number; offset: number },
  extra: readonly string[],
): Promise<FetchedPage> {
  const query = (cut: number, withExtra: readonly string[]) => pageQuery(qualified, columns, keys, cut, withExtra);
  return fetchPageWith(client, columns, page.limit, query, [page.limit, String(page.offset)], extra);
}

/**
 * fetchPage over any page query (`query(cut, extra)`, run with `values`): the
 * same first cut, sizes and second fetch, for sources other than the preview's.
 */
export async function fetchPageWith(
  client: pg.Client,
  columns: readonly PageColumn[],
  limit: number,
  query: (cut: number, extra: readonly string[]) => string,
  values: readonly unknown[],
  extra: readonly string[],
): Promise<FetchedPage> {
  const first = firstCut(limit, columns.length);
  const raw = await fetchAt(client, query(first, extra), values);
  const sizes = sizesOf(raw, columns.length);
  const extras = raw[0]?.slice(columns.length + 2);
  const cut = chooseCut(
    sizes,
    columns.map((c) => c.name),
  );
  const wanting = cut > first && sizes.some((row) => row.some((size) => size !== null && size > first));
  if (!wanting) return { raw, sizes, cut, extras };
  return { raw: await fetchAt(client, query(cut, []), values), sizes, cut, extras };
}

/** How a preview counts its table: in the page's own statement, from the catalog, or (empty page) on its own. */
export interface CountPlan {
  /** The expression to read with the page, or null when the catalog's figure stands in. */
  inPage: string | null;
  /** The rows from what the page statement read: the bounded count, and the catalog's row figure as it stands now when it was read too. */
  finish(counted: number | undefined, reltuplesNow: number | undefined, run: RunQuery): Promise<{ rows: number; estimated: boolean }>;
}

/** The count of a table for its preview: the catalog's figure for a large table (count.ts), else a bounded count read with the page. */
export function countPlan(qualified: string, figures: CatalogFigures): CountPlan {
  const estimate = catalogEstimate(figures);
  if (estimate !== null) {
    return { inPage: null, finish: async (_, reltuplesNow) => ({ rows: Math.round(reltuplesNow ?? estimate), estimated: true }) };
  }
  return {
    inPage: boundedCountSql(qualified),
    finish: (counted, _, run) => (counted === undefined ? countRows(run, qualified) : rowsFromCount(run, qualified, counted)),
  };
}
