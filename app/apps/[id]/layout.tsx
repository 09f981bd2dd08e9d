import { notFound } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppHeader } from '@/components/frame/app-header';
import { routeParam } from '@/lib/route-param';
import { isMissingTablePage } from '@/trpc/table-for-page';
import { appForPage, currentUser } from '@/trpc/server';

export const dynamic = 'force-dynamic';

/**
 * Resolves the app and the caller's standing before anything streams, so an
 * app that does not exist and one the caller cannot read both answer 404.
 */
export default async function AppLayout({ children, params }: { children: ReactNode; params: Promise<{ id: string }> }) {
  const id = routeParam((await params).id);
  const [app, user] = await Promise.all([appForPage(id), currentUser()]);
  if (!app) notFound();
  if (await isMissingTablePage(id, app.canWrite)) notFound();
  return (
    <>
      <AppHeader app={app} routeId={id} platformAdmin={user?.isAdmin === true} />
      <div className="pt-6">{children}</div>
    </>
  );
}
