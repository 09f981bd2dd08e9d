import type { Metadata } from 'next';
import { AppList } from '@/components/apps/app-list';
import { HydrateClient, serverTrpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Apps' };
export const dynamic = 'force-dynamic';

export default async function AppsPage() {
  await Promise.all([serverTrpc.apps.list.prefetch(), serverTrpc.apps.sparklines.prefetch(), serverTrpc.auth.me.prefetch()]);
  return (
    <HydrateClient>
      <AppList />
    </HydrateClient>
  );
}
