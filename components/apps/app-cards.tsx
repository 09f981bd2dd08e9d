import Link from 'next/link';
import { Sparkline } from '@/components/charts/sparkline';
import { Badge } from '@/components/ui/badge';
import { Skeleton } from '@/components/ui/skeleton';
import { roleLabel } from '@/lib/app-roles';
import { formatNumber } from '@/lib/format';
import type { RouterOutputs } from '@/trpc/react';

type App = RouterOutputs['apps']['list'][number];
type Spark = RouterOutputs['apps']['sparklines'][number];

/** One card per app: name (the link), natural id, role, and views over 7 days as bars and as text. */
export function AppCards({
  apps,
  sparklines,
  platformAdmin = false,
}: {
  apps: App[];
  sparklines: Spark[] | undefined;
  platformAdmin?: boolean;
}) {
  const byApp = new Map((sparklines ?? []).map((s) => [s.appId, s]));
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
      {apps.map((app) => {
        const spark = byApp.get(app.id);
        return (
          <li
            key={app.id}
            className="relative flex min-w-0 flex-col gap-3 rounded-xl border border-line bg-surface p-4 focus-within:ring-2 focus-within:ring-accent"
          >
            <div className="min-w-0">
              <h2 className="text-base font-semibold break-words">
                <Link
                  href={`/apps/${encodeURIComponent(app.naturalId)}`}
                  className="after:absolute after:inset-0 hover:underline focus-visible:outline-none"
                >
                  {app.name}
                </Link>
              </h2>
              <div className="mt-1 flex flex-wrap items-center gap-2 text-sm text-muted">
                <Badge mono>{app.naturalId}</Badge>
                {app.visibility === 'public' && <Badge tone="accent">public</Badge>}
                <span>
                  Role: <span className="text-fg">{roleLabel(app.role, app.visibility, platformAdmin)}</span>
                </span>
              </div>
            </div>
            <div className="flex items-end justify-between gap-3">
              <p className="tabular text-sm text-muted">
                {spark ? (
                  <>
                    <span className="font-semibold text-fg">{formatNumber(spark.views7d)}</span> {spark.views7d === 1 ? 'view' : 'views'} in
                    7 days
                  </>
                ) : (
                  <Skeleton className="inline-block h-4 w-28 align-middle" />
                )}
              </p>
              {spark ? <Sparkline counts={[...spark.viewsByDay].reverse().map((d) => d.count)} /> : <Skeleton className="h-7 w-24" />}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** Three card-sized placeholders. */
export function AppCardsSkeleton() {
  return (
    <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3" aria-hidden="true">
      {Array.from({ length: 3 }, (_, i) => (
        <li key={i} className="flex flex-col gap-3 rounded-xl border border-line bg-surface p-4">
          <Skeleton className="h-6 w-40" />
          <Skeleton className="h-5 w-56" />
          <div className="flex items-end justify-between">
            <Skeleton className="h-5 w-28" />
            <Skeleton className="h-7 w-24" />
          </div>
        </li>
      ))}
    </ul>
  );
}
