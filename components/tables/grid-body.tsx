'use client';

import Link from 'next/link';
import { type ReactNode, useState } from 'react';
import { EmptyState } from '@/components/ui/states';
import { formatBytes, formatNumber } from '@/lib/format';
import { RowDrawer } from './row-drawer';
import type { GridSort } from './grid-sort';
import { type GridColumn, RowsGrid } from './rows-grid';

/** What a page of rows brings, from the preview or the sorted grid. */
export interface RowsPage {
  rows: Array<Record<string, unknown>>;
  totalRows: number;
  cellsCut?: number;
  cellCutBytes?: number;
}

/**
 * A page of rows on screen: the note on cut values, the grid (or why it is
 * empty), the row drawer, then the pager. `firstRow` is the number of the
 * page's first row as the data on screen has it, not as the page asked for
 * next, so the numbers never run ahead of the rows.
 */
export function GridBody({
  table,
  columns,
  result,
  firstRow,
  busy,
  sort,
  onSort,
  pastEnd,
  pager,
}: {
  table: string;
  columns: GridColumn[];
  result: RowsPage;
  firstRow: number;
  busy: boolean;
  sort: GridSort | null;
  onSort: (column: string) => void;
  pastEnd?: { firstHref: string; lastHref: string; lastPage: number };
  pager: ReactNode;
}) {
  const [open, setOpen] = useState<number | null>(null);
  const openRow = open === null ? undefined : result.rows[open];
  return (
    <div aria-busy={busy} className={busy ? 'opacity-60 transition-opacity' : ''}>
      {result.rows.length === 0 ? (
        result.totalRows === 0 ? (
          <EmptyState title="This table has no rows yet">Rows show here the moment the app writes them.</EmptyState>
        ) : (
          <EmptyState title="No rows on this page">
            {pastEnd ? (
              <>
                The table ends on page {formatNumber(pastEnd.lastPage)}.{' '}
                <Link href={pastEnd.lastHref} className="text-accent underline underline-offset-2">
                  Go to the last page
                </Link>{' '}
                or{' '}
                <Link href={pastEnd.firstHref} className="text-accent underline underline-offset-2">
                  go back to the first page
                </Link>
                .
              </>
            ) : (
              'The rows have changed since this page was read.'
            )}
          </EmptyState>
        )
      ) : (
        <>
          {result.cellsCut !== undefined && (
            <p role="note" className="border-b border-line px-4 py-2 text-sm text-muted">
              {formatNumber(result.cellsCut)} large values on this page are cut to {formatBytes(result.cellCutBytes ?? 0)} each: a value
              shows at most 64 KiB and a page at most 1 MiB, so fewer rows per page show more of each.
            </p>
          )}
          <RowsGrid table={table} columns={columns} rows={result.rows} firstRow={firstRow} sort={sort} onSort={onSort} onOpen={setOpen} />
        </>
      )}
      {pager}
      {open !== null && openRow && (
        <RowDrawer table={table} rowNumber={firstRow + open} columns={columns} row={openRow} onClose={() => setOpen(null)} />
      )}
    </div>
  );
}
