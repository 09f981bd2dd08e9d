import type { Metadata } from 'next';
import { ERROR_GROUPS_LIMIT, ErrorsView } from '@/components/errors/errors-view';
import { rangeParamsOfRecord } from '@/components/range/range-params';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Errors` : 'App not found' };
}

/** /apps/{id}/errors: the range's error groups (CONTRACT §8), for those who may write; a reader gets the "no access" state. */
export default async function ErrorsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const appId = routeParam((await params).id);
  const range = rangeParamsOfRecord(await searchParams);
  const app = await appForPage(appId);
  if (!app?.canWrite) return <NoAccess what="this app's errors" />;
  await Promise.all([
    serverTrpc.activity.errors.prefetch({ appId, ...range, limit: ERROR_GROUPS_LIMIT }),
    serverTrpc.activity.rawSince.prefetch({ appId }),
  ]);
  return (
    <HydrateClient>
      <ErrorsView appId={appId} routeId={appId} />
    </HydrateClient>
  );
}
