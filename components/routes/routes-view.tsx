'use client';

import { useSearchParams } from 'next/navigation';
import { RangeControl } from '@/components/range/range-control';
import { RangeHeading } from '@/components/range/range-heading';
import { rangeParamsOf } from '@/components/range/range-params';
import { rangeSearch } from '@/components/range/use-range';
import { Card, CardHeader } from '@/components/ui/card';
import { DownloadLink } from '@/components/ui/download-link';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { trpc } from '@/trpc/react';
import { ROUTES_LIMIT, routeSortOf } from './route-path';
import { RouteTable } from './route-table';
import { shownRange } from './shown-range';

const SORT_WORDS = { calls: 'calls', failed: 'failed calls', computeMs: 'compute time', p95DurationMs: 'p95 duration' } as const;

/** The Routes tab: the range control, then the range's routes (GET /stats/routes) sorted as the URL says, each linking to its page. */
export function RoutesView({ appId, routeId }: { appId: string; routeId: string }) {
  const search = useSearchParams();
  const params = rangeParamsOf(search);
  const sort = routeSortOf(search);
  const routes = trpc.activity.routes.useQuery(
    { appId, ...params, sort, limit: ROUTES_LIMIT },
    { placeholderData: (previous) => previous },
  );
  const range = shownRange(params);
  return (
    <Card aria-labelledby="routes-title" className="min-w-0 overflow-hidden">
      <CardHeader id="routes-title" title="Routes">
        <UpdatedAgo updatedAt={routes.dataUpdatedAt} fetching={routes.isFetching} />
        {range && (
          <DownloadLink
            href={`/api/apps/${encodeURIComponent(appId)}/stats/routes?${rangeSearch(range, { sort, limit: String(ROUTES_LIMIT), format: 'csv' })}`}
          />
        )}
      </CardHeader>
      <div className="space-y-3 px-4 pb-3">
        <RangeControl shown={range ?? undefined} />
        {range && <RangeHeading range={range} />}
      </div>
      <QueryView query={routes} what="the routes" skeleton={<RoutesSkeleton />}>
        {({ routes: list }) =>
          list.length === 0 || !range ? (
            <EmptyState title="No calls in this range">
              Each server route of the app shows here with its calls, failures and durations the moment it is first called, its ids folded
              into <code className="font-mono">:id</code>. Pick a longer range to look further back.
            </EmptyState>
          ) : (
            <>
              <p role="status" className="px-4 pb-2 text-sm text-muted">
                {list.length === 1 ? '1 route' : `${list.length} routes`}, the most {SORT_WORDS[sort]} first
                {list.length === ROUTES_LIMIT ? ` (the top ${ROUTES_LIMIT})` : ''}.
              </p>
              <RouteTable routes={list} sort={sort} range={range} routeId={routeId} />
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

/** The size of the table while it loads: the status line and a row of bars per route. */
export function RoutesSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      <Skeleton className="h-5 w-64" />
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
