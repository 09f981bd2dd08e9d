'use client';

import { DurationChart } from '@/components/charts/duration-chart';
import { type DailyPoint, InvocationsChart } from '@/components/charts/invocations-chart';
import { type QueryLike, QueryView } from '@/components/ui/query-view';
import { ChartSkeleton, Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';

/** Invocations per day (succeeded and failed) and the average duration, over 30 UTC days. */
export function InvocationsPanel({ query }: { query: QueryLike<DailyPoint[]> }) {
  const skeleton = (
    <div>
      <ChartSkeleton height={220} legend />
      <Skeleton className="mt-6 mb-1 h-5 w-32" />
      <ChartSkeleton height={140} />
    </div>
  );
  return (
    <QueryView query={query} what="invocations by day" skeleton={skeleton} className="px-4 pb-4">
      {(daily) =>
        daily.every((d) => d.count === 0) ? (
          <div className="flex h-[220px] items-center justify-center">
            <EmptyState title="No invocations in the last 30 days">
              Each call of one of the app&apos;s server routes shows here the moment it is recorded. All times UTC.
            </EmptyState>
          </div>
        ) : (
          <div className="space-y-6">
            <InvocationsChart daily={daily} />
            <div>
              <h3 className="mb-1 text-sm font-semibold">Average duration</h3>
              <DurationChart daily={daily} />
            </div>
          </div>
        )
      }
    </QueryView>
  );
}
