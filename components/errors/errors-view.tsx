'use client';

import { useSearchParams } from 'next/navigation';
import { RangeControl } from '@/components/range/range-control';
import { RangeHeading } from '@/components/range/range-heading';
import { rangeParamsOf } from '@/components/range/range-params';
import { rangeSearch } from '@/components/range/use-range';
import { DownloadLink } from '@/components/ui/download-link';
import { Card, CardHeader } from '@/components/ui/card';
import { QueryView } from '@/components/ui/query-view';
import { Skeleton } from '@/components/ui/skeleton';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { resolveRange } from '@/lib/range';
import { trpc } from '@/trpc/react';
import { RetentionNotice } from '@/components/invocations/retention-notice';
import { ErrorGroupTable } from './error-group-table';

/** How many groups the page (and its CSV) shows: the most the path answers. */
export const ERROR_GROUPS_LIMIT = 100;

/** The range the URL names with the defaults applied (the server's own rule), or null when it is not one. */
function resolved(params: ReturnType<typeof rangeParamsOf>) {
  try {
    const { from, to, tz } = resolveRange(params, new Date(), false);
    return { from, to, tz };
  } catch {
    return null;
  }
}

/** The Errors tab: the range control, then the range's error groups (GET /stats/errors), each expandable and linked to the log. */
export function ErrorsView({ appId, routeId }: { appId: string; routeId: string }) {
  const params = rangeParamsOf(useSearchParams());
  const errors = trpc.activity.errors.useQuery(
    { appId, ...params, limit: ERROR_GROUPS_LIMIT },
    { placeholderData: (previous) => previous },
  );
  const range = resolved(params);
  return (
    <Card aria-labelledby="errors-title" className="min-w-0 overflow-hidden">
      <CardHeader id="errors-title" title="Error groups">
        <UpdatedAgo updatedAt={errors.dataUpdatedAt} fetching={errors.isFetching} />
        {range && (
          <DownloadLink
            href={`/api/apps/${appId}/stats/errors?${rangeSearch(range, { limit: String(ERROR_GROUPS_LIMIT), format: 'csv' })}`}
          />
        )}
      </CardHeader>
      <div className="space-y-3 px-4 pb-3">
        <RangeControl shown={range ?? undefined} />
        {range && <RangeHeading range={range} />}
      </div>
      <RetentionNotice appId={appId} tz={range?.tz ?? 'UTC'} what="the groups and their samples" />
      <QueryView query={errors} what="the error groups" skeleton={<GroupsSkeleton />}>
        {({ groups }) =>
          groups.length === 0 || !range ? (
            <EmptyState title="No errors in this range">
              A failed invocation (an error, or status 500 or more) shows here, grouped with the others of its route and message, the moment
              it is recorded. Pick a longer range to look further back.
            </EmptyState>
          ) : (
            <>
              <p role="status" className="px-4 pb-2 text-sm text-muted">
                {groups.length === 1 ? '1 group' : `${groups.length} groups`} of failed invocations, the largest first.
              </p>
              <ErrorGroupTable groups={groups} range={range} routeId={routeId} />
            </>
          )
        }
      </QueryView>
    </Card>
  );
}

function GroupsSkeleton() {
  return (
    <div className="space-y-2 px-4 pb-4">
      <Skeleton className="h-5 w-64" />
      {Array.from({ length: 6 }, (_, i) => (
        <Skeleton key={i} className="h-9 w-full" />
      ))}
    </div>
  );
}
