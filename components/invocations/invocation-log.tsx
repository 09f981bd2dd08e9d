'use client';

import { useSearchParams } from 'next/navigation';
import { rangeParamsOf } from '@/components/range/range-params';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
import { DownloadLink } from '@/components/ui/download-link';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { useNow } from '@/components/ui/use-now';
import { formatNumber } from '@/lib/format';
import { trpc } from '@/trpc/react';
import { LogFilterControls } from './log-filters';
import { LOG_PAGE, type LogFilters, logFiltersOf } from './log-params';
import { InvocationTable } from './invocation-table';
import { RetentionNotice } from './retention-notice';

/** The input of `activity.invocations` that the page's URL names: its range and filters, or `fixed` ones (the server prefetches the same). */
export function logInput(appId: string, search: { get(name: string): string | null }, fixed?: LogFilters) {
  return { appId, ...rangeParamsOf(search), ...(fixed ?? logFiltersOf(search)), limit: LOG_PAGE };
}

/** GET /stats/invocations?format=csv of the log's range and filters: every matching row, not only the pages loaded. */
function csvHref({ appId, limit: _limit, ...params }: ReturnType<typeof logInput>): string {
  const search = new URLSearchParams(Object.entries(params).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  search.set('format', 'csv');
  return `/api/apps/${encodeURIComponent(appId)}/stats/invocations?${search.toString()}`;
}

const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))].sort();

/**
 * The invocation log of the page's range (GET /stats/invocations), newest
 * first, filtered by `Status`, `Method`, `Route` and `User` from the URL;
 * `Load more` appends the next page through its keyset cursor. With `fixed`
 * filters (a route's page), those hold instead and the filter controls are not shown.
 */
export function InvocationLog({ appId, fixed }: { appId: string; fixed?: LogFilters }) {
  const search = useSearchParams();
  const input = logInput(appId, search, fixed);
  const log = trpc.activity.invocations.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor,
    // The rows of the filters before stay on screen (and the filter boxes keep focus) until the new ones arrive.
    placeholderData: (previous) => previous,
  });
  const loaded = log.data?.pages.flatMap((page) => page.items) ?? [];
  const now = useNow(log.dataUpdatedAt || 0);
  const filtered = !fixed && (Object.keys(logFiltersOf(search)) as (keyof LogFilters)[]).length > 0;
  return (
    <Card aria-labelledby="recent-title" className="min-w-0 overflow-hidden">
      <CardHeader id="recent-title" title="Recent invocations">
        <UpdatedAgo updatedAt={log.dataUpdatedAt} fetching={log.isFetching} />
        <DownloadLink href={csvHref(input)} />
      </CardHeader>
      {!fixed && (
        <div className="px-4 pb-3">
          <LogFilterControls routes={unique(loaded.map((r) => r.route))} users={unique(loaded.map((r) => r.username))} />
        </div>
      )}
      <RetentionNotice appId={appId} tz={input.tz ?? 'UTC'} what="the invocations listed here" />
      <QueryView query={log} what="the invocation log" skeleton={<LogSkeleton />}>
        {({ pages }) => {
          const rows = pages.flatMap((page) => page.items);
          const more = pages.at(-1)?.nextCursor != null;
          return (
            <>
              <div className="px-4 pb-3">
                {/* With no rows the empty state below says it; the status line only tells screen readers. */}
                <p role="status" className={rows.length === 0 ? 'sr-only' : 'text-sm text-muted'}>
                  {rows.length === 0
                    ? 'No invocations to show.'
                    : `${formatNumber(rows.length)} ${filtered ? 'matching ' : ''}invocation${rows.length === 1 ? '' : 's'} of the range, newest first${more ? '; more below.' : '.'}`}
                </p>
              </div>
              {rows.length === 0 ? (
                filtered ? (
                  <EmptyState title="No invocation matches these filters">
                    Widen the status, method, route, user or range to see more.
                  </EmptyState>
                ) : (
                  <EmptyState title="No invocations in this range">
                    Each call of the app&apos;s server routes shows here the moment it is recorded. Pick a longer range to look further
                    back.
                  </EmptyState>
                )
              ) : (
                <InvocationTable rows={rows} now={now} tz={input.tz ?? 'UTC'} />
              )}
              {more && (
                <div className="flex justify-center border-t border-line px-4 py-3">
                  <Button onClick={() => log.fetchNextPage()} disabled={log.isFetchingNextPage}>
                    {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
                  </Button>
                </div>
              )}
            </>
          );
        }}
      </QueryView>
    </Card>
  );
}

function LogSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      <Skeleton className="h-5 w-64" />
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} className="h-7 w-full" />
      ))}
    </div>
  );
}
