import type { Metadata } from 'next';
import { TableList } from '@/components/tables/table-list';
import { NoAccess } from '@/components/ui/states';
import { routeParam } from '../../../_server/params';
import { appForPage, serverTrpc } from '../../../_server/rsc';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Tables` : 'App not found' };
}

export default async function TablesPage({ params }: { params: Promise<{ id: string }> }) {
  const appId = routeParam((await params).id);
  const app = await appForPage(appId);
  if (!app?.canWrite) return <NoAccess what="this app's tables" />;
  const { trpc, HydrateClient } = serverTrpc();
  if (app.hasWorkspace) await trpc.stats.tables.prefetch({ appId });
  return (
    <HydrateClient>
      <TableList appId={appId} hasWorkspace={app.hasWorkspace} />
    </HydrateClient>
  );
}
