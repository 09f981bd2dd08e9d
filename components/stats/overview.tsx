'use client';

import { InvocationsPanel } from '@/components/invocations/invocations-panel';
import { ViewsChart } from '@/components/charts/views-chart';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { ChartSkeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { useNow } from '@/components/ui/use-now';
import { trpc } from '@/trpc/react';
import { CardsSkeleton, StorageSkeleton } from './overview-skeleton';
import { StatCards } from './stat-cards';
import { StorageBar } from './storage-bar';

/** The overview of one app: figures of GET /stats, views by day, invocations by day, storage. */
export function Overview({ appId }: { appId: string }) {
  const overview = trpc.stats.overview.useQuery({ appId });
  const daily = trpc.apps.invocationsByDay.useQuery({ appId });
  const now = useNow(overview.dataUpdatedAt || 0);
  return (
    <div className="space-y-4">
      <div className="flex min-h-5 items-center justify-between gap-4">
        <h2 className="text-base font-semibold">Overview</h2>
        <UpdatedAgo updatedAt={overview.dataUpdatedAt} fetching={overview.isFetching} />
      </div>
      <QueryView query={overview} what="the figures" skeleton={<CardsSkeleton />}>
        {(data) => <StatCards overview={data} now={now} />}
      </QueryView>
      <div className="grid items-start gap-4 lg:grid-cols-5">
        <div className="flex min-w-0 flex-col gap-4 lg:col-span-2">
          <Card aria-labelledby="views-title" className="min-w-0">
            <CardHeader id="views-title" title="Views by day" />
            <QueryView query={overview} what="views by day" skeleton={<ChartSkeleton height={220} />} className="px-4 pb-4">
              {(data) =>
                data.views7d === 0 ? (
                  <div className="flex h-[220px] items-center justify-center">
                    <EmptyState title="No views in the last 7 days">
                      Views show here the moment they are recorded. All times UTC.
                    </EmptyState>
                  </div>
                ) : (
                  <ViewsChart byDay={data.viewsByDay} />
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
          <CardHeader id="invocations-title" title="Invocations by day">
            <UpdatedAgo updatedAt={daily.dataUpdatedAt} fetching={daily.isFetching} />
          </CardHeader>
          <InvocationsPanel query={daily} />
        </Card>
      </div>
    </div>
  );
}
