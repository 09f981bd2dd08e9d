import type { Metadata } from 'next';
import { ApiView } from '@/components/invocations/api-view';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · API` : 'App not found' };
}

export default async function ApiPage({ params }: { params: Promise<{ id: string }> }) {
  const appId = routeParam((await params).id);
  const app = await appForPage(appId);
  if (!app?.canWrite) return <NoAccess what="this app's API history" />;
  await serverTrpc.stats.api.prefetch({ appId });
  return (
    <HydrateClient>
      <ApiView appId={appId} />
    </HydrateClient>
  );
}
