'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { InvocationLog } from '@/components/invocations/invocation-log';
import { RouteErrors } from './route-errors';
import { RouteRangeCard } from './route-range-card';

/**
 * A route's page (CONTRACT §8 "Pages"): the route over the range with its
 * chart and percentiles, its error groups, and its recent calls (the log with
 * the route's method and route as fixed filters).
 */
export function RouteView({
  appId,
  routeId,
  naturalId,
  method,
  route,
}: {
  appId: string;
  routeId: string;
  naturalId: string;
  method: string;
  route: string;
}) {
  const search = useSearchParams();
  const back = new URLSearchParams();
  for (const name of ['from', 'to', 'tz']) {
    const value = search.get(name);
    if (value) back.set(name, value);
  }
  const query = back.toString();
  return (
    <div className="space-y-4">
      <div className="space-y-1">
        <Link
          href={`/apps/${encodeURIComponent(routeId)}/routes${query ? `?${query}` : ''}`}
          className="text-sm text-accent underline-offset-2 hover:underline"
        >
          <span aria-hidden="true">← </span>All routes
        </Link>
        <h2 className="flex min-w-0 flex-wrap items-baseline gap-2 text-lg font-semibold">
          <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-sm">{method}</span>
          <span className="min-w-0 font-mono break-all">{route}</span>
        </h2>
      </div>
      <RouteRangeCard appId={appId} naturalId={naturalId} method={method} route={route} />
      <RouteErrors appId={appId} routeId={routeId} method={method} route={route} />
      <InvocationLog appId={appId} fixed={{ method, route }} />
    </div>
  );
}

/** A page path that names no route: say so, and lead back to the list. */
export function NoSuchRoute({ routeId }: { routeId: string }) {
  return (
    <div data-state="empty" className="rounded-xl border border-line bg-surface px-4 py-12 text-center">
      <h2 className="text-lg font-semibold">No such route</h2>
      <p className="mx-auto mt-2 max-w-md text-sm text-muted">
        This address names no method and route. A route&apos;s page is its method, then its path with ids as{' '}
        <code className="font-mono">:id</code>, e.g. <code className="font-mono">GET/api/items/:id</code>.
      </p>
      <p className="mt-3">
        <Link href={`/apps/${encodeURIComponent(routeId)}/routes`} className="text-sm text-accent underline underline-offset-2">
          All routes of this app
        </Link>
      </p>
    </div>
  );
}
