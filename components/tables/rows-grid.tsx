import { Skeleton } from '@/components/ui/skeleton';
import { CellValue } from './cell-value';
import type { GridSort } from './grid-sort';
import { isNumericType } from './pg-types';

export interface GridColumn {
  name: string;
  type: string;
  oid: number;
  sortable?: boolean;
}

const ARROWS = { asc: '↑', desc: '↓' } as const;

function SortHeader({ column, sort, onSort }: { column: GridColumn; sort: GridSort | null; onSort: (column: string) => void }) {
  const active = sort?.column === column.name ? sort.direction : null;
  const next = active === 'asc' ? 'descending' : 'ascending';
  return (
    <button
      type="button"
      onClick={() => onSort(column.name)}
      aria-label={`Sort by ${column.name}, ${next}`}
      title={`Sort by ${column.name}, ${next}`}
      className="inline-flex items-center gap-1 rounded font-semibold text-fg hover:text-accent"
    >
      {column.name}
      <span aria-hidden="true" className={active ? 'text-accent' : 'text-muted'}>
        {active ? ARROWS[active] : '↕'}
      </span>
    </button>
  );
}

/**
 * One page of rows: a real table in a box that scrolls sideways (the page
 * scrolls down, never sideways), its row numbers pinned on the left; sortable
 * columns (primary key, indexed) have a sort button in their header, and each
 * row number opens the row whole.
 */
export function RowsGrid({
  table,
  columns,
  rows,
  firstRow,
  sort = null,
  onSort,
  onOpen,
}: {
  table: string;
  columns: GridColumn[];
  rows: Array<Record<string, unknown>>;
  firstRow: number;
  sort?: GridSort | null;
  onSort?: (column: string) => void;
  onOpen?: (index: number) => void;
}) {
  return (
    <div className="relative overflow-x-auto" tabIndex={0} role="region" aria-label={`Rows of ${table}`}>
      <table className="min-w-full border-separate border-spacing-0 font-mono text-xs">
        <thead>
          <tr>
            <th
              scope="col"
              className="sticky left-0 z-20 border-b border-line bg-surface-muted px-3 py-2 text-right font-sans font-medium text-muted"
            >
              <span className="sr-only">Row number</span>#
            </th>
            {columns.map((column) => (
              <th
                key={column.name}
                scope="col"
                aria-sort={sort?.column === column.name ? (sort.direction === 'asc' ? 'ascending' : 'descending') : undefined}
                className={`border-b border-line bg-surface-muted px-3 py-2 align-bottom whitespace-nowrap ${isNumericType(column.oid) ? 'text-right' : 'text-left'}`}
              >
                {column.sortable && onSort ? (
                  <SortHeader column={column} sort={sort} onSort={onSort} />
                ) : (
                  <span className="block font-semibold text-fg">{column.name}</span>
                )}{' '}
                <span className="block font-normal text-muted">{column.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={firstRow + index} className="hover:bg-surface-muted/60">
              <th scope="row" className="sticky left-0 z-[5] border-b border-line bg-surface px-1.5 py-1 text-right font-normal text-muted">
                {onOpen ? (
                  <button
                    type="button"
                    onClick={() => onOpen(index)}
                    aria-label={`Open row ${firstRow + index}`}
                    title="Open the whole row"
                    className="rounded px-1.5 py-0.5 text-accent underline-offset-2 hover:underline"
                  >
                    {firstRow + index}
                  </button>
                ) : (
                  firstRow + index
                )}
              </th>
              {columns.map((column) => (
                <td
                  key={column.name}
                  className={`border-b border-line px-3 py-1.5 align-top ${isNumericType(column.oid) ? 'text-right' : ''}`}
                >
                  <CellValue value={row[column.name]} oid={column.oid} label={`${column.name}, row ${firstRow + index}`} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Placeholder rows for one page. */
export function RowsSkeleton({ rows = 10 }: { rows?: number }) {
  return (
    <div className="space-y-2 p-3">
      <Skeleton className="h-9 w-full" />
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} className="h-6 w-full" />
      ))}
    </div>
  );
}
