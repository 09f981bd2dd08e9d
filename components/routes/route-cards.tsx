'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { ZonedTime } from '@/components/errors/zoned-time';
import { formatDuration, formatNumber, formatPercent } from '@/lib/format';
import type { RouteFigures, RouteSort } from '@/server/schemas/routes';
import { routeHref } from './route-path';
import { useSortHref } from './use-sort-href';

const SORTS: [RouteSort, string][] = [
  ['calls', 'Calls'],
  ['failed', 'Failed'],
  ['computeMs', 'Compute'],
  ['p95DurationMs', 'p95'],
];

const ms = (value: number | null) => (value === null ? '—' : formatDuration(value));

/** On a phone, the sort as a row of links and one card per route (its main figures; the rest on its page). */
export function RouteCards({ routes, sort, tz, routeId }: { routes: RouteFigures[]; sort: RouteSort; tz: string; routeId: string }) {
  const search = useSearchParams();
  const sortHref = useSortHref();
  return (
    <div className="sm:hidden">
      <nav aria-label="Sort the routes" className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 pb-2 text-sm">
        <span className="text-muted">Sort by</span>
        {SORTS.map(([value, label]) => (
          <Link
            key={value}
            href={sortHref(value)}
            scroll={false}
            aria-current={value === sort ? 'true' : undefined}
            className={value === sort ? 'font-semibold text-fg' : 'text-accent underline underline-offset-2'}
          >
            {label}
            {value === sort && <span aria-hidden="true"> ↓</span>}
          </Link>
        ))}
      </nav>
      <ul aria-label="Routes" className="divide-y divide-line border-t border-line">
        {routes.map((route) => (
          <li key={`${route.method} ${route.route}`} className="space-y-1 px-4 py-3 text-sm">
            <div className="flex items-start justify-between gap-2">
              <span className="flex min-w-0 items-start gap-2">
                <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-xs font-semibold">{route.method}</span>
                <Link
                  href={routeHref(routeId, route.method, route.route, search)}
                  className="min-w-0 font-mono text-xs break-all text-accent underline underline-offset-2"
                >
                  {route.route}
                  <span className="sr-only"> ({route.method})</span>
                </Link>
              </span>
              <span className="tabular shrink-0 font-semibold">{formatNumber(route.calls)}</span>
            </div>
            <p className="tabular flex flex-wrap gap-x-3 text-xs text-muted">
              <span>
                {formatNumber(route.failed)} failed ({formatPercent(route.errorRate)})
              </span>
              <span>p50 {ms(route.p50DurationMs)}</span>
              <span>p95 {ms(route.p95DurationMs)}</span>
              <span>p99 {ms(route.p99DurationMs)}</span>
              <span>compute {formatDuration(route.computeMs)}</span>
            </p>
            {route.lastCalledAt && (
              <p className="text-xs text-muted">
                Last called <ZonedTime at={route.lastCalledAt} tz={tz} named />
              </p>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
