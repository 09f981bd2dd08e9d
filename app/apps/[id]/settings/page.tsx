import type { Metadata } from 'next';
import { SettingsView } from '@/components/settings/settings-view';
import { NoAccess } from '@/components/ui/states';
import { canManageApp } from '@/lib/app-roles';
import { routeParam } from '@/lib/route-param';
import { HydrateClient, appForPage, currentUser, serverTrpc } from '@/trpc/server';

export const dynamic = 'force-dynamic';

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const app = await appForPage(routeParam((await params).id));
  return { title: app ? `${app.name} · Settings` : 'App not found' };
}

export default async function SettingsPage({ params }: { params: Promise<{ id: string }> }) {
  const appId = routeParam((await params).id);
  // The layout has answered 404 already for an app the caller cannot read.
  const [app, user] = await Promise.all([appForPage(appId), currentUser()]);
  if (!app || !canManageApp(app.role)) {
    return (
      <NoAccess what="this app's settings">
        Only admins and the owner of this app can change its members, visibility and name. Ask one of them for admin access.
      </NoAccess>
    );
  }
  await serverTrpc.settings.members.prefetch({ appId });
  return (
    <HydrateClient>
      <SettingsView appId={appId} app={{ name: app.name, visibility: app.visibility }} me={user?.username ?? ''} />
    </HydrateClient>
  );
}
