'use client';

import { useSearchParams } from 'next/navigation';
import { rangeParamsOf } from '@/components/range/range-params';
import { Button } from '@/components/ui/button';
import { Card, CardHeader } from '@/components/ui/card';
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

/** The input of `activity.invocations` that the page's URL names: its range and filters (the server prefetches the same). */
export function logInput(appId: string, search: { get(name: string): string | null }) {
  return { appId, ...rangeParamsOf(search), ...logFiltersOf(search), limit: LOG_PAGE };
}

const unique = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))].sort();

/**
 * The invocation log of the page's range (GET /stats/invocations), newest
 * first, filtered by `Status`, `Method`, `Route` and `User` from the URL;
 * `Load more` appends the next page through its keyset cursor.
 */
export function InvocationLog({ appId }: { appId: string }) {
  const search = useSearchParams();
  const input = logInput(appId, search);
  const log = trpc.activity.invocations.useInfiniteQuery(input, {
    getNextPageParam: (page) => page.nextCursor,
    // The rows of the filters before stay on screen (and the filter boxes keep focus) until the new ones arrive.
    placeholderData: (previous) => previous,
  });
  const loaded = log.data?.pages.flatMap((page) => page.items) ?? [];
  const now = useNow(log.dataUpdatedAt || 0);
  const filtered = (Object.keys(logFiltersOf(search)) as (keyof LogFilters)[]).length > 0;
  return (
    <Card aria-labelledby="recent-title" className="min-w-0 overflow-hidden">
      <CardHeader id="recent-title" title="Recent invocations">
        <UpdatedAgo updatedAt={log.dataUpdatedAt} fetching={log.isFetching} />
      </CardHeader>
      <div className="px-4 pb-3">
        <LogFilterControls routes={unique(loaded.map((r) => r.route))} users={unique(loaded.map((r) => r.username))} />
      </div>
      <QueryView query={log} what="the invocation log" skeleton={<LogSkeleton />}>
        {({ pages }) => {
          const rows = pages.flatMap((page) => page.items);
          const more = pages.at(-1)?.nextCursor != null;
          return (
            <>
              <div className="px-4 pb-3">
                <p role="status" className="text-sm text-muted">
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
                <InvocationTable rows={rows} now={now} />
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
