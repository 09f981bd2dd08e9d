import type { Metadata } from 'next';
import { ApiView } from '@/components/invocations/api-view';
import { LOG_PAGE, logFiltersOfRecord } from '@/components/invocations/log-params';
import { rangeParamsOfRecord } from '@/components/range/range-params';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · API` : 'App not found' };
}

export default async function ApiPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const appId = routeParam((await params).id);
  const search = await searchParams;
  const range = rangeParamsOfRecord(search);
  const app = await appForPage(appId);
  if (!app?.canWrite) return <NoAccess what="this app's API history" />;
  await Promise.all([
    serverTrpc.insights.range.prefetch({ appId, ...range }),
    serverTrpc.activity.rawSince.prefetch({ appId }),
    // The same input as the log's useInfiniteQuery (components/invocations/invocation-log.tsx), so its first page hydrates.
    serverTrpc.activity.invocations.prefetchInfinite({ appId, ...range, ...logFiltersOfRecord(search), limit: LOG_PAGE }),
  ]);
  return (
    <HydrateClient>
      <ApiView appId={appId} />
    </HydrateClient>
  );
}
