import type { Metadata } from 'next';
import { TableList } from '@/components/tables/table-list';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Tables` : 'App not found' };
}

export default async function TablesPage({ params }: { params: Promise<{ id: string }> }) {
  const appId = routeParam((await params).id);
  const app = await appForPage(appId);
  if (!app?.canWrite) return <NoAccess what="this app's tables" />;
  if (app.hasWorkspace) await serverTrpc.stats.tables.prefetch({ appId });
  return (
    <HydrateClient>
      <TableList appId={appId} hasWorkspace={app.hasWorkspace} />
    </HydrateClient>
  );
}
