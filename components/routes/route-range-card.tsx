'use client';

import { useSearchParams } from 'next/navigation';
import { RangeInvocationsChart, RangePercentilesChart } from '@/components/charts/range-charts';
import { RangeControl } from '@/components/range/range-control';
import { RangeHeading } from '@/components/range/range-heading';
import { Card, CardHeader } from '@/components/ui/card';
import { DownloadLink } from '@/components/ui/download-link';
import { QueryView } from '@/components/ui/query-view';
import { ChartSkeleton, Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { trpc } from '@/trpc/react';
import { RouteFiguresList } from './route-figures';
import { routeRangeInput } from './route-path';
import { csvDataUrl, seriesCsv, seriesFileName } from './series-csv';

/** One route over the range: its figures, calls by hour or day (succeeded and failed) and the duration percentiles (p50, p95, p99). */
export function RouteRangeCard({ appId, naturalId, method, route }: { appId: string; naturalId: string; method: string; route: string }) {
  const query = trpc.activity.route.useQuery(routeRangeInput(appId, method, route, useSearchParams()), {
    placeholderData: (previous) => previous,
  });
  const unit = query.data?.interval === 'hour' ? 'hour' : 'day';
  return (
    <Card aria-labelledby="route-range-title">
      <CardHeader id="route-range-title" title={`Calls by ${unit}`}>
        <UpdatedAgo updatedAt={query.dataUpdatedAt} fetching={query.isFetching} />
        {query.data && <DownloadLink href={csvDataUrl(seriesCsv(query.data.series))} fileName={seriesFileName(naturalId, query.data)} />}
      </CardHeader>
      <div className="space-y-4 px-4 pb-4">
        <div className="space-y-3">
          <RangeControl shown={query.data} />
          {query.data && <RangeHeading range={query.data} />}
        </div>
        <QueryView query={query} what="the route's figures" skeleton={<RouteRangeSkeleton />}>
          {(range) =>
            range.totals.invocations === 0 ? (
              <div className="flex h-[220px] items-center justify-center">
                <EmptyState title="No calls of this route in this range">
                  Each call of {method} {route} shows here the moment it is recorded. Pick a longer range to look further back.
                </EmptyState>
              </div>
            ) : (
              <div className="space-y-6">
                <RouteFiguresList totals={range.totals} previous={range.previous} />
                <RangeInvocationsChart range={range} />
                <div>
                  <h3 className="mb-1 text-sm font-semibold">Duration percentiles</h3>
                  <RangePercentilesChart range={range} />
                </div>
              </div>
            )
          }
        </QueryView>
      </div>
    </Card>
  );
}

/** The figures, the calls chart and the percentile chart at their sizes. */
export function RouteRangeSkeleton() {
  return (
    <div className="space-y-6">
      <div className="grid grid-cols-2 gap-4 sm:grid-cols-4 lg:grid-cols-8">
        {Array.from({ length: 8 }, (_, i) => (
          <Skeleton key={i} className="h-14 w-full" />
        ))}
      </div>
      <ChartSkeleton height={220} legend />
      <div>
        <Skeleton className="mb-1 h-5 w-40" />
        <ChartSkeleton height={200} legend />
      </div>
    </div>
  );
}
