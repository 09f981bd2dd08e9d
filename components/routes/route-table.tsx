'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { ZonedTime } from '@/components/errors/zoned-time';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '@/lib/format';
import type { RouteFigures, RouteSort } from '@/server/schemas/routes';
import { RouteCards } from './route-cards';
import { routeHref } from './route-path';
import { useSortHref } from './use-sort-href';

const th =
  'sticky top-0 z-10 border-b border-line bg-surface-muted px-2 py-2 text-xs font-semibold uppercase tracking-wide text-muted whitespace-nowrap';
const td = 'border-b border-line px-2 py-2 align-top';

interface Column {
  label: string;
  /** The sort this column's header sets, if it sorts. */
  sort?: RouteSort;
  numeric?: boolean;
}

const COLUMNS: Column[] = [
  { label: 'Method' },
  { label: 'Route' },
  { label: 'Calls', sort: 'calls', numeric: true },
  { label: 'Failed', sort: 'failed', numeric: true },
  { label: 'Error rate', numeric: true },
  { label: 'Compute', sort: 'computeMs', numeric: true },
  { label: 'Avg', numeric: true },
  { label: 'p50', numeric: true },
  { label: 'p95', sort: 'p95DurationMs', numeric: true },
  { label: 'p99', numeric: true },
  { label: 'Peak memory', numeric: true },
  { label: 'Last called' },
];

/** The figures of a route in the table's column order, as text. */
export function routeCells(route: RouteFigures): string[] {
  const ms = (value: number | null) => (value === null ? '—' : formatDuration(value));
  return [
    formatNumber(route.calls),
    formatNumber(route.failed),
    formatPercent(route.errorRate),
    formatDuration(route.computeMs),
    formatDuration(route.avgDurationMs),
    ms(route.p50DurationMs),
    ms(route.p95DurationMs),
    ms(route.p99DurationMs),
    route.peakMemoryBytes === 0 ? '—' : formatBytes(route.peakMemoryBytes),
  ];
}

function SortHeader({ column, sort, href }: { column: Column & { sort: RouteSort }; sort: RouteSort; href: string }) {
  const active = column.sort === sort;
  return (
    <Link
      href={href}
      scroll={false}
      aria-label={active ? `${column.label}, sorted largest first` : `Sort by ${column.label}, largest first`}
      className={`inline-flex items-center gap-1 rounded uppercase hover:text-accent ${active ? 'text-fg' : 'text-muted'}`}
    >
      {column.label}
      <span aria-hidden="true" className={active ? 'text-accent' : 'text-muted'}>
        {active ? '↓' : '↕'}
      </span>
    </Link>
  );
}

/**
 * The range's routes with their figures, sorted by `sort` (descending, as the
 * path sorts); Calls, Failed, Compute and p95 sort by a link in their header
 * (`?sort=failed`), and each route links to its page. A table on wider
 * screens, scrolling in its own box; a card per route on a phone.
 */
export function RouteTable({
  routes,
  sort,
  range,
  routeId,
}: {
  routes: RouteFigures[];
  sort: RouteSort;
  range: { tz: string };
  routeId: string;
}) {
  const search = useSearchParams();
  const sortHref = useSortHref();
  const label = COLUMNS.find((c) => c.sort === sort)?.label ?? 'Calls';
  return (
    <>
      <RouteCards routes={routes} sort={sort} tz={range.tz} routeId={routeId} />
      <div className="relative hidden max-h-[75vh] overflow-auto sm:block" tabIndex={0} role="region" aria-label="Routes table">
        <table className="min-w-full border-separate border-spacing-0 text-sm">
          <caption className="sr-only">
            The range&apos;s invocations grouped by method and route, sorted by {label}, largest first. Durations are nearest-rank
            percentiles; times in {range.tz}.
          </caption>
          <thead>
            <tr>
              {COLUMNS.map((column) => (
                <th
                  key={column.label}
                  scope="col"
                  aria-sort={column.sort === sort ? 'descending' : undefined}
                  className={`${th} ${column.numeric ? 'text-right' : 'text-left'}`}
                >
                  {column.sort ? (
                    <SortHeader column={{ ...column, sort: column.sort }} sort={sort} href={sortHref(column.sort)} />
                  ) : (
                    column.label
                  )}
                  {column.label === 'Last called' && ` (${range.tz})`}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {routes.map((route) => (
              <tr key={`${route.method} ${route.route}`} className="hover:bg-surface-muted/60">
                <td className={td}>
                  <span className="rounded bg-surface-muted px-1.5 py-px font-mono text-xs font-semibold">{route.method}</span>
                </td>
                <th scope="row" className={`${td} text-left font-normal`}>
                  <Link
                    href={routeHref(routeId, route.method, route.route, search)}
                    className="block max-w-[22rem] font-mono text-xs break-words text-accent underline-offset-2 hover:underline"
                  >
                    {route.route}
                    <span className="sr-only"> ({route.method})</span>
                  </Link>
                </th>
                {routeCells(route).map((cell, index) => (
                  <td key={COLUMNS[index + 2]?.label} className={`${td} tabular text-right whitespace-nowrap`}>
                    {cell}
                  </td>
                ))}
                <td className={td}>{route.lastCalledAt ? <ZonedTime at={route.lastCalledAt} tz={range.tz} /> : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
