import { MAX_CELL_BYTES, cutCellMarker } from './page-sql';

// A preview answer is at most 1 MiB of JSON (CONTRACT §10). Cells are cut at
// MAX_CELL_BYTES each, and further where the page would not fit otherwise: one
// cut level for the whole page, the highest that fits, so small cells stay whole
// and only the largest lose their tails.

/** The most a preview answer may hold, in bytes of JSON. */
export const MAX_PREVIEW_BYTES = 1_048_576;
/** The rows of a page may take this much; the rest is kept for `fields`, the counts and a tRPC envelope. */
export const ROWS_BUDGET_BYTES = MAX_PREVIEW_BYTES - 48 * 1024;

/** Even with every cell cut to nothing, the page would not fit: the caller asks for fewer rows, or the table is too wide. */
export class PageTooWideError extends Error {
  constructor(
    readonly rowsThatFit: number,
    requested: number,
  ) {
    super(
      rowsThatFit > 0
        ? `This table is too wide to show ${requested} rows in one answer of at most 1 MiB; ask for ${rowsThatFit} rows or fewer`
        : 'This table is too wide to preview: even one row with every value cut does not fit in an answer of at most 1 MiB',
    );
    this.name = 'PageTooWideError';
  }
}

/** Bytes of the JSON of one cell besides its value: `"name":` and a comma. */
function keyBytes(name: string): number {
  return Buffer.byteLength(JSON.stringify(name), 'utf8') + 2;
}

/** An upper estimate of a kept value's JSON: its printed text, quoted, plus escapes for a few per hundred bytes. */
function valueBytes(size: number): number {
  return size + 2 + Math.ceil(size / 32);
}

function cutBytes(size: number, cut: number): number {
  return valueBytes(cut) + Buffer.byteLength(cutCellMarker(size), 'utf8');
}

/** The estimated JSON of a page whose cells (sizes by row, null for NULL) are cut at `cut`. */
function pageBytes(sizes: ReadonlyArray<ReadonlyArray<number | null>>, keys: readonly number[], cut: number): number {
  let total = 2;
  for (const row of sizes) {
    total += 3;
    row.forEach((size, i) => {
      total += (keys[i] ?? 0) + (size === null ? 4 : size > cut ? cutBytes(size, cut) : valueBytes(size));
    });
  }
  return total;
}

/**
 * The cut level for a page: MAX_CELL_BYTES when it fits as is, else the
 * highest level at which the page's estimated JSON stays within `budget`.
 * Throws PageTooWideError when even a cut at 0 does not fit, naming how many
 * rows would.
 */
export function chooseCut(
  sizes: ReadonlyArray<ReadonlyArray<number | null>>,
  columnNames: readonly string[],
  budget: number = ROWS_BUDGET_BYTES,
): number {
  const keys = columnNames.map(keyBytes);
  if (pageBytes(sizes, keys, MAX_CELL_BYTES) <= budget) return MAX_CELL_BYTES;
  if (pageBytes(sizes, keys, 0) > budget) {
    const perRow = sizes.length > 0 ? pageBytes(sizes, keys, 0) / sizes.length : budget;
    throw new PageTooWideError(Math.floor(budget / perRow), sizes.length);
  }
  // The estimate grows with the cut almost everywhere: a binary search finds the highest level that fits.
  let low = 0;
  let high = MAX_CELL_BYTES;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (pageBytes(sizes, keys, middle) <= budget) low = middle;
    else high = middle - 1;
  }
  return low;
}

/** How many cells a page of these sizes loses to a cut at `cut`. */
export function cellsCutAt(sizes: ReadonlyArray<ReadonlyArray<number | null>>, cut: number): number {
  let count = 0;
  for (const row of sizes) for (const size of row) if (size !== null && size > cut) count++;
  return count;
}
