'use client';

import { keepPreviousData } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useSearchParams } from 'next/navigation';
import { Card } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { formatBytes, formatNumber } from '@/lib/format';
import { parsePaging } from '@/lib/paging';
import { errorCode } from '@/trpc/errors';
import { trpc } from '@/trpc/react';
import { Pager } from './pager';
import { typeName } from './pg-types';
import { type GridColumn, RowsGrid, RowsSkeleton } from './rows-grid';

/** The catalog's type name, or a more telling one for arrays and user-defined types ("text[]" rather than "ARRAY"). */
function columnType(declared: string | undefined, oid: number): string {
  if (declared && declared !== 'ARRAY' && declared !== 'USER-DEFINED') return declared;
  return typeName(oid, declared);
}

/** Paged rows of one workspace table; page and size live in the URL (?page=2&size=50). */
export function TableRows({ appId, table }: { appId: string; table: string }) {
  const pathname = usePathname();
  const search = useSearchParams();
  const { page, size } = parsePaging({ page: search.get('page'), size: search.get('size') });
  const preview = trpc.stats.preview.useQuery(
    { appId, table, limit: size, offset: (page - 1) * size },
    { placeholderData: keepPreviousData },
  );
  const tables = trpc.stats.tables.useQuery({ appId });
  const info = tables.data?.find((t) => t.name === table);

  function go(nextPage: number, nextSize = size) {
    const params = new URLSearchParams({ page: String(nextPage), size: String(nextSize) });
    window.history.pushState(null, '', `${pathname}?${params}`);
  }

  const back = (
    <Link href={`/apps/${encodeURIComponent(appId)}/tables`} className="text-sm text-accent underline-offset-2 hover:underline">
      ← All tables
    </Link>
  );
  if (errorCode(preview.error) === 'NOT_FOUND' && !preview.data) {
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
        <h2 className="min-w-0 break-all font-mono text-lg font-semibold">{table}</h2>
        <p className="flex flex-wrap items-baseline gap-x-3 text-sm text-muted">
          {info && (
            <span>
              {info.columns.length} columns · {formatBytes(info.sizeBytes)}
            </span>
          )}
          <UpdatedAgo updatedAt={preview.dataUpdatedAt} fetching={preview.isFetching} />
        </p>
      </div>
      <Card className="min-w-0 overflow-hidden">
        <QueryView query={preview} what="the rows" skeleton={<RowsSkeleton rows={Math.min(size, 12)} />}>
          {(result) => {
            const types = new Map((info?.columns ?? []).map((c) => [c.name, c.type]));
            const columns: GridColumn[] = result.fields.map((f) => ({
              name: f.name,
              oid: f.dataTypeID,
              type: columnType(types.get(f.name), f.dataTypeID),
            }));
            const estimated = 'totalRowsEstimated' in result && result.totalRowsEstimated === true;
            return (
              <div
                data-page={page}
                aria-busy={preview.isPlaceholderData}
                className={preview.isPlaceholderData ? 'opacity-60 transition-opacity' : ''}
              >
                {result.rows.length === 0 ? (
                  <EmptyState title={result.totalRows === 0 ? 'This table has no rows yet' : 'No rows on this page'}>
                    {result.totalRows === 0 ? 'Rows show here the moment the app writes them.' : 'Go back to the first page.'}
                  </EmptyState>
                ) : (
                  <>
                    {result.cellsCut !== undefined && (
                      <p role="note" className="border-b border-line px-4 py-2 text-sm text-muted">
                        {formatNumber(result.cellsCut)} large values on this page are cut to {formatBytes(result.cellCutBytes ?? 0)} each: a
                        value shows at most 64 KiB and a page at most 1 MiB, so fewer rows per page show more of each.
                      </p>
                    )}
                    <RowsGrid table={table} columns={columns} rows={result.rows} firstRow={(page - 1) * size + 1} />
                  </>
                )}
                <Pager
                  page={page}
                  size={size}
                  total={result.totalRows}
                  estimated={estimated}
                  shown={result.rows.length}
                  busy={preview.isPlaceholderData}
                  onPage={(p) => go(p)}
                  onSize={(s) => go(1, s)}
                />
              </div>
            );
          }}
        </QueryView>
      </Card>
    </div>
  );
}
