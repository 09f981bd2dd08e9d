import type { Metadata } from 'next';
import { Overview } from '@/components/stats/overview';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Overview` : 'App not found' };
}

export default async function OverviewPage({ params }: { params: Promise<{ id: string }> }) {
  const appId = routeParam((await params).id);
  await Promise.all([serverTrpc.stats.overview.prefetch({ appId }), serverTrpc.apps.invocationsByDay.prefetch({ appId })]);
  return (
    <HydrateClient>
      <Overview appId={appId} />
    </HydrateClient>
  );
}
