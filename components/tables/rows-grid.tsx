import { Skeleton } from '@/components/ui/skeleton';
import { CellValue } from './cell-value';
import { isNumericType } from './pg-types';

export interface GridColumn {
  name: string;
  type: string;
  oid: number;
}

/**
 * One page of rows: a real table whose header sticks while its own box
 * scrolls both ways (the page itself never scrolls sideways).
 */
export function RowsGrid({
  table,
  columns,
  rows,
  firstRow,
}: {
  table: string;
  columns: GridColumn[];
  rows: Array<Record<string, unknown>>;
  firstRow: number;
}) {
  return (
    <div className="relative max-h-[70vh] overflow-auto" tabIndex={0} role="region" aria-label={`Rows of ${table}`}>
      <table className="min-w-full border-separate border-spacing-0 font-mono text-xs">
        <thead>
          <tr>
            <th
              scope="col"
              className="sticky top-0 left-0 z-20 border-b border-line bg-surface-muted px-3 py-2 text-right font-sans font-medium text-muted"
            >
              <span className="sr-only">Row number</span>#
            </th>
            {columns.map((column) => (
              <th
                key={column.name}
                scope="col"
                className={`sticky top-0 z-10 border-b border-line bg-surface-muted px-3 py-2 align-bottom whitespace-nowrap ${isNumericType(column.oid) ? 'text-right' : 'text-left'}`}
              >
                <span className="block font-semibold text-fg">{column.name}</span>{' '}
                <span className="block font-normal text-muted">{column.type}</span>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => (
            <tr key={firstRow + index} className="hover:bg-surface-muted/60">
              <th scope="row" className="sticky left-0 z-[5] border-b border-line bg-surface px-3 py-1.5 text-right font-normal text-muted">
                {firstRow + index}
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
