'use client';

import { QueryView } from '@/components/ui/query-view';
import { EmptyState } from '@/components/ui/states';
import { UpdatedAgo } from '@/components/ui/updated-ago';
import { appsHeading } from '@/lib/app-roles';
import { trpc } from '@/trpc/react';
import { AppCards, AppCardsSkeleton } from './app-cards';

/** The apps the user can read, with their 7-day views; headed "Your apps" only for someone with a role on one. */
export function AppList() {
  const apps = trpc.apps.list.useQuery();
  const sparklines = trpc.apps.sparklines.useQuery();
  const me = trpc.auth.me.useQuery();
  const platformAdmin = me.data?.isAdmin === true;
  return (
    <div className="space-y-4 pt-6">
      <div className="flex items-center justify-between gap-4">
        <h1 className="text-2xl font-semibold tracking-tight">{apps.data ? appsHeading(apps.data, platformAdmin) : 'Apps'}</h1>
        <UpdatedAgo updatedAt={sparklines.dataUpdatedAt || apps.dataUpdatedAt} fetching={apps.isFetching || sparklines.isFetching} />
      </div>
      <QueryView query={apps} what="your apps" skeleton={<AppCardsSkeleton />}>
        {(list) =>
          list.length === 0 ? (
            <div className="rounded-xl border border-line bg-surface">
              <EmptyState title="No apps yet">
                Apps you own, belong to, or that are public show here as soon as an admin adds you to one. Ask an app&apos;s owner for
                access.
              </EmptyState>
            </div>
          ) : (
            <AppCards apps={list} sparklines={sparklines.data} platformAdmin={platformAdmin} />
          )
        }
      </QueryView>
    </div>
  );
}
