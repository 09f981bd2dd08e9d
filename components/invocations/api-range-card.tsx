'use client';

import { RangeInvocationsChart, RangePercentilesChart } from '@/components/charts/range-charts';
import { RangeControl } from '@/components/range/range-control';
import { RangeHeading } from '@/components/range/range-heading';
import { rangeSearch, useRange } from '@/components/range/use-range';
import { Card, CardHeader } from '@/components/ui/card';
import { DownloadLink } from '@/components/ui/download-link';
import { QueryView } from '@/components/ui/query-view';
import { ChartSkeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';

/** The API page's range: its control, invocations by hour or day, and the duration percentiles (p50, p95, p99). */
export function ApiRangeCard({ appId }: { appId: string }) {
  const { query } = useRange(appId);
  const unit = query.data?.interval === 'hour' ? 'hour' : 'day';
  return (
    <Card aria-labelledby="range-title">
      <CardHeader id="range-title" title={`Invocations by ${unit}`}>
        {query.data && <DownloadLink href={`/api/apps/${appId}/stats/range?${rangeSearch(query.data, { format: 'csv' })}`} />}
      </CardHeader>
      <div className="space-y-3 px-4 pb-4">
        <RangeControl shown={query.data} />
        {query.data && <RangeHeading range={query.data} />}
        <QueryView query={query} what="the range's figures" skeleton={<ChartSkeleton height={220} legend />}>
          {(range) =>
            range.totals.invocations === 0 ? (
              <div className="flex h-[220px] items-center justify-center">
                <EmptyState title="No invocations in this range">
                  Each call of one of the app&apos;s server routes shows here the moment it is recorded. Pick a longer range to look further
                  back.
                </EmptyState>
              </div>
            ) : (
              <div className="space-y-6">
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
