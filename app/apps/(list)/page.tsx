import type { Metadata } from 'next';
import { AppList } from '@/components/apps/app-list';
import { serverTrpc } from '../../_server/rsc';

export const metadata: Metadata = { title: 'Apps' };
export const dynamic = 'force-dynamic';

export default async function AppsPage() {
  const { trpc, HydrateClient } = serverTrpc();
  await Promise.all([trpc.apps.list.prefetch(), trpc.apps.sparklines.prefetch()]);
  return (
    <HydrateClient>
      <AppList />
    </HydrateClient>
  );
}
