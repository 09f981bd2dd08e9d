'use client';

import { RangeInvocationsChart, RangeViewsChart } from '@/components/charts/range-charts';
import { RangeControl } from '@/components/range/range-control';
import { RangeHeading } from '@/components/range/range-heading';
import { rangeSearch, useRange } from '@/components/range/use-range';
import { DownloadLink } from '@/components/ui/download-link';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { ChartSkeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { useNow } from '@/components/ui/use-now';
import { trpc } from '@/trpc/react';
import { LiveBadge } from './live-badge';
import { OnboardingCard } from './onboarding-card';
import { CardsSkeleton, StorageSkeleton } from './overview-skeleton';
import { StatCards } from './stat-cards';
import { StorageBar } from './storage-bar';

/** The overview of one app: the range's figures (GET /stats/range) with the all-time ones (GET /stats), views and invocations by hour or day, storage. */
export function Overview({ appId }: { appId: string }) {
  const overview = trpc.stats.overview.useQuery({ appId });
  const { query: range } = useRange(appId);
  const now = useNow(overview.dataUpdatedAt || 0);
  // The cards need both answers: loading until both are in, an error while either fails.
  const both = {
    data: overview.data && range.data ? { overview: overview.data, range: range.data } : undefined,
    error: overview.error ?? range.error,
    isFetching: overview.isFetching || range.isFetching,
    refetch: () => Promise.all([overview.refetch(), range.refetch()]),
  };
  const unit = range.data?.interval === 'hour' ? 'hour' : 'day';
  const csv = range.data ? `/api/apps/${appId}/stats/range?${rangeSearch(range.data, { format: 'csv' })}` : undefined;
  return (
    <div className="space-y-4">
      <div className="flex min-h-5 items-center justify-between gap-4">
        <h2 className="text-base font-semibold">Overview</h2>
        <div className="flex items-center gap-3">
          <LiveBadge appId={appId} />
          <UpdatedAgo updatedAt={overview.dataUpdatedAt} fetching={overview.isFetching} />
        </div>
      </div>
      <div className="space-y-2">
        <RangeControl shown={range.data} />
        {range.data && <RangeHeading range={range.data} />}
      </div>
      <QueryView query={both} what="the figures" skeleton={<CardsSkeleton />}>
        {({ overview: data, range: figures }) => (
          <div className="space-y-4">
            {data.totalViews === 0 && data.api.totalInvocations === 0 && <OnboardingCard appId={data.appId} routeId={appId} />}
            <StatCards overview={data} range={figures} now={now} />
          </div>
        )}
      </QueryView>
      <div className="grid items-start gap-4 lg:grid-cols-5">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <Card aria-labelledby="views-title" className="min-w-0">
            <CardHeader id="views-title" title={`Views by ${unit}`}>
              {csv && <DownloadLink href={csv} />}
            </CardHeader>
            <QueryView query={range} what={`views by ${unit}`} skeleton={<ChartSkeleton height={220} />} className="px-4 pb-4">
              {(data) =>
                data.totals.views === 0 ? (
                  <div className="flex h-[220px] items-center justify-center">
                    <EmptyState title="No views in this range">
                      Views show here the moment they are recorded. All times {data.tz}.
                    </EmptyState>
                  </div>
                ) : (
                  <RangeViewsChart range={data} />
                )
              }
            </QueryView>
          </Card>
          <Card aria-labelledby="storage-title">
            <CardHeader id="storage-title" title="Storage" />
            <QueryView query={overview} what="storage" skeleton={<StorageSkeleton />} className="px-4 pb-4">
              {(data) => <StorageBar storage={data.storage} />}
            </QueryView>
          </Card>
        </div>
        <Card aria-labelledby="invocations-title" className="min-w-0 lg:col-span-3">
          <CardHeader id="invocations-title" title={`Invocations by ${unit}`}>
            {csv && <DownloadLink href={csv} />}
          </CardHeader>
          <QueryView query={range} what={`invocations by ${unit}`} skeleton={<ChartSkeleton height={220} legend />} className="px-4 pb-4">
            {(data) =>
              data.totals.invocations === 0 ? (
                <div className="flex h-[220px] items-center justify-center">
                  <EmptyState title="No invocations in this range">
                    Each call of one of the app&apos;s server routes shows here the moment it is recorded. All times {data.tz}.
                  </EmptyState>
                </div>
              ) : (
                <RangeInvocationsChart range={data} />
              )
            }
          </QueryView>
        </Card>
      </div>
    </div>
  );
}
