'use client';

import { useState } from 'react';
import { Card } from '@/components/ui/card';
import { DownloadLink } from '@/components/ui/download-link';
import { QueryView } from '@/components/ui/query-view';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { trpc } from '@/trpc/react';
import { TableListSkeleton, TableListView } from './table-list-view';

/** The workspace's tables with a filter box; a table's columns expand in place. */
export function TableList({ appId, hasWorkspace }: { appId: string; hasWorkspace: boolean }) {
  const tables = trpc.stats.tables.useQuery({ appId }, { enabled: hasWorkspace });
  const [filter, setFilter] = useState('');
  if (!hasWorkspace) {
    return (
      <Card>
        <EmptyState title="This app has no workspace">
          An app keeps tables of its own only when it was created with a workspace. Nothing will show here until then.
        </EmptyState>
      </Card>
    );
  }
  const needle = filter.trim().toLowerCase();
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="flex min-w-0 flex-col gap-1">
          <label htmlFor="table-filter" className="text-sm font-medium">
            Filter tables
          </label>
          <input
            id="table-filter"
            type="search"
            value={filter}
            onChange={(event) => setFilter(event.target.value)}
            placeholder="Table name"
            className="w-64 max-w-full rounded-md border border-line bg-surface px-3 py-1.5 text-sm"
          />
        </div>
        <div className="flex flex-wrap items-center gap-3 text-sm text-muted">
          <UpdatedAgo updatedAt={tables.dataUpdatedAt} fetching={tables.isFetching} />
          {tables.data && tables.data.length > 0 && (
            <DownloadLink href={`/api/apps/${encodeURIComponent(appId)}/stats/tables?format=csv`} />
          )}
        </div>
      </div>
      <QueryView query={tables} what="the tables" skeleton={<TableListSkeleton />}>
        {(list) => {
          if (list.length === 0) {
            return (
              <Card>
                <EmptyState title="No tables yet">Tables show here the moment the app&apos;s migrations create them.</EmptyState>
              </Card>
            );
          }
          const shown = needle ? list.filter((t) => t.name.toLowerCase().includes(needle)) : list;
          return (
            <>
              <p role="status" className="text-sm text-muted">
                {needle
                  ? `${shown.length} of ${list.length} tables match “${filter.trim()}”.`
                  : `${list.length} ${list.length === 1 ? 'table' : 'tables'}.`}
              </p>
              {shown.length === 0 ? (
                <Card>
                  <EmptyState title="No table matches this filter">Clear the filter to see all {list.length} tables.</EmptyState>
                </Card>
              ) : (
                <TableListView appId={appId} tables={shown} />
              )}
            </>
          );
        }}
      </QueryView>
    </div>
  );
}
