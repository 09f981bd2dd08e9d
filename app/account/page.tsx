import type { Metadata } from 'next';
import { AccountView } from '@/components/account/account-view';
import { HydrateClient, currentUser, serverTrpc } from '@/trpc/server';

export const metadata: Metadata = { title: 'Account' };
export const dynamic = 'force-dynamic';

export default async function AccountPage() {
  // The layout has sent visitors without a session to /login already.
  const user = await currentUser();
  await serverTrpc.account.tokens.prefetch();
  return (
    <HydrateClient>
      <AccountView username={user?.username ?? ''} />
    </HydrateClient>
  );
}
