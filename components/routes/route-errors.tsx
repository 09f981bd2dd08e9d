'use client';

import { useSearchParams } from 'next/navigation';
import { ErrorGroupTable } from '@/components/errors/error-group-table';
import { rangeParamsOf } from '@/components/range/range-params';
import { rangeSearch } from '@/components/range/use-range';
import { Card, CardHeader } from '@/components/ui/card';
import { DownloadLink } from '@/components/ui/download-link';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { trpc } from '@/trpc/react';
import { ROUTE_ERRORS_LIMIT } from './route-path';
import { shownRange } from './shown-range';

/** One route's error groups over the range (GET /stats/errors with its method and route), each expandable and linked to the log. */
export function RouteErrors({ appId, routeId, method, route }: { appId: string; routeId: string; method: string; route: string }) {
  const params = rangeParamsOf(useSearchParams());
  const errors = trpc.activity.errors.useQuery(
    { appId, ...params, method, route, limit: ROUTE_ERRORS_LIMIT },
    { placeholderData: (previous) => previous },
  );
  const range = shownRange(params);
  return (
    <Card aria-labelledby="route-errors-title" className="min-w-0 overflow-hidden">
      <CardHeader id="route-errors-title" title="Error groups">
        <UpdatedAgo updatedAt={errors.dataUpdatedAt} fetching={errors.isFetching} />
        {range && (
          <DownloadLink
            href={`/api/apps/${encodeURIComponent(appId)}/stats/errors?${rangeSearch(range, { method, route, limit: String(ROUTE_ERRORS_LIMIT), format: 'csv' })}`}
          />
        )}
      </CardHeader>
      <QueryView query={errors} what="the route's error groups" skeleton={<ErrorsSkeleton />}>
        {({ groups }) =>
          groups.length === 0 || !range ? (
            <EmptyState title="No errors of this route in this range">
              A failed call of {method} {route} (an error, or status 500 or more) shows here, grouped by its message, the moment it is
              recorded.
            </EmptyState>
          ) : (
            <>
              <p role="status" className="px-4 pb-2 text-sm text-muted">
                {groups.length === 1 ? '1 group' : `${groups.length} groups`} of failed calls of this route, the largest first.
              </p>
              <ErrorGroupTable groups={groups} range={range} routeId={routeId} />
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

function ErrorsSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      <Skeleton className="h-5 w-64" />
      {Array.from({ length: 3 }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
