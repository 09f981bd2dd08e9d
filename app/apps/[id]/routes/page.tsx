import type { Metadata } from 'next';
import { rangeParamsOfRecord } from '@/components/range/range-params';
import { ROUTES_LIMIT, routeSortOf } from '@/components/routes/route-path';
import { RoutesView } from '@/components/routes/routes-view';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Routes` : 'App not found' };
}

/** /apps/{id}/routes: the range's routes, sortable (CONTRACT §8 "Pages"), for those who may write; a reader gets the "no access" state. */
export default async function RoutesPage({
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
  if (!app?.canWrite) return <NoAccess what="this app's routes" />;
  const sort = routeSortOf({ get: (name) => (typeof search[name] === 'string' ? (search[name] as string) : null) });
  // The same input as the table's useQuery (components/routes/routes-view.tsx), so it hydrates.
  await serverTrpc.activity.routes.prefetch({ appId, ...range, sort, limit: ROUTES_LIMIT });
  return (
    <HydrateClient>
      <RoutesView appId={appId} routeId={appId} />
    </HydrateClient>
  );
}
