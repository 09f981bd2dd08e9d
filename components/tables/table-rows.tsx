'use client';

import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { BreakableName } from '@/components/ui/breakable-name';
import { Card } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { formatBytes } from '@/lib/format';
import { parsePaging } from '@/lib/paging';
import { errorCode } from '@/trpc/errors';
import { trpc } from '@/trpc/react';
import { GridBody } from './grid-body';
import { Pager, lastPageOf } from './pager';
import { typeName } from './pg-types';
import { type GridColumn, RowsSkeleton } from './rows-grid';
import { parseSort } from './grid-sort';
import { useRowsPage } from './use-rows-page';
import { TableDownload } from './table-download';

/** The catalog's type name, or a more telling one for arrays and user-defined types ("text[]" rather than "ARRAY"). */
function columnType(declared: string | undefined, oid: number): string {
  if (declared && declared !== 'ARRAY' && declared !== 'USER-DEFINED') return declared;
  return typeName(oid, declared);
}

/**
 * Paged rows of one workspace table; page, size and sort live in the URL
 * (?page=2&size=50, ?sort=placed_at&dir=desc). The primary key and indexed
 * columns sort (keyset-paged by workspace.sortedRows); a row opens whole.
 */
export function TableRows({ appId, table }: { appId: string; table: string }) {
  const pathname = usePathname();
  const search = useSearchParams();
  const { page, size } = parsePaging({ page: search.get('page'), size: search.get('size') });
  const sort = parseSort(search.get('sort'), search.get('dir'));
  const rows = useRowsPage(appId, table, page, size, sort);
  const tables = trpc.stats.tables.useQuery({ appId });
  const described = trpc.workspace.columns.useQuery({ appId, table });
  const info = tables.data?.find((t) => t.name === table);
  const href = (params: Record<string, string>) => `${pathname}?${new URLSearchParams(params)}`;
  const go = (params: Record<string, string>) => window.history.pushState(null, '', href(params));
  const sortParams: Record<string, string> = sort ? { sort: sort.column, dir: sort.direction } : {};

  function onSort(column: string) {
    const direction = sort?.column === column && sort.direction === 'asc' ? 'desc' : 'asc';
    go({ sort: column, dir: direction, size: String(size) });
  }

  const back = (
    <Link href={`/apps/${encodeURIComponent(appId)}/tables`} className="text-sm text-accent underline-offset-2 hover:underline">
      ← All tables
    </Link>
  );
  if (errorCode(rows.query.error) === 'NOT_FOUND' && !rows.query.data) {
    return (
      <div className="space-y-3">
        {back}
        <Card>
          <EmptyState title={`There is no table “${table}” in this app's workspace`}>Pick one from the list of tables.</EmptyState>
        </Card>
      </div>
    );
  }
  return (
    <div className="space-y-3">
      {back}
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 className="min-w-0 font-mono text-lg font-semibold break-words">
          <BreakableName name={table} />
        </h2>
        <p className="flex flex-wrap items-baseline gap-x-3 text-sm text-muted">
          {info && (
            <span>
              {info.columns.length} columns · {formatBytes(info.sizeBytes)}
            </span>
          )}
          <UpdatedAgo updatedAt={rows.query.dataUpdatedAt} fetching={rows.query.isFetching} />
          <TableDownload appId={appId} table={table} />
        </p>
      </div>
      {sort && (
        <p className="text-sm text-muted">
          Sorted by <span className="font-mono text-fg">{sort.column}</span>, {sort.direction === 'asc' ? 'ascending' : 'descending'}.{' '}
          <Link href={href({ size: String(size) })} className="text-accent underline underline-offset-2">
            Clear sort
          </Link>
        </p>
      )}
      <Card className="min-w-0 overflow-hidden">
        <QueryView query={rows.query} what="the rows" skeleton={<RowsSkeleton rows={Math.min(size, 12)} />}>
          {(result) => {
            const byName = new Map((described.data?.columns ?? []).map((c) => [c.name, c]));
            const declared = new Map((info?.columns ?? []).map((c) => [c.name, c.type]));
            const columns: GridColumn[] = result.fields.map((f) => ({
              name: f.name,
              oid: f.dataTypeID,
              type: byName.get(f.name)?.type ?? columnType(declared.get(f.name), f.dataTypeID),
              sortable: byName.get(f.name)?.sortable ?? false,
            }));
            const estimated = result.totalRowsEstimated === true;
            const lastPage = lastPageOf(result.totalRows, size);
            const pastEnd =
              !sort && !estimated && page > lastPage
                ? {
                    firstHref: href({ page: '1', size: String(size) }),
                    lastHref: href({ page: String(lastPage), size: String(size) }),
                    lastPage,
                  }
                : undefined;
            const nextCursor = 'nextCursor' in result ? result.nextCursor : null;
            return (
              <GridBody
                table={table}
                columns={columns}
                result={result}
                firstRow={(rows.shownPage - 1) * size + 1}
                busy={rows.query.isPlaceholderData}
                sort={sort}
                onSort={onSort}
                pastEnd={pastEnd}
                pager={
                  <Pager
                    page={rows.page}
                    size={size}
                    total={result.totalRows}
                    estimated={estimated}
                    shown={rows.query.isPlaceholderData ? 0 : result.rows.length}
                    busy={rows.query.isPlaceholderData}
                    keyset={sort ? { hasNext: nextCursor !== null } : undefined}
                    onPage={(p) => (sort ? rows.step(p) : go({ page: String(p), size: String(size) }))}
                    onSize={(s) => go({ ...sortParams, page: '1', size: String(s) })}
                  />
                }
              />
            );
          }}
        </QueryView>
      </Card>
    </div>
  );
}
