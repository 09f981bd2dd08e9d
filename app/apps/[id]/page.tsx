import type { Metadata } from 'next';
import { rangeParamsOfRecord } from '@/components/range/range-params';
import { Overview } from '@/components/stats/overview';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Overview` : 'App not found' };
}

export default async function OverviewPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const appId = routeParam((await params).id);
  const range = rangeParamsOfRecord(await searchParams);
  await Promise.all([serverTrpc.stats.overview.prefetch({ appId }), serverTrpc.insights.range.prefetch({ appId, ...range })]);
  return (
    <HydrateClient>
      <Overview appId={appId} />
    </HydrateClient>
  );
}
