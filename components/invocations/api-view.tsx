'use client';

import { useState } from 'react';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { useNow } from '@/components/ui/use-now';
import { formatNumber } from '@/lib/format';
import { trpc } from '@/trpc/react';
import { type InvocationFilter, InvocationFilters, matches, NO_FILTER } from './invocation-filters';
import { InvocationTable } from './invocation-table';
import { InvocationsPanel } from './invocations-panel';

/** GET /stats/api as a page: the 30-day chart, then the last 100 invocations with filters. */
export function ApiView({ appId }: { appId: string }) {
  const api = trpc.stats.api.useQuery({ appId });
  const now = useNow(api.dataUpdatedAt || 0);
  const [filter, setFilter] = useState<InvocationFilter>(NO_FILTER);
  const daily = { ...api, data: api.data?.daily };
  return (
    <div className="space-y-4">
      <Card aria-labelledby="daily-title">
        <CardHeader id="daily-title" title="Invocations by day">
          <UpdatedAgo updatedAt={api.dataUpdatedAt} fetching={api.isFetching} />
        </CardHeader>
        <InvocationsPanel query={daily} />
      </Card>
      <Card aria-labelledby="recent-title" className="min-w-0 overflow-hidden">
        <CardHeader id="recent-title" title="Recent invocations" />
        <QueryView query={api} what="the recent invocations" skeleton={<RecentSkeleton />}>
          {({ recent }) => {
            if (recent.length === 0) {
              return (
                <EmptyState title="No invocations yet">
                  The last 100 calls of the app&apos;s server routes show here the moment they are recorded.
                </EmptyState>
              );
            }
            const methods = [...new Set(recent.map((r) => r.method))].sort();
            const shown = recent.filter((row) => matches(filter, row));
            return (
              <>
                <div className="space-y-2 px-4 pb-3">
                  <InvocationFilters filter={filter} methods={methods} onChange={setFilter} />
                  <p role="status" className="text-sm text-muted">
                    {shown.length === recent.length
                      ? `The last ${formatNumber(recent.length)} invocations, newest first.`
                      : `${formatNumber(shown.length)} of the last ${formatNumber(recent.length)} invocations match.`}
                  </p>
                </div>
                {shown.length === 0 ? (
                  <EmptyState title="No invocation matches these filters">Widen the status, method or path to see more.</EmptyState>
                ) : (
                  <InvocationTable rows={shown} now={now} />
                )}
              </>
            );
          }}
        </QueryView>
      </Card>
    </div>
  );
}

function RecentSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      <Skeleton className="h-14 w-full max-w-xl" />
      <Skeleton className="h-5 w-64" />
      {Array.from({ length: 8 }, (_, i) => (
        <Skeleton key={i} className="h-7 w-full" />
      ))}
    </div>
  );
}
